"""The one question partners ask: is operator X, certified by A, recognised by B at time t?"""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.aeo.codes import (
    MraStatus,
    RecognitionReason,
    Status,
    operator_hash,
    slug,
    tier_name,
    to_unix,
)
from ledger.aeo.models import CertificationState, MraState, Recognition
from ledger.aeo.reads import batch_call, latest_timestamp
from ledger.aeo.registry import CONTRACT
from ledger.client import LedgerClient
from ledger.ids import member_id_bytes


def recognized(
    *,
    client: LedgerClient,
    operator: str,
    certified_by: str,
    recognised_by: str,
    at: datetime | None = None,
) -> Recognition:
    """The contract's answer (`recognition` view) with every failing check spelled out."""
    contract = client.contract(CONTRACT)
    op = operator_hash(certified_by, operator)
    certifying, recognising = member_id_bytes(certified_by), member_id_bytes(recognised_by)
    when = to_unix(at) if at is not None else latest_timestamp(client)
    fns = contract.functions
    answer, cert_raw, mra_raw, mra_record = batch_call(
        client,
        [
            fns.recognition(op, certifying, recognising, when),
            fns.certificationAt(op, certifying, when),
            fns.mraAt(recognising, certifying, when),
            fns.mra(recognising, certifying),
        ],
    )
    is_recognized, contract_reason = answer
    cert = CertificationState.from_chain(cert_raw)
    own = certifying == recognising
    mra = None if own else MraState.from_chain(mra_raw)
    reasons = _failing_checks(cert_raw, mra_raw, int(mra_record[2]), own, when)
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
        recognized=bool(is_recognized),
        reasons=reasons,
        explanation=_explain(bool(is_recognized), reasons, cert, certifier, recogniser),
        certification=cert if cert.status != slug(Status.NONE) else None,
        mra=mra,
    )


def _failing_checks(
    cert: tuple[int, int, int, int, int, int, int],
    mra: tuple[int, int, int, int],
    mra_changes: int,
    own: bool,
    at: int,
) -> list[str]:
    """The checks of the contract's `_reason`, all of them rather than the first failing."""
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
    if not own:
        mra_status, _, recognised_tiers, _ = mra
        if mra_changes == 0:
            failing.append(RecognitionReason.NO_MRA)
        elif mra_status != MraStatus.IN_FORCE:
            failing.append(RecognitionReason.MRA_NOT_IN_FORCE)
        elif status != Status.NONE and not recognised_tiers & (1 << tier):
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
        "no-mra": f"{certifier} and {recogniser} have no MRA",
        "mra-not-in-force": f"the MRA between {certifier} and {recogniser} is not in force",
        "tier-not-in-scope": f"{recogniser} does not recognise tier {tier_name(cert.tier)} AEOs of {certifier}",
    }
    return "; ".join(text[r] for r in reasons)
