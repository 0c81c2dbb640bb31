"""Alembic environment of the index: run by ledger.index.db.upgrade with the engine in the
config's attributes (no alembic.ini, no logging configuration of its own)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from ledger.index.models import Base

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
        context.run_migrations()
    connection.commit()
