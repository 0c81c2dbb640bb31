"""AssessmentRegistry through a LedgerClient: submit a self-assessment, read members' histories."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.assessment.errors import readable_errors
from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import batch_call
from ledger.consortium.versions import active_version, listed_versions
from ledger.errors import TransactionFailed
from ledger.ids import ascii_bytes32, member_id_bytes

CONTRACT = "AssessmentRegistry"
PAGE = 256


class Submission(BaseModel):
    """One submitted self-assessment, as the registry holds it; numbered over every version."""

    member: str
    number: int
    framework: str
    root: str
    answers_digest: str
    submitter: str
    submitted_at: datetime
    indicators: int

    @property
    def root_bytes(self) -> bytes:
        return bytes.fromhex(self.root[2:])

    @property
    def digest_bytes(self) -> bytes:
        return bytes.fromhex(self.answers_digest[2:])

    @classmethod
    def from_chain(cls, member: str, number: int, raw: tuple[Any, ...]) -> Submission:
        version, root, digest, submitter, submitted_at, indicators = raw
        return cls(
            member=member,
            number=number,
            framework=bytes(version).rstrip(b"\0").decode("ascii", errors="replace"),
            root="0x" + bytes(root).hex(),
            answers_digest="0x" + bytes(digest).hex(),
            submitter=to_checksum_address(submitter),
            submitted_at=datetime.fromtimestamp(int(submitted_at), tz=UTC),
            indicators=int(indicators),
        )


class AssessmentRegistryBinding:
    """AssessmentRegistry over every version the consortium lists: a submission goes to the
    active version; a member's history is read from every listed version, merged by time."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.codec = client.artifacts.codec(CONTRACT)

    @cached_property
    def address(self) -> str:
        """The active version, which takes submissions."""
        return active_version(self.client, CONTRACT)

    def submit(self, *, framework: str, root: bytes, answers_digest: bytes, indicators: int) -> SentTransaction:
        """Submit as the client's key (a member's admin); the member is the key's, never a parameter."""
        data = self.codec.function("submit").call_data(ascii_bytes32(framework), root, answers_digest, indicators)
        with readable_errors():
            sent = self.client.send({"to": self.address, "data": data})
        if not sent.receipt["logs"]:
            raise TransactionFailed(f"submit {sent.tx_hash} recorded no AssessmentSubmitted event")
        return sent

    def history(self, member: str) -> list[Submission]:
        """The member's submissions over every listed version, oldest first (by block time, the
        later-listed version first on a tie), numbered from 1. Two JSON-RPC batches."""
        return self.histories([member])[member]

    def histories(self, members: list[str]) -> dict[str, list[Submission]]:
        """`history` of several members at once (two rounds of JSON-RPC batches in all)."""
        versions = [ContractBinding(self.client, CONTRACT, a) for a in listed_versions(self.client, CONTRACT)]
        pairs = [(m, position, v) for m in members for position, v in enumerate(versions)]
        counts = batch_call(self.client, [v.fn("submissionCount", member_id_bytes(m)) for m, _, v in pairs])
        pages = [(m, p, v, o, min(PAGE, int(n) - o)) for (m, p, v), n in zip(pairs, counts, strict=True)
                 for o in range(0, int(n), PAGE)]  # fmt: skip
        calls = [v.fn("submissions", member_id_bytes(m), o, limit) for m, _, v, o, limit in pages]
        found: dict[str, list[tuple[int, int, int, tuple[Any, ...]]]] = {m: [] for m in members}
        for (member, position, _, offset, _), page in zip(pages, batch_call(self.client, calls), strict=True):
            for i, raw in enumerate(page):
                found[member].append((int(raw[4]), -position, offset + i, tuple(raw)))
        result = {}
        for member, entries in found.items():
            entries.sort(key=lambda e: e[:3])
            result[member] = [Submission.from_chain(member, n, e[3]) for n, e in enumerate(entries, start=1)]
        return result
