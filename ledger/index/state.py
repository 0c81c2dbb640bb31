"""The index's record of which chain it follows and how far: read, checked, moved, rewound.

Every move of the checkpoint is a compare-and-set on the checkpoint it started from, in the
transaction that writes the range's events: two followers on one database (the background
process and a one-off `sanzhi index`) never both write a range, and a crash leaves the
checkpoint and the events of the same range, or neither.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, Table, TableClause, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ledger.index.errors import ChainReset
from ledger.index.models import Base

EVENTS: Table = Base.metadata.tables["chain_events"]
BLOCKS: Table = Base.metadata.tables["indexed_blocks"]
STATE: Table = Base.metadata.tables["index_state"]
SUBSCRIPTIONS: Table = Base.metadata.tables["webhook_subscriptions"]
STATE_ID = 1


@dataclass(frozen=True)
class ChainIdentity:
    """What the node says this chain and deployment are."""

    chain_id: int
    genesis_hash: bytes
    base_block: int  # the block before the deployment
    base_hash: bytes
    base_time: int
    contracts: dict[str, str]  # name -> address (lower case)
    deployment_hash: bytes  # of the block after base_block, where the deployment starts


@dataclass(frozen=True)
class Checkpoint:
    block: int
    hash: bytes
    contracts: dict[str, str]


def read_checkpoint(connection: Connection) -> Checkpoint | None:
    row = connection.execute(select(STATE).where(STATE.c.id == STATE_ID)).mappings().first()
    if row is None:
        return None
    return Checkpoint(row["checkpoint_block"], bytes(row["checkpoint_hash"]), dict(row["contracts"]))


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def check_identity(connection: Connection, chain: ChainIdentity) -> Checkpoint:
    """The checkpoint of this chain's index, created at the deployment if the index is empty.

    Refused (ChainReset) when the index follows another chain id, genesis or deployment, or a
    contract it indexed moved: never a mix of two chains in one index.
    """
    row = connection.execute(select(STATE).where(STATE.c.id == STATE_ID)).mappings().first()
    if row is None:
        if connection.execute(select(func.count()).select_from(EVENTS)).scalar_one():
            raise ChainReset("it holds events but no record of the chain they came from")
        connection.execute(
            insert(STATE).values(
                id=STATE_ID,
                chain_id=chain.chain_id,
                genesis_hash=chain.genesis_hash,
                base_block=chain.base_block,
                base_hash=chain.base_hash,
                contracts=chain.contracts,
                checkpoint_block=chain.base_block,
                checkpoint_hash=chain.base_hash,
                updated_at=int(time.time()),
                deployment_hash=chain.deployment_hash,
            )
        )
        insert_blocks(connection, [(chain.base_block, chain.base_hash, b"\0" * 32, chain.base_time)])
        return Checkpoint(chain.base_block, chain.base_hash, dict(chain.contracts))
    if row["chain_id"] != chain.chain_id:
        raise ChainReset(f"it follows chain id {row['chain_id']}, the node is on {chain.chain_id}")
    if bytes(row["genesis_hash"]) != chain.genesis_hash:
        raise ChainReset(
            f"its genesis block is {_hex(bytes(row['genesis_hash']))}, the node's is {_hex(chain.genesis_hash)}"
        )
    if row["base_block"] != chain.base_block or bytes(row["base_hash"]) != chain.base_hash:
        raise ChainReset(
            f"it starts after block {row['base_block']} ({_hex(bytes(row['base_hash']))}), "
            f"the deployment record after block {chain.base_block} ({_hex(chain.base_hash)})"
        )
    if row["deployment_hash"] is None:  # indexed before the deployment block's hash was kept
        connection.execute(update(STATE).where(STATE.c.id == STATE_ID).values(deployment_hash=chain.deployment_hash))
    elif bytes(row["deployment_hash"]) != chain.deployment_hash:
        raise ChainReset(
            f"block {row['base_block'] + 1}, where the contracts were deployed, is {_hex(chain.deployment_hash)} "
            f"on the node, not {_hex(bytes(row['deployment_hash']))} as indexed"
        )
    indexed: dict[str, str] = dict(row["contracts"])
    for name, address in indexed.items():
        if chain.contracts.get(name) != address:
            raise ChainReset(f"it indexed {name} at {address}, the deployment record has {chain.contracts.get(name)}")
    return Checkpoint(row["checkpoint_block"], bytes(row["checkpoint_hash"]), indexed)


def move_checkpoint(
    connection: Connection, *, expected: Checkpoint, block: int, block_hash: bytes, contracts: dict[str, str]
) -> bool:
    """Set the checkpoint if it is still `expected`; False when another follower moved it."""
    result = connection.execute(
        update(STATE)
        .where(
            STATE.c.id == STATE_ID,
            STATE.c.checkpoint_block == expected.block,
            STATE.c.checkpoint_hash == expected.hash,
        )
        .values(checkpoint_block=block, checkpoint_hash=block_hash, contracts=contracts, updated_at=int(time.time()))
    )
    return result.rowcount == 1


def insert_ignoring_duplicates(connection: Connection, table: TableClause | type[Any]) -> Insert:
    """An INSERT into `table` (a table or a mapped class) that skips a row whose unique key is
    already there, on PostgreSQL and on SQLite alike."""
    insert_of = postgres_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return insert_of(table).on_conflict_do_nothing()


def insert_blocks(connection: Connection, blocks: Sequence[tuple[int, bytes, bytes, int]]) -> None:
    rows = [{"number": n, "hash": h, "parent_hash": p, "time": t} for n, h, p, t in blocks]
    if rows:
        connection.execute(insert_ignoring_duplicates(connection, BLOCKS), rows)


def insert_events(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert events; one already there (same transaction and log index) is left as it is."""
    if not rows:
        return
    # Straight to the driver's executemany (psycopg pipelines it): SQLAlchemy's per-value bind
    # processing costs as much as the database's own work on these rows, and a catch-up writes
    # them by the ten thousand. The column names are the table's own, never input.
    columns = list(rows[0])
    postgres = connection.dialect.name == "postgresql"
    json_columns = {i for i, name in enumerate(columns) if name in ("args", "signers")}
    marks = [("%s::jsonb" if i in json_columns else "%s") if postgres else "?" for i in range(len(columns))]
    statement = f"INSERT INTO chain_events ({', '.join(columns)}) VALUES ({', '.join(marks)}) ON CONFLICT DO NOTHING"
    connection.exec_driver_sql(
        statement,
        [
            tuple(
                json.dumps(value) if i in json_columns and value is not None else value
                for i, value in enumerate(row[name] for name in columns)
            )
            for row in rows
        ],
    )


