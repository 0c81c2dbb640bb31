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
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.codec import ContractCodec
from ledger.errors import TransactionFailed
from ledger.ids import member_id_bytes
from ledger.timestamps import to_unix


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

    One JSON-RPC batch: the four views at `at` (0: the block time of the call) and, for "now",
    the latest block, whose time is reported as `at`.
    """
    address = client.address_of(CONTRACT)
    codec = client.artifacts.codec(CONTRACT)
    op = operator_hash(certified_by, operator)
    certifying, recognising = member_id_bytes(certified_by), member_id_bytes(recognised_by)
    when = to_unix(at)
    calls = [
        _call(codec, address, "recognition", op, certifying, recognising, when),
        _call(codec, address, "certificationAt", op, certifying, when),
        _call(codec, address, "mraAt", recognising, certifying, when),
        _call(codec, address, "mra", recognising, certifying),
    ]
    if at is None:
        calls.append(("eth_getBlockByNumber", ["latest", False]))
    replies = client.raw_batch(calls)
    names = ("recognition", "certificationAt", "mraAt", "mra")
    answer, cert_raw, mra_raw, mra_record = (_result(codec, n, r) for n, r in zip(names, replies, strict=False))
    if at is None:
        block = replies[4].get("result")
        if not block:
            raise TransactionFailed(f"node did not return the latest block: {replies[4].get('error')}")
        when = int(block["timestamp"], 16)
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
