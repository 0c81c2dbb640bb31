"""Whether the index still describes the chain its node serves, as the follower last saw it.

The follower writes what it saw (the node's head, or why the index no longer matches) into the
index's state row; a service reads that one row before answering from the index, rather than
asking the node on every request.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, func, select, update

from ledger.index.errors import IndexOutOfStep
from ledger.index.state import STATE, STATE_ID

RETRY_AFTER_SECONDS = 5  # a development service's follower rebuilds within a poll or two
RETRY_AFTER_REBUILD_SECONDS = 300  # an operator has to act


class IndexChain(BaseModel):
    """The chain the index describes, how far behind the node it is, and any mismatch."""

    chain_id: int
    genesis_hash: str
    deployment_block: int
    deployment_hash: str | None = Field(description="None until a follower of this version has run")
    checkpoint: int = Field(description="The last block indexed")
    node_head: int | None = Field(description="The node's head when the follower last saw it")
    node_seen_at: datetime | None
    lag_blocks: int | None = Field(description="Blocks the node has that the index does not yet hold")
    mismatch: str | None = Field(description="Why the index no longer matches the node's chain (None: it does)")
    mismatch_since: datetime | None


def _time(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def index_chain(connection: Connection, *, node_head: int | None = None) -> IndexChain | None:
    """What the state row says (None: nothing indexed yet); `node_head`, when the caller has just
    read it, measures the lag instead of the follower's last sighting."""
    row = connection.execute(select(STATE).where(STATE.c.id == STATE_ID)).mappings().first()
    if row is None:
        return None
    head = node_head if node_head is not None else row["node_head"]
    return IndexChain(
        chain_id=row["chain_id"],
        genesis_hash="0x" + bytes(row["genesis_hash"]).hex(),
        deployment_block=row["base_block"] + 1,
        deployment_hash=None if row["deployment_hash"] is None else "0x" + bytes(row["deployment_hash"]).hex(),
        checkpoint=row["checkpoint_block"],
        node_head=head,
        node_seen_at=_time(row["node_seen_at"]),
        lag_blocks=None if head is None else max(head - row["checkpoint_block"], 0),
        mismatch=row["mismatch"],
        mismatch_since=_time(row["mismatch_at"]),
    )


def record_seen(engine: Engine, *, head: int) -> None:
    """The follower caught up against a node whose chain the index matches."""
    with engine.begin() as connection:
        connection.execute(
            update(STATE)
            .where(STATE.c.id == STATE_ID)
            .values(node_head=head, node_seen_at=int(time.time()), mismatch=None, mismatch_at=None)
        )


def record_mismatch(engine: Engine, *, reason: str) -> None:
    """The follower found the node on another chain or deployment (kept since it first saw it)."""
    now = int(time.time())
    with engine.begin() as connection:
        connection.execute(
            update(STATE)
            .where(STATE.c.id == STATE_ID)
            .values(mismatch=reason[:1000], mismatch_at=func.coalesce(STATE.c.mismatch_at, now), node_seen_at=now)
        )


def require_match(connection: Connection, *, rebuilds_itself: bool) -> None:
    """Refused (IndexOutOfStep) while the follower last saw the node on another chain."""
    mismatch = connection.execute(select(STATE.c.mismatch).where(STATE.c.id == STATE_ID)).scalar()
    if mismatch:
        wait = RETRY_AFTER_SECONDS if rebuilds_itself else RETRY_AFTER_REBUILD_SECONDS
        raise IndexOutOfStep(mismatch, rebuilds_itself=rebuilds_itself, retry_after=wait)
