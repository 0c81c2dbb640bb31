"""StatisticsRegistry through a LedgerClient: commit a table's root, read its revisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
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
    """Reads and writes of the deployed StatisticsRegistry."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.address = client.address_of(CONTRACT)
        self.codec = client.artifacts.codec(CONTRACT)

    # -------------------------------------------------------------- writes

    def commit(self, *, key: TableKey, root: bytes, rows: int, cid_digest: bytes | None) -> tuple[int, SentTransaction]:
        """Commit a revision of `key`'s table as the client's key (an oracle of key.reporter);
        returns the revision's number and the transaction."""
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
        return int(self._view("revisionCount", *_table_args(key)))

    def latest(self, key: TableKey) -> CommittedRevision | None:
        """The latest revision of `key`'s table, None when nothing is committed."""
        count = self.revision_count(key)
        return self.revision(key, count) if count else None

    def revision(self, key: TableKey, number: int) -> CommittedRevision:
        """Revision `number` (from 1) of `key`'s table."""
        return CommittedRevision.from_chain(number, self._view("revision", *_table_args(key), number))

    def revisions(self, key: TableKey) -> list[CommittedRevision]:
        """Every revision of `key`'s table, oldest first (read in pages)."""
        count = self.revision_count(key)
        page = int(self._view("MAX_HISTORY_PAGE"))
        found: list[CommittedRevision] = []
        for offset in range(0, count, page):
            raw = self._view("revisions", *_table_args(key), offset, page)
            found += [CommittedRevision.from_chain(offset + i + 1, r) for i, r in enumerate(raw)]
        return found

    def period_of(self, timestamp: int) -> int:
        """The contract's month (YYYYMM) of a unix time."""
        return int(self._view("periodOf", timestamp))

    def _view(self, name: str, *args: Any) -> Any:
        fn = self.codec.function(name)
        [reply] = self.client.raw_batch([("eth_call", [{"to": self.address, "data": fn.call_data(*args)}, "latest"])])
        if "error" in reply:
            data = reply["error"].get("data") if isinstance(reply["error"], dict) else None
            decoded = self.client.artifacts.decode_revert(bytes.fromhex(data[2:])) if isinstance(data, str) else None
            raise decoded or TransactionFailed(f"{CONTRACT}.{name} failed: {reply['error']}")
        return fn.decode(bytes.fromhex(str(reply["result"])[2:]))


def _hex(value: Any) -> str:
    """A log field as 0x-prefixed hex, whether web3 gave bytes or text."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("0x") else "0x" + text
