"""Alembic environment of the index: run by ledger.index.db.upgrade with the engine in the
config's attributes (no alembic.ini, no logging configuration of its own)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from ledger.index.models import Base

MIGRATION_LOCK = 0x53414E5A48490001  # "SANZHI" 0001: the advisory lock key of index migrations
engine = context.config.attributes["engine"]
assert isinstance(engine, Engine), "ledger.index.db.upgrade passes the engine"

with engine.connect() as connection:
    # SQLite cannot ALTER most things: batch mode rebuilds a table where a migration needs it
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # one migrator at a time per database; the next finds the schema done (db.upgrade)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
    connection.commit()
