"""The index database: URLs, migrations from empty, a schema newer than the code."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from ledger.index.db import current_revision, database_url, make_engine, parse_url, shown, upgrade
from ledger.index.errors import DatabaseUnavailable, IndexSchemaNewer, UnsupportedDatabase
from ledger.index.models import Base
from ledger.settings import LedgerSettings

TABLES = {
    "chain_events",
    "indexed_blocks",
    "index_state",
    "issued_certificates",
    "api_keys",
    "webhook_subscriptions",
    "webhook_deliveries",
    "leases",
    "portal_sessions",
    "alembic_version",
}


def test_migrations_build_the_schema_the_models_describe(index_url: str) -> None:
    engine = make_engine(index_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == "0008"
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        indexes = {i["name"] for i in inspect(engine).get_indexes("chain_events")}
        assert {"ix_chain_events_organisation", "ix_chain_events_operator", "ix_chain_events_actor"} <= indexes
        upgrade(engine)  # a second run changes nothing
        assert current_revision(engine) == "0008"
    finally:
        engine.dispose()


def test_a_schema_newer_than_this_code_is_refused(index_db: Engine) -> None:
    with index_db.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(IndexSchemaNewer, match="9999"):
        upgrade(index_db)


def test_the_default_is_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    url = database_url(LedgerSettings(data_dir=tmp_path / "data"))
    assert url == f"sqlite:///{(tmp_path / 'data' / 'index.sqlite').resolve()}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    assert (tmp_path / "data" / "index.sqlite").exists()


def test_the_environment_names_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANZHI_DATABASE_URL", "postgresql://auditor:s3cret@db.example:5432/sanzhi")
    settings = LedgerSettings()
    assert database_url(settings) == "postgresql://auditor:s3cret@db.example:5432/sanzhi"
    assert parse_url(database_url(settings)).drivername == "postgresql+psycopg"
    assert "s3cret" not in shown(database_url(settings))


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "sqlite://", "sqlite:///:memory:", "not a url"])
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(UnsupportedDatabase):
        make_engine(url)


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    engine = make_engine(f"postgresql+psycopg://nobody:pw@/sanzhi?host={tmp_path}")
    with pytest.raises(DatabaseUnavailable, match="cannot use the index database") as caught:
        upgrade(engine)
    assert "pw@" not in caught.value.message


_start_together: Any = None  # each pool process's handle on the barrier (set by its initializer)


def _join(barrier: Any) -> None:
    global _start_together
    _start_together = barrier


def migrate_together(url: str) -> str | None:
    """In a process of its own: once every process of the pool is here (all have imported
    sanzhi), migrate; the revision reached."""
    _start_together.wait(timeout=60)
    engine = make_engine(url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def test_processes_migrating_a_new_database_at_once_all_succeed(index_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    # one task per process: each waits at the barrier until the other two have theirs
    with context.Pool(3, initializer=_join, initargs=(barrier,)) as pool:
        revisions = pool.map(migrate_together, [index_url] * 3, chunksize=1)
    assert revisions == ["0008"] * 3


def test_threads_migrating_at_once_take_turns(index_url: str) -> None:
    engines = [make_engine(index_url) for _ in range(3)]
    errors: list[BaseException] = []

    def migrate(engine: Engine) -> None:
        try:
            upgrade(engine)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert [current_revision(engine) for engine in engines] == ["0008"] * 3
    finally:
        for engine in engines:
            engine.dispose()
