"""Compare the source with the chain and derive the changes that make the chain match.

Operators absent from the source are left alone: an export that misses a row must not revoke
anybody; revocation is an explicit `revoked` row. Each change gets an idempotency key from
the member, the operator, the certification's on-chain change count it was derived from, and
the change itself, so the same source against the same chain always gives the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils.crypto import keccak

from ledger.aeo.changes import AeoChange, static_words
from ledger.aeo.codes import ChangeKind, Status
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.reads import raw_results
from ledger.ids import member_id_bytes
from oracles.aeo_records import AeoRecord, RowProblem


@dataclass(frozen=True)
class ChainCertification:
    """The parts of an on-chain certification the feed compares."""

    status: Status
    tier: int
    valid_from: int
    valid_until: int
    evidence_hash: bytes
    changes: int


@dataclass(frozen=True)
class PlannedChange:
    key: str
    operator_id: str
    seq: int
    change: AeoChange


def read_certifications(client: LedgerClient, member: str, operators: Sequence[bytes]) -> list[ChainCertification]:
    """The current certifications of `operators` by `member`, in JSON-RPC batches."""
    certification = client.artifacts.codec(CONTRACT).function("certification")
    member_bytes = member_id_bytes(member)
    calls = [certification.call_data(op, member_bytes) for op in operators]
    found = []
    for raw in raw_results(client, client.address_of(CONTRACT), calls):
        (_, status, tier, _, valid_from, valid_until, _), evidence, changes = certification.decode(raw)
        found.append(ChainCertification(Status(status), tier, valid_from, valid_until, evidence, changes))
    return found


def derive_changes(
    member: str, records: Sequence[AeoRecord], chain: Sequence[ChainCertification]
) -> tuple[list[PlannedChange], list[RowProblem]]:
    """The changes per record (certify first, then a status change), and unusable records."""
    planned: list[PlannedChange] = []
    problems: list[RowProblem] = []
    for record, current in zip(records, chain, strict=True):
        changes, problem = _changes_for(record, current)
        if problem:
            problems.append(RowProblem(record.ref, record.operator_id, problem, {}))
        for seq, change in enumerate(changes):
            key = change_key(member, current.changes + seq, change)
            planned.append(PlannedChange(key, record.operator_id, seq, change))
    return planned, problems


def change_key(member: str, base: int, change: AeoChange) -> str:
    """The idempotency key of `change` applied on top of the certification's `base` changes."""
    encoded = static_words([member_id_bytes(member), base, *change.as_tuple()[:7]])
    return keccak(b"sanzhi.aeo-change.v1" + encoded).hex()


def _changes_for(record: AeoRecord, current: ChainCertification) -> tuple[list[AeoChange], str]:
    op, want = record.operator, record.status
    certify = AeoChange(
        kind=ChangeKind.CERTIFY,
        operator=op,
        tier=record.tier,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        evidence_hash=record.evidence_hash,
    )
    status_change = {
        Status.SUSPENDED: ChangeKind.SUSPEND,
        Status.REVOKED: ChangeKind.REVOKE,
        Status.ACTIVE: ChangeKind.REINSTATE,
    }

    def to_status(kind: ChangeKind) -> AeoChange:
        return AeoChange(kind=kind, operator=op, reason=record.reason)

    if current.status in (Status.NONE, Status.REVOKED):
        if want is Status.REVOKED:
            if current.status is Status.NONE:
                return [], "unknown operator: the source revokes an operator never certified"
            return [], ""
        if want is Status.SUSPENDED:
            return [certify, to_status(ChangeKind.SUSPEND)], ""
        return [certify], ""
    if want is Status.REVOKED:
        return [to_status(ChangeKind.REVOKE)], ""
    changes: list[AeoChange] = []
    if (current.tier, current.valid_from, current.valid_until, current.evidence_hash) != (
        record.tier,
        record.valid_from,
        record.valid_until,
        record.evidence_hash,
    ):
        changes.append(certify)
    if current.status is not want:
        changes.append(to_status(status_change[want]))
    return changes, ""
