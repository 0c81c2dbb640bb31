"""The one question partners ask: is operator X, certified by A, recognised by B at time t?"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.aeo.codes import (
    MraStatus,
    RecognitionReason,
    Status,
    operator_hash,
    slug,
    tier_name,
)
from ledger.aeo.models import CertificationState, MraState, Recognition
from ledger.aeo.mra import in_force, latest_mra_state, mra_at_calls, mra_state_at
from ledger.aeo.registry import aeo_versions, latest_of
from ledger.chain.client import LedgerClient
from ledger.chain.contract import BoundCall
from ledger.chain.reads import batch_call
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import UnknownMember
from ledger.ids import member_id_bytes, member_id_text
from ledger.timestamps import to_unix, utc_now

NONE = (0, 0, 0, 0, 0, 0, 0)  # a certification state before any change


def recognized(
    *,
    client: LedgerClient,
    operator: str,
    certified_by: str,
    recognised_by: str,
    at: datetime | None = None,
) -> Recognition:
    """The contract's answer (`recognition` view, across the listed AeoRegistry versions) with
    every failing check spelled out.

    `at` defaults to the wall-clock time now, passed to the contract explicitly (the time of
    the latest block can be far behind on an idle node). The MRA check is `mra.in_force` on
    `mra.mra_state_at`, the same as `sanzhi mra list`. At 1970-01-01T00:00:00Z nothing is in
    effect (the contract never records a change at time 0) and that instant is answered
    without asking the contract, which reads `at` 0 as "now".
    """
    when_dt = at or utc_now()
    when = to_unix(when_dt)
    versions = aeo_versions(client)
    op = operator_hash(certified_by, operator)
    certifying, recognising = member_id_bytes(certified_by), member_id_bytes(recognised_by)
    own = certifying == recognising
    mra: MraState | None = None
    # both members, read in the same batch: an id that was never a member is a mistake of the
    # asker (invalid input), not an operator who is "not recognised"
    members = _member_calls(client, certifying, recognising)
    if when > 0:
        # one JSON-RPC batch: the contract's answer (every listed version gives it across all
        # versions: ask the newest), and each version's certification and MRA at `when`, merged
        # as the contract merges them
        n = len(versions)
        fns = [
            versions[-1].fn("recognition", op, certifying, recognising, when),
            *(v.fn("certificationAt", op, certifying, when) for v in versions),
        ]
        if not own:
            fns += mra_at_calls(versions, member=recognised_by, partner=certified_by, when=when)
        replies = batch_call(client, [*fns, *members])
        _refuse_unknown_members(replies[len(fns) :], certified_by, recognised_by)
        replies = replies[: len(fns)]
        is_recognized, contract_reason = bool(replies[0][0]), int(replies[0][1])
        states = replies[1 : 1 + n]
        cert_raw = tuple(latest_of(states, states, lambda raw: raw[1] != Status.NONE, lambda raw: raw[6]) or NONE)
        if not own:
            mra = latest_mra_state(replies[1 + n :])
    else:
        _refuse_unknown_members(batch_call(client, members), certified_by, recognised_by)
        cert_raw = NONE
        is_recognized, contract_reason = False, int(RecognitionReason.NOT_CERTIFIED)
        if not own:
            mra = mra_state_at(client, member=recognised_by, partner=certified_by, at=when_dt)
    cert = CertificationState.from_chain(cert_raw)
    reasons = _failing_checks(cert_raw, mra, when)
    first = slug(RecognitionReason(contract_reason))
    if not is_recognized and (not reasons or reasons[0] != first):
        reasons = [first, *(r for r in reasons if r != first)]
    if is_recognized:
        reasons = []
    certifier, recogniser = certified_by.upper(), recognised_by.upper()
    return Recognition(
        operator=operator,
        operator_hash="0x" + op.hex(),
        certified_by=certifier,
        recognised_by=recogniser,
        at=datetime.fromtimestamp(when, tz=UTC),
        recognized=is_recognized,
        reasons=reasons,
        explanation=_explain(is_recognized, reasons, cert, certifier, recogniser),
        certification=cert if cert.status != slug(Status.NONE) else None,
        mra=mra,
    )


def _member_calls(client: LedgerClient, certifying: bytes, recognising: bytes) -> list[BoundCall]:
    consortium = ConsortiumBinding(client).contract
    return [consortium.fn("member", certifying), consortium.fn("member", recognising)]


def _refuse_unknown_members(replies: list[Any], certified_by: str, recognised_by: str) -> None:
    """A member record with no id is one the consortium never admitted (a removed member keeps its
    record: its certifications still answer for the past)."""
    for reply, member, path in zip(
        replies, (certified_by, recognised_by), ("certified_by", "recognised_by"), strict=True
    ):
        if not member_id_text(reply[0]):
            raise UnknownMember(member.strip().upper(), path=path)


def _failing_checks(cert: tuple[int, ...], mra: MraState | None, at: int) -> list[str]:
    """The checks of the contract's `_reason`, all of them rather than the first failing
    (`mra` None: the recognising member is the certifying one)."""
    _, status, tier, _, valid_from, valid_until, _ = cert
    failing: list[RecognitionReason] = []
    if status == Status.NONE:
        failing.append(RecognitionReason.NOT_CERTIFIED)
    elif status == Status.REVOKED:
        failing.append(RecognitionReason.REVOKED)
    elif status == Status.SUSPENDED:
        failing.append(RecognitionReason.SUSPENDED)
    if status != Status.NONE and at < valid_from:
        failing.append(RecognitionReason.NOT_YET_VALID)
    if status != Status.NONE and valid_until and at >= valid_until:
        failing.append(RecognitionReason.EXPIRED)
    if mra is not None:
        if mra.status == slug(MraStatus.NONE):
            failing.append(RecognitionReason.NO_MRA)
        elif not in_force(mra):
            failing.append(RecognitionReason.MRA_NOT_IN_FORCE)
        elif status != Status.NONE and tier_name(tier) not in mra.tiers_recognised_by_member:
            failing.append(RecognitionReason.TIER_NOT_IN_SCOPE)
    return [slug(r) for r in failing]


def _explain(ok: bool, reasons: list[str], cert: CertificationState, certifier: str, recogniser: str) -> str:
    if ok:
        scope = "its own AEO" if certifier == recogniser else f"an AEO of {certifier} under the MRA"
        return f"{recogniser} recognises the operator as {scope} (tier {cert.tier_name})"
    text = {
        "not-certified": f"{certifier} has not certified this operator",
        "revoked": f"{certifier} revoked the certification ({cert.reason_name})",
        "suspended": f"{certifier} suspended the certification ({cert.reason_name})",
        "not-yet-valid": "the certification is not valid yet",
        "expired": "the certification has expired",
        "no-mra": f"{certifier} and {recogniser} had no MRA in effect at that time",
        "mra-not-in-force": f"the MRA between {certifier} and {recogniser} was suspended or terminated at that time",
        "tier-not-in-scope": f"{recogniser} does not recognise tier {tier_name(cert.tier)} AEOs of {certifier}",
    }
    return "; ".join(text[r] for r in reasons)
