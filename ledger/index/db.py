"""The index database: an engine from a URL (SQLite by default, PostgreSQL by URL) and its
migrations, run from the package (no alembic.ini needed where sanzhi is installed)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from ledger.index.errors import DatabaseUnavailable, IndexSchemaNewer, NotIndexed, UnsupportedDatabase
from ledger.index.state import read_checkpoint
from ledger.settings import LedgerSettings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# what people paste from libpq or other tools, and the driver this package ships with
_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}


def database_url(settings: LedgerSettings) -> str:
    """SANZHI_DATABASE_URL, else SQLite in the data directory."""
    return settings.resolved_database_url


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy takes it: PostgreSQL always through psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabase(url.split(":", 1)[0]) from None
    if parsed.drivername in _POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            # every connection of a pool would get a database of its own
            raise UnsupportedDatabase("sqlite in memory")
        return parsed
    raise UnsupportedDatabase(parsed.drivername)


def shown(url: URL | str) -> str:
    """The URL for messages: never the password."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    # WAL: readers (audit queries, the service) never wait for the follower's writes
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the index at `url` (not yet migrated: see `upgrade`)."""
    parsed = parse_url(url)
    if parsed.drivername.startswith("sqlite"):
        assert parsed.database is not None
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


# Alembic's `context` is one module-level object: two migrations in one process at once (two
# threads) would share it, whatever the database.
_IN_PROCESS = threading.Lock()


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def _current(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision this package ships (idempotent).

    Migrations of one database are serialised (a follower and a one-off `sanzhi index` may start
    on a new database at once): on PostgreSQL by an advisory lock the migration transaction takes
    (migrations/env.py), on SQLite by a lock file beside the database, since SQLite runs DDL
    outside the transaction pysqlite opens and a second migrator would see half a schema.
    """
    config = _config(engine)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    lock = FileLock(f"{database}.migrate.lock", timeout=300) if database else contextlib.nullcontext()
    try:
        with _IN_PROCESS, lock:
            current = _current(engine)
            unknown = sorted(current - _all_revisions(config))
            if unknown:
                raise IndexSchemaNewer(shown(engine.url), unknown[0])
            if current != heads:
                command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(shown(engine.url), detail) from None
    except (CommandError, Timeout) as exc:
        raise DatabaseUnavailable(shown(engine.url), str(exc)) from None


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database (None: never migrated)."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise DatabaseUnavailable(shown(engine.url), str(exc.orig).strip().splitlines()[0]) from None


def _all_revisions(config: Config) -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def open_index(settings: LedgerSettings, *, migrate: bool = True) -> Engine:
    """The engine of the configured index, migrated to the newest schema unless told not to."""
    engine = make_engine(database_url(settings))
    if migrate:
        upgrade(engine)
    return engine


def open_existing_index(settings: LedgerSettings) -> Engine:
    """The configured index for reading: refused (NotIndexed) when nothing was ever indexed
    there, rather than creating an empty database as a side effect of a query."""
    url = database_url(settings)
    parsed = parse_url(url)
    if parsed.drivername.startswith("sqlite") and not Path(str(parsed.database)).exists():
        raise NotIndexed(shown(parsed))
    engine = make_engine(url)
    if current_revision(engine) is None:
        raise NotIndexed(shown(parsed))
    upgrade(engine)
    with engine.connect() as connection:
        if read_checkpoint(connection) is None:
            raise NotIndexed(shown(parsed))
    return engine
