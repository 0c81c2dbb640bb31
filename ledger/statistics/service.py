"""Committing a table and checking a table against its reporter's commitment."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.statistics.commitment import table_root
from ledger.statistics.errors import NotCommitted, SharedCopyMismatch, TableMismatch, WrongReporter
from ledger.statistics.registry import CommittedRevision, StatisticsRegistryBinding
from ledger.statistics.table import StatisticsTable, TableKey


class CommitResult(BaseModel):
    """What `commit_table` did: the revision that now holds the table's root."""

    table: TableKey
    revision: int
    root: str
    rows: int
    cid_digest: str | None
    committed_at: datetime
    tx_hash: str | None
    already_committed: bool


def commit_table(*, client: LedgerClient, table: StatisticsTable, cid_digest: bytes | None = None) -> CommitResult:
    """Commit the table's root as a new revision, signed by the client's key, which must be an
    oracle of the table's reporter. A table whose root, row count and CID digest are already
    the latest revision is not sent again (a rerun is harmless)."""
    key = table.key
    member = ConsortiumBinding(client).accrediting_member(client.address)
    if member != key.reporter:
        raise WrongReporter(table.describe(), key.reporter, client.address, member)
    root = table_root(table)
    binding = StatisticsRegistryBinding(client)
    latest = binding.latest(key)
    cid_hex = "0x" + cid_digest.hex() if cid_digest else None
    if latest is not None and (latest.root_bytes, latest.rows, latest.cid_digest) == (root, len(table.rows), cid_hex):
        return _result(key, latest, tx_hash=None, already=True)
    number, sent = binding.commit(key=key, root=root, rows=len(table.rows), cid_digest=cid_digest)
    committed = binding.revision(key, number)
    return _result(key, committed, tx_hash=sent.tx_hash, already=False)


def _result(key: TableKey, revision: CommittedRevision, *, tx_hash: str | None, already: bool) -> CommitResult:
    return CommitResult(
        table=key,
        revision=revision.number,
        root=revision.root,
        rows=revision.rows,
        cid_digest=revision.cid_digest,
        committed_at=revision.committed_at,
        tx_hash=tx_hash,
        already_committed=already,
    )


def verify_table(*, client: LedgerClient, table: StatisticsTable) -> CommittedRevision:
    """The latest revision its reporter committed for this table, when the table's rows give
    exactly its root and row count; NotCommitted or TableMismatch otherwise."""
    key = table.key
    revisions = StatisticsRegistryBinding(client).revisions(key)
    if not revisions:
        raise NotCommitted(table.describe(), key.reporter)
    latest = revisions[-1]
    root = table_root(table)
    if latest.root_bytes != root or latest.rows != len(table.rows):
        earlier = next((r.number for r in reversed(revisions) if r.root_bytes == root), None)
        raise TableMismatch(
            table.describe(),
            key.reporter,
            revision=latest.number,
            committed_at=int(latest.committed_at.timestamp()),
            matches_revision=earlier,
        )
    return latest


def check_shared_copy(table: StatisticsTable, revision: CommittedRevision, cid_digest: bytes) -> None:
    """The table came from the very document its reporter committed with this revision."""
    if revision.cid_digest != "0x" + cid_digest.hex():
        raise SharedCopyMismatch(table.describe(), table.key.reporter, revision.cid_digest)
