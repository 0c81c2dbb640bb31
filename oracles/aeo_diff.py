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
from ledger.consortium.versions import listed_versions
from ledger.ids import member_id_bytes
from ledger.timestamps import iso
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
    effective_at: int = 0  # of the last recorded change
    holder: str | None = None  # the AeoRegistry version holding the last change


@dataclass(frozen=True)
class PlannedChange:
    key: str
    operator_id: str
    seq: int
    change: AeoChange
    registry: str  # the AeoRegistry version the change goes to


def read_certifications(client: LedgerClient, member: str, operators: Sequence[bytes]) -> list[ChainCertification]:
    """The current certifications of `operators` by `member` across the listed AeoRegistry
    versions (the one holding each last change answers; the change count is the total), in
    JSON-RPC batches."""
    certification = client.artifacts.codec(CONTRACT).function("certification")
    member_bytes = member_id_bytes(member)
    calls = [certification.call_data(op, member_bytes) for op in operators]
    per_version = [
        (address, [certification.decode(raw) for raw in raw_results(client, address, calls)])
        for address in listed_versions(client, CONTRACT)
    ]
    found = []
    for i in range(len(operators)):
        records = [(address, decoded[i]) for address, decoded in per_version]
        holder, latest = None, records[-1][1]
        for address, raw in records:  # listing order: of equal times the later listed version's
            if raw[2] > 0 and (holder is None or raw[0][6] >= latest[0][6]):
                holder, latest = address, raw
        (_, status, tier, _, valid_from, valid_until, effective_at), evidence, _ = latest
        changes = sum(int(raw[2]) for _, raw in records)
        found.append(
            ChainCertification(Status(status), tier, valid_from, valid_until, evidence, changes, effective_at, holder)
        )
    return found


def derive_changes(
    member: str, records: Sequence[AeoRecord], chain: Sequence[ChainCertification], *, active: str
) -> tuple[list[PlannedChange], list[RowProblem]]:
    """The changes per record (certify first, then a status change), and unusable records.

    A certification goes to the `active` AeoRegistry version, and so do the changes after it;
    a status change alone goes to the version that holds the certification's last change."""
    planned: list[PlannedChange] = []
    problems: list[RowProblem] = []
    for record, current in zip(records, chain, strict=True):
        changes, problem = _changes_for(record, current)
        if changes and record.decided_at and record.decided_at < current.effective_at:
            changes, problem = (
                [],
                (
                    f"invalid dates: decided_at {iso(record.decided_at)} is before the certification's last change"
                    f" on chain ({iso(current.effective_at)}); changes cannot be back-dated past it"
                ),
            )
        if problem:
            problems.append(RowProblem(record.ref, record.operator_id, problem, {}))
        registry = current.holder or active
        for seq, change in enumerate(changes):
            key = change_key(member, current.changes + seq, change)
            if change.kind is ChangeKind.CERTIFY:
                registry = active
            planned.append(PlannedChange(key, record.operator_id, seq, change, registry))
    return planned, problems


def change_key(member: str, base: int, change: AeoChange) -> str:
    """The idempotency key of `change` applied on top of the certification's `base` changes."""
    encoded = static_words([member_id_bytes(member), base, *change.as_tuple()[:7]])
    return keccak(b"sanzhi.aeo-change.v1" + encoded).hex()


def _changes_for(record: AeoRecord, current: ChainCertification) -> tuple[list[AeoChange], str]:
    op, want = record.operator, record.status
    # The customs decision time (or 0: the time it is recorded) is the changes' effective time.
    certify = AeoChange(
        kind=ChangeKind.CERTIFY,
        operator=op,
        tier=record.tier,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        evidence_hash=record.evidence_hash,
        effective_at=record.decided_at,
    )
    status_change = {
        Status.SUSPENDED: ChangeKind.SUSPEND,
        Status.REVOKED: ChangeKind.REVOKE,
        Status.ACTIVE: ChangeKind.REINSTATE,
    }

    def to_status(kind: ChangeKind) -> AeoChange:
        return AeoChange(kind=kind, operator=op, reason=record.reason, effective_at=record.decided_at)

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
