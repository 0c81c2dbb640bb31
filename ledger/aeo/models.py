"""Domain models the AEO bindings return (times in UTC, codes by name and number)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ledger.aeo.codes import (
    ChangeKind,
    MraStatus,
    RecognitionReason,
    Status,
    reason_name,
    slug,
    tier_name,
    tiers_of_mask,
)
from ledger.ids import member_id_text
from ledger.timestamps import from_unix

if TYPE_CHECKING:
    from ledger.consortium.names import Names


class CertificationState(BaseModel):
    """A certification after one change (one entry of its history)."""

    change: str
    status: str
    tier: int
    tier_name: str
    reason: int
    reason_name: str
    valid_from: datetime | None
    valid_until: datetime | None
    effective_at: datetime | None
    recorded_at: datetime | None = None  # the block time of the transaction (history only)

    @classmethod
    def from_chain(cls, raw: Any) -> CertificationState:
        kind, status, tier, reason, valid_from, valid_until, effective_at = raw
        return cls(
            change=slug(ChangeKind(kind)),
            status=slug(Status(status)),
            tier=tier,
            tier_name=tier_name(tier) if tier else "-",
            reason=reason,
            reason_name=reason_name(reason),
            valid_from=from_unix(valid_from),
            valid_until=from_unix(valid_until),
            effective_at=from_unix(effective_at),
        )


class Certification(BaseModel):
    """An operator's certification by one member: `state` as last recorded; `status` and
    `current` in effect at `at` (default now); `scheduled`, recorded changes effective later."""

    operator: str
    operator_hash: str
    certified_by: str
    status: str
    state: CertificationState | None
    evidence_hash: str
    changes: int
    at: datetime | None = None
    current: CertificationState | None = None
    scheduled: list[CertificationState] = []
    certified_by_name: str | None = None  # the certifying member's name

    def with_names(self, names: Names) -> Certification:
        return self.model_copy(update={"certified_by_name": names.member(self.certified_by)})


class CertificationHistory(BaseModel):
    operator: str
    operator_hash: str
    certified_by: str
    history: list[CertificationState]
    certified_by_name: str | None = None

    def with_names(self, names: Names) -> CertificationHistory:
        return self.model_copy(update={"certified_by_name": names.member(self.certified_by)})


class ChangeResult(BaseModel):
    """A change sent by a member admin, and the certification after it."""

    operator: str
    operator_hash: str
    change: str
    tx_hash: str
    gas_used: int
    certification: Certification

    def with_names(self, names: Names) -> ChangeResult:
        return self.model_copy(update={"certification": self.certification.with_names(names)})


class MraState(BaseModel):
    """An MRA seen from `member`: tiers each side recognises of the other's AEOs."""

    status: str
    since: datetime | None
    tiers_recognised_by_member: list[str]
    tiers_recognised_by_partner: list[str]

    @classmethod
    def from_chain(cls, raw: Any) -> MraState:
        status, at, member_tiers, partner_tiers = raw
        return cls(
            status=slug(MraStatus(status)),
            since=from_unix(at),
            tiers_recognised_by_member=tiers_of_mask(member_tiers),
            tiers_recognised_by_partner=tiers_of_mask(partner_tiers),
        )


class MraProposal(BaseModel):
    proposer: str
    partner: str
    tiers_recognised_by_proposer: list[str]
    tiers_recognised_by_partner: list[str]
    effective_from: datetime | None
    proposed_at: datetime | None

    @classmethod
    def from_chain(cls, raw: Any) -> MraProposal | None:
        proposer, partner, by_proposer, by_partner, effective_from, proposed_at = raw
        if not proposed_at:
            return None
        return cls(
            proposer=member_id_text(proposer),
            partner=member_id_text(partner),
            tiers_recognised_by_proposer=tiers_of_mask(by_proposer),
            tiers_recognised_by_partner=tiers_of_mask(by_partner),
            effective_from=from_unix(effective_from),
            proposed_at=from_unix(proposed_at),
        )


class Mra(BaseModel):
    """The MRA between `member` and `partner`, seen from `member`: as last recorded (`status`,
    `state`), and in effect at `at` (`state_at`, `in_force`; `ledger.aeo.mra.in_force`, the
    same answer `recognized` uses). `scheduled`: recorded changes that take effect after `at`."""

    member: str
    partner: str
    status: str
    state: MraState
    suspended_by: str | None
    changes: int
    proposal: MraProposal | None
    history: list[MraState]
    at: datetime
    state_at: MraState
    in_force: bool
    scheduled: list[MraState]
    member_name: str | None = None
    partner_name: str | None = None

    def with_names(self, names: Names) -> Mra:
        return self.model_copy(
            update={"member_name": names.member(self.member), "partner_name": names.member(self.partner)}
        )


class MraActionResult(BaseModel):
    action: str
    member: str
    partner: str
    tx_hash: str
    mra: Mra

    def with_names(self, names: Names) -> MraActionResult:
        return self.model_copy(update={"mra": self.mra.with_names(names)})


class Recognition(BaseModel):
    """Whether `recognised_by` recognises the operator as an AEO of `certified_by` at `at`.

    `reasons` lists every check that fails (contract order, the contract's own answer first);
    it is empty when `recognized` is true.
    """

    operator: str
    operator_hash: str
    certified_by: str
    recognised_by: str
    at: datetime
    recognized: bool
    reasons: list[str]
    explanation: str
    certification: CertificationState | None
    mra: MraState | None
    certified_by_name: str | None = None
    recognised_by_name: str | None = None

    def with_names(self, names: Names) -> Recognition:
        return self.model_copy(
            update={
                "certified_by_name": names.member(self.certified_by),
                "recognised_by_name": names.member(self.recognised_by),
            }
        )


def recognition_reason(code: int) -> str:
    return slug(RecognitionReason(code))