def stored_blocks_below(connection: Connection, block: int, limit: int) -> list[tuple[int, bytes]]:
    """Up to `limit` stored blocks at or below `block`, highest first."""
    query = select(BLOCKS.c.number, BLOCKS.c.hash).where(BLOCKS.c.number <= block)
    rows = connection.execute(query.order_by(BLOCKS.c.number.desc()).limit(limit))
    return [(int(n), bytes(h)) for n, h in rows]


def cut_above(connection: Connection, block: int) -> int:
    """Delete every event and block above `block`; the number of events deleted."""
    removed = connection.execute(delete(EVENTS).where(EVENTS.c.block_number > block)).rowcount
    connection.execute(delete(BLOCKS).where(BLOCKS.c.number > block))
    _rewind_webhook_cursors(connection)
    return max(removed, 0)


def forget_chain(connection: Connection) -> None:
    """Delete everything learnt from the chain (issuer records stay: they are the issuer's)."""
    connection.execute(delete(EVENTS))
    connection.execute(delete(BLOCKS))
    connection.execute(delete(STATE))
    _rewind_webhook_cursors(connection)


def _rewind_webhook_cursors(connection: Connection) -> None:
    """A webhook subscription's cursor past the events that remain goes back to the last of them:
    the events indexed in the deleted ones' place may take their row ids (SQLite reuses the
    highest), and each must still be looked at (deliveries are de-duplicated by event key, so
    an event indexed again as it was is not delivered twice)."""
    last = connection.scalar(select(func.max(EVENTS.c.id))) or 0
    connection.execute(update(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.cursor > last).values(cursor=last))


def issuing_members(connection: Connection, roots: Sequence[bytes]) -> dict[bytes, str]:
    """Root -> issuing member, for batches already indexed."""
    found: dict[bytes, str] = {}
    for start in range(0, len(roots), 500):
        rows = connection.execute(
            select(EVENTS.c.cert_root, EVENTS.c.organisation).where(
                EVENTS.c.event == "CertificatesIssued", EVENTS.c.cert_root.in_(roots[start : start + 500])
            )
        )
        found.update({bytes(root): str(member) for root, member in rows if member is not None})
    return found
