"""StatisticsRegistry through a LedgerClient: commit a table's root, read its revisions."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.reads import view_request, view_result
from ledger.consortium.versions import active_version, listed_versions
from ledger.errors import TransactionFailed
from ledger.ids import member_id_bytes
from ledger.statistics.errors import readable_errors
from ledger.statistics.table import TableKey, period_code

CONTRACT = "StatisticsRegistry"
ZERO32 = b"\0" * 32


class CommittedRevision(BaseModel):
    """One revision of a table's commitment, as the registry holds it."""

    number: int
    root: str
    rows: int
    cid_digest: str | None
    committer: str
    committed_at: datetime

    @property
    def root_bytes(self) -> bytes:
        return bytes.fromhex(self.root[2:])

    @classmethod
    def from_chain(cls, number: int, raw: tuple[Any, ...]) -> CommittedRevision:
        root, cid_digest, committer, committed_at, rows = raw
        return cls(
            number=number,
            root="0x" + bytes(root).hex(),
            rows=int(rows),
            cid_digest=None if bytes(cid_digest) == ZERO32 else "0x" + bytes(cid_digest).hex(),
            committer=to_checksum_address(committer),
            committed_at=datetime.fromtimestamp(int(committed_at), tz=UTC),
        )


def _table_args(key: TableKey) -> list[Any]:
    return [member_id_bytes(key.reporter), key.flow.code, member_id_bytes(key.partner), period_code(key.period)]


class StatisticsRegistryBinding:
    """StatisticsRegistry over every version the consortium lists: a commit goes to the active
    version; a table's revisions are read from every listed version as one history, numbered as
    the contract numbers them (its views answer for their own version alone)."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.codec = client.artifacts.codec(CONTRACT)

    @cached_property
    def address(self) -> str:
        """The active version, which takes commits."""
        return active_version(self.client, CONTRACT)

    # -------------------------------------------------------------- writes

    def commit(self, *, key: TableKey, root: bytes, rows: int, cid_digest: bytes | None) -> tuple[int, SentTransaction]:
        """Commit a revision of `key`'s table as the client's key (an oracle of key.reporter);
        returns the revision's number (over every version) and the transaction."""
        data = self.codec.function("commit").call_data(
            key.flow.code, member_id_bytes(key.partner), period_code(key.period), root, rows, cid_digest or ZERO32
        )
        with readable_errors():
            sent = self.client.send({"to": self.address, "data": data})
        decode = self.codec.event_decoder("StatisticsCommitted")
        topic = "0x" + self.codec.event_topic("StatisticsCommitted").hex()
        for log in sent.receipt["logs"]:
            topics = log["topics"]
            if _hex(topics[0]) == topic and str(log["address"]).lower() == self.address.lower():
                values = decode({"topics": [_hex(t) for t in topics], "data": _hex(log["data"])})
                return int(values["revision"]), sent
        raise TransactionFailed(f"commit {sent.tx_hash} recorded no StatisticsCommitted event")

    # -------------------------------------------------------------- reads

    def revision_count(self, key: TableKey) -> int:
        """How many revisions the table has over every listed version."""
        return sum(self._counts(listed_versions(self.client, CONTRACT), key))

    def latest(self, key: TableKey) -> CommittedRevision | None:
        """The latest revision of `key`'s table, None when nothing is committed."""
        history = self.revisions(key)
        return history[-1] if history else None

    def revision(self, key: TableKey, number: int) -> CommittedRevision:
        """Revision `number` (from 1, over every version) of `key`'s table."""
        history = self.revisions(key)
        if not 1 <= number <= len(history):
            raise TransactionFailed(f"{key.describe()} has no revision {number} (it has {len(history)})")
        return history[number - 1]

    def revisions(self, key: TableKey) -> list[CommittedRevision]:
        """Every revision of `key`'s table over every listed version, oldest first, numbered as
        the contract numbers them: in order of commit time, the later-listed version first on a
        tie (the order the contract takes for the latest revision). Two JSON-RPC batches: the
        counts, then every version's pages."""
        versions = listed_versions(self.client, CONTRACT)
        counts = self._counts(versions, key)
        page = int(self._view(versions[-1], "MAX_HISTORY_PAGE"))
        fn = self.codec.function("revisions")
        pages = [(v, offset) for v, n in zip(versions, counts, strict=True) for offset in range(0, n, page)]
        calls = [view_request(v, fn.call_data(*_table_args(key), offset, page)) for v, offset in pages]
        found: list[tuple[int, int, int, tuple[Any, ...]]] = []
        for (version, offset), reply in zip(pages, self.client.raw_batch(calls) if calls else [], strict=True):
            position = versions.index(version)
            for i, raw in enumerate(fn.decode(view_result(self.client, reply, f"{CONTRACT}.revisions"))):
                found.append((int(raw[3]), position, offset + i, tuple(raw)))
        found.sort(key=lambda entry: entry[:3])
        return [CommittedRevision.from_chain(number, entry[3]) for number, entry in enumerate(found, start=1)]

    def period_of(self, timestamp: int) -> int:
        """The contract's month (YYYYMM) of a unix time."""
        return int(self._view(self.address, "periodOf", timestamp))

    def _counts(self, versions: list[str], key: TableKey) -> list[int]:
        """Each version's own revision count of the table, in one JSON-RPC batch."""
        fn = self.codec.function("revisionCount")
        data = fn.call_data(*_table_args(key))
        replies = self.client.raw_batch([view_request(v, data) for v in versions])
        return [int(fn.decode(view_result(self.client, reply, f"{CONTRACT}.revisionCount"))) for reply in replies]

    def _view(self, address: str, name: str, *args: Any) -> Any:
        fn = self.codec.function(name)
        [reply] = self.client.raw_batch([view_request(address, fn.call_data(*args))])
        return fn.decode(view_result(self.client, reply, f"{CONTRACT}.{name}"))


def _hex(value: Any) -> str:
    """A log field as 0x-prefixed hex, whether web3 gave bytes or text."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("0x") else "0x" + text
