"""Replaying customs decisions and passing trade keys off as customs, at the library level: what
the registry refuses, and what only an auditor holding the events notices."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ledger.chain.eip712 import sign_digest
from ledger.errors import ContractRevert, InvalidInput
from ledger.evidence import BTT_DECLARATION, EpcisEvent, EventType, Step, new_event
from ledger.evidence.audit import check_events
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.evidence.service import append_events, audit_consignment, submit_decisions, to_entries
from ledger.ids import member_id_bytes
from tests.support import Chain, opened

UCR = "6CN9144010012345678-SG-000303"
SSCC = "urn:epc:id:sscc:0614141.1000000303"
T = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# the CN export declaration the decisions are about (a decision names exactly one, of its member)
DECLARED = [(BTT_DECLARATION, "urn:sanzhi:declaration:CN:EXP-2026-000303")]


def released() -> EpcisEvent:
    return new_event(EventType.OBJECT, Step.RELEASE, T, epcs=[SSCC], biz_transactions=DECLARED)


def red_lane() -> EpcisEvent:
    extension = {"riskLane": {"lane": "red", "ruleSetHash": "0x" + "cd" * 32, "reasons": ["undervalued tea"]}}
    return new_event(EventType.OBJECT, Step.RISK_LANE, T, epcs=[SSCC], biz_transactions=DECLARED, extensions=extension)


def test_a_signed_decision_batch_is_recorded_once(chain: Chain) -> None:
    opened(chain, UCR)
    oracle = chain.client("cn-oracle")
    signing = DecisionSigning(oracle, EvidenceRegistryBinding(oracle).address)
    entries = to_entries([released()], consignment=consignment_id(UCR), deciding_member="CN")
    member, nonce, deadline = member_id_bytes("CN"), 7, int(time.time()) + 600
    digest = signing.digest(member=member, entries=entries, nonce=nonce, deadline=deadline)
    signature = sign_digest(oracle.account, digest)  # type: ignore[arg-type]
    EvidenceRegistryBinding(oracle).submit_decisions(
        member=member, entries=entries, nonce=nonce, deadline=deadline, signatures=[signature]
    )
    # anyone may submit a signed batch: a trade key replays the very same one, and is refused
    replayer = EvidenceRegistryBinding(chain.client("sg-trader"))
    with pytest.raises(ContractRevert.for_error("OracleQuorumNonceUsed")):
        replayer.submit_decisions(
            member=member, entries=entries, nonce=nonce, deadline=deadline, signatures=[signature]
        )
    # nor can the signature be moved to a fresh nonce or to SG's name: it recovers to no oracle
    with pytest.raises(ContractRevert.for_error("OracleQuorumNotOracle")):
        replayer.submit_decisions(member=member, entries=entries, nonce=8, deadline=deadline, signatures=[signature])
    with pytest.raises(ContractRevert.for_error("OracleQuorumNotOracle")):
        replayer.submit_decisions(
            member=member_id_bytes("SG"), entries=entries, nonce=nonce, deadline=deadline, signatures=[signature]
        )
    # the library's default nonce (the hash of the entries) refuses the same decisions twice too
    lane = [red_lane()]
    submit_decisions(client=oracle, member="CN", ucr=UCR, events=lane, signers=[oracle.account])  # type: ignore[list-item]
    # (the library itself refuses before sending: CN's lane on this declaration is in force ...)
    with pytest.raises(InvalidInput, match="CN already decided risk-lane on this declaration"):
        submit_decisions(client=oracle, member="CN", ucr=UCR, events=lane, signers=[oracle.account])  # type: ignore[list-item]
    # (... and sent anyway, with the library's default nonce, the registry refuses the nonce)
    lane_entries = to_entries(lane, consignment=consignment_id(UCR), deciding_member="CN")
    default_nonce = signing.nonce(member=member, entries=lane_entries)
    digest = signing.digest(member=member, entries=lane_entries, nonce=default_nonce, deadline=deadline)
    with pytest.raises(ContractRevert.for_error("OracleQuorumNonceUsed")):
        replayer.submit_decisions(
            member=member, entries=lane_entries, nonce=default_nonce, deadline=deadline,
            signatures=[sign_digest(oracle.account, digest)],  # type: ignore[arg-type]
        )  # fmt: skip

    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact, report.problems
    assert [(Step(r.entry.step), r.member_id) for r in recorded] == [(Step.RELEASE, "CN"), (Step.RISK_LANE, "CN")]


def test_a_trade_key_cannot_record_a_customs_decision(chain: Chain) -> None:
    opened(chain, UCR)
    trader = chain.client("cn-trader")
    # the library refuses before sending ...
    with pytest.raises(InvalidInput, match="customs decision"):
        append_events(client=trader, ucr=UCR, events=[released()])
    # ... and the registry refuses the transaction built by hand, mined with a fixed gas limit
    decision = to_entries([released()], consignment=consignment_id(UCR), deciding_member="CN")[0]
    data = trader.artifacts.codec("EvidenceRegistry").function("appendEvents").call_data([decision.as_tuple()])
    with pytest.raises(ContractRevert.for_error("EvidenceRegistryDecisionNeedsQuorum")):
        trader.send({"to": trader.address_of("EvidenceRegistry"), "data": data}, gas=300_000)
    # a trade key signing as if it were an oracle is not one
    with pytest.raises(ContractRevert.for_error("OracleQuorumNotOracle")):
        submit_decisions(client=trader, member="CN", ucr=UCR, events=[released()], signers=[trader.account])  # type: ignore[list-item]
    recorded, _ = audit_consignment(client=chain.client(), ucr=UCR)
    assert recorded == []


def test_a_decision_hash_recorded_under_a_trade_step_is_told_apart(chain: Chain) -> None:
    """The registry never sees events: a trade key can record a release's event hash under a
    trade step. Matching on the hash alone would find the "release"; the audit does not."""
    opened(chain, UCR)
    release = released()
    relabelled = EvidenceEntry(
        consignment=consignment_id(UCR),
        event_hash=release.hash.digest,
        step=int(Step.INSPECTING),
        event_type=int(release.event_type),
    )
    EvidenceRegistryBinding(chain.client("cn-trader")).append([relabelled])
    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact  # the chain itself is sound
    [check] = check_events(recorded, [release])
    assert (check.on_chain, check.seqs, check.misrecorded) == (False, [], [1])
