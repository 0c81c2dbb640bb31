"""The events one transaction wrote, in log order: what an auditor opens from a transaction
hash in a search result."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ledger.errors import InvalidInput
from ledger.index.audit import HASH
from ledger.index.presentation import AuditEvent, audit_event
from ledger.index.state import EVENTS

MAX_EVENTS = 500  # a transaction writes a few; a batch of decisions at most a few hundred


def transaction_events(*, engine: Engine, tx_hash: str) -> list[AuditEvent]:
    """The indexed events of transaction `tx_hash` (0x and 64 hex digits), oldest first."""
    if not HASH.match(tx_hash.strip()):
        raise InvalidInput(f"{tx_hash[:80]!r} is not a transaction hash (0x and 64 hex digits)", path="tx_hash")
    key = bytes.fromhex(tx_hash.strip()[2:])
    with engine.connect() as connection:
        rows = connection.execute(
            select(EVENTS).where(EVENTS.c.tx_hash == key).order_by(EVENTS.c.log_index).limit(MAX_EVENTS)
        ).mappings()
        return [audit_event(row) for row in rows]
