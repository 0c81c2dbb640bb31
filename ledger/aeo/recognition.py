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
from ledger.aeo.mra import in_force, mra_at_call, mra_state_at, mra_state_from_reply
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.codec import ContractCodec
from ledger.errors import TransactionFailed
from ledger.ids import member_id_bytes
from ledger.timestamps import to_unix, utc_now


def _call(codec: ContractCodec, address: str, name: str, *args: object) -> tuple[str, list[Any]]:
    return ("eth_call", [{"to": address, "data": codec.function(name).call_data(*args)}, "latest"])


def _result(codec: ContractCodec, name: str, reply: dict[str, Any]) -> Any:
    if "error" in reply or "result" not in reply:
        raise TransactionFailed(f"{name} failed: {reply.get('error')}")
    return codec.function(name).decode(bytes.fromhex(str(reply["result"])[2:]))


def recognized(
    *,
    client: LedgerClient,
    operator: str,
    certified_by: str,
    recognised_by: str,
    at: datetime | None = None,
) -> Recognition:
    """The contract's answer (`recognition` view) with every failing check spelled out.

    `at` defaults to the wall-clock time now, passed to the contract explicitly (the time of
    the latest block can be far behind on an idle node). The MRA check is `mra.in_force` on
    `mra.mra_state_at`, the same as `sanzhi mra list`. At 1970-01-01T00:00:00Z nothing is in
    effect (the contract never records a change at time 0) and that instant is answered
    without asking the contract, which reads `at` 0 as "now".
    """
    when_dt = at or utc_now()
    when = to_unix(when_dt)
    address = client.address_of(CONTRACT)
    codec = client.artifacts.codec(CONTRACT)
    op = operator_hash(certified_by, operator)
    certifying, recognising = member_id_bytes(certified_by), member_id_bytes(recognised_by)
    own = certifying == recognising
    mra: MraState | None = None
    if when > 0:
        # one JSON-RPC batch: the contract's answer, the certification and the MRA at `when`
        calls = [
            _call(codec, address, "recognition", op, certifying, recognising, when),
            _call(codec, address, "certificationAt", op, certifying, when),
        ]
        if not own:
            calls.append(mra_at_call(client, member=recognised_by, partner=certified_by, when=when))
        replies = client.raw_batch(calls)
        answer = _result(codec, "recognition", replies[0])
        cert_raw = tuple(_result(codec, "certificationAt", replies[1]))
        is_recognized, contract_reason = bool(answer[0]), int(answer[1])
        if not own:
            mra = mra_state_from_reply(client, replies[2])
    else:
        cert_raw = (0, 0, 0, 0, 0, 0, 0)
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
