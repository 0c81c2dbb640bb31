"""Evidence on the session chain: trade events and quorum-signed decisions recorded, the chain
audited, altered or truncated chains detected, bundles verified offline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from eth_utils.crypto import keccak

from ledger.chain.eip712 import sign_digest
from ledger.errors import ContractRevert, InvalidInput, ProofInvalid
from ledger.evidence import BTT_DECLARATION, EventType, Step, event_hash, new_event
from ledger.evidence.audit import check_chain
from ledger.evidence.bundle import BundleTrust, EvidenceBundle, make_bundle, verify_bundle
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.entries import EvidenceEntry, entry_link
from ledger.evidence.registry import CONTRACT, EvidenceRegistryBinding
from ledger.evidence.service import append_events, audit_consignment, submit_decisions, to_entries
from ledger.ids import member_id_bytes
from tests.support import Chain, opened

UCR = "6CN9144010012345678-SG-000042"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
T = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def trade_events() -> list:  # type: ignore[type-arg]
    return [
        new_event(
            EventType.OBJECT,
            Step.ADVANCE_DECLARATION_FILED,
            T,
            epcs=[SSCC],
            biz_transactions=[(BTT_DECLARATION, "urn:sanzhi:declaration:CN:2026:0042")],
        ),
        new_event(EventType.OBJECT, Step.LOADING, T + dt.timedelta(hours=5), epcs=[SSCC]),
        new_event(EventType.OBJECT, Step.DEPARTING, T + dt.timedelta(hours=9), epcs=[SSCC]),
    ]


def lane(color: str, declaration: str = "urn:sanzhi:declaration:CN:2026:0042") -> list:  # type: ignore[type-arg]
    extension = {"riskLane": {"lane": color, "ruleSetHash": "0x" + "ab" * 32, "reasons": ["rule 7"]}}
    return [
        new_event(
            EventType.OBJECT, Step.RISK_LANE, T + dt.timedelta(hours=2), epcs=[SSCC], extensions=extension,
            biz_transactions=[(BTT_DECLARATION, declaration)],
        )
    ]  # fmt: skip


def record(chain: Chain) -> None:
    opened(chain, UCR)
    append_events(client=chain.client("cn-trader"), ucr=UCR, events=trade_events())
    oracle = chain.client("cn-oracle")
    submit_decisions(client=oracle, member="CN", ucr=UCR, events=lane("green"), signers=[oracle.account])  # type: ignore[list-item]


def test_python_links_agree_with_the_registry(chain: Chain) -> None:
    client = chain.client()
    codec = client.artifacts.codec(CONTRACT)
    entry = EvidenceEntry(
        consignment=keccak(text="x"),
        event_hash=bytes(range(32)),
        step=300,
        event_type=3,
        correction=True,
        declaration=keccak(text="declaration"),
        document_hash=keccak(text="d"),
        cid=b"\x01\x55\x12\x20" + bytes(32),
        parents=(keccak(text="p1"), keccak(text="p2")),
    )
    member, submitter = member_id_bytes("CN"), "0x5A4E5a4849000000000000000000000000000001"
    fn = codec.function("entryLink")
    for side in (0, 1, 2):
        data = fn.call_data(12345, 7, entry.as_tuple(), side, member, submitter, 1767225600)
        [reply] = client.raw_batch([("eth_call", [{"to": client.address_of(CONTRACT), "data": data}, "latest"])])
        expected = entry_link(
            entry, prev_link=12345, seq=7, side=side, member=member, submitter=submitter, timestamp=1767225600
        )
        assert bytes.fromhex(reply["result"][2:]) == expected
    # the declaration and the side are part of what the link commits to
    assert entry_link(entry, prev_link=1, seq=1, side=1, member=member, submitter=submitter, timestamp=1) != entry_link(
        entry, prev_link=1, seq=1, side=2, member=member, submitter=submitter, timestamp=1
    )
    other = dataclasses.replace(entry, declaration=keccak(text="another"))
    assert entry_link(entry, prev_link=1, seq=1, side=1, member=member, submitter=submitter, timestamp=1) != entry_link(
        other, prev_link=1, seq=1, side=1, member=member, submitter=submitter, timestamp=1
    )


def test_the_decision_digest_is_the_registrys(chain: Chain) -> None:
    client = chain.client()
    signing = DecisionSigning(client, EvidenceRegistryBinding(client).address)
    entries = [
        EvidenceEntry(
            consignment=consignment_id(UCR), event_hash=b"\x07" * 32, step=257, event_type=0, declaration=b"\x09" * 32
        )
    ]
    fn = client.artifacts.codec(CONTRACT).function("decisionsDigest")
    data = fn.call_data(member_id_bytes("CN"), [e.as_tuple() for e in entries], 42, 1767229200)
    [reply] = client.raw_batch([("eth_call", [{"to": client.address_of(CONTRACT), "data": data}, "latest"])])
    ours = signing.digest(member=member_id_bytes("CN"), entries=entries, nonce=42, deadline=1767229200)
    assert bytes.fromhex(reply["result"][2:]) == ours


def test_trade_events_and_decisions_chain_and_audit_intact(chain: Chain) -> None:
    record(chain)
    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact, report.problems
    assert [r.seq for r in recorded] == [1, 2, 3, 4]
    assert [Step(r.entry.step) for r in recorded] == [
        Step.ADVANCE_DECLARATION_FILED,
        Step.LOADING,
        Step.DEPARTING,
        Step.RISK_LANE,
    ]
    assert recorded[0].entry.event_hash == trade_events()[0].hash.digest
    assert {r.member_id for r in recorded} == {"CN"}
    # the trader is a party; the lane is CN's export-side decision, about CN's declaration
    assert [r.side_label for r in recorded] == ["party", "party", "party", "export"]
    assert recorded[3].entry.declaration == keccak(text="urn:sanzhi:declaration:CN:2026:0042")
    assert recorded[0].entry.declaration == recorded[3].entry.declaration


def test_who_may_record_what(chain: Chain) -> None:
    opened(chain, UCR)
    events = trade_events()[:1]
    for profile, error in (
        ("cn-admin", "EvidenceRegistryAdminNotOperator"),
        ("cn-issuer", "EvidenceRegistryNotAccredited"),
        ("exporter", "EvidenceRegistryNotAccredited"),
    ):
        with pytest.raises(ContractRevert.for_error(error)):
            append_events(client=chain.client(profile), ucr=UCR, events=events)
    # a decision needs the member's oracles, and only theirs
    sg_oracle = chain.client("sg-oracle")
    with pytest.raises(ContractRevert.for_error("OracleQuorumOracleOfOtherMember")):
        submit_decisions(client=sg_oracle, member="CN", ucr=UCR, events=lane("red"), signers=[sg_oracle.account])  # type: ignore[list-item]
    oracle = chain.client("cn-oracle")
    submit_decisions(client=oracle, member="CN", ucr=UCR, events=lane("red"), signers=[oracle.account])  # type: ignore[list-item]
    # the same decision twice, or another lane for the declaration, is refused before it is sent ...
    for color in ("red", "green"):
        with pytest.raises(InvalidInput, match="CN already decided risk-lane"):
            submit_decisions(client=oracle, member="CN", ucr=UCR, events=lane(color), signers=[oracle.account])  # type: ignore[list-item]
    # ... and by the registry: the replayed signed batch by its nonce, another lane by its declaration
    binding = EvidenceRegistryBinding(oracle)
    signing = DecisionSigning(oracle, binding.address)
    [entry] = to_entries(lane("green"), consignment=consignment_id(UCR), deciding_member="CN")
    digest = signing.digest(member=member_id_bytes("CN"), entries=[entry], nonce=7, deadline=2**40)
    with pytest.raises(ContractRevert.for_error("EvidenceRegistryAlreadyDecided")):
        binding.submit_decisions(
            member=member_id_bytes("CN"), entries=[entry], nonce=7, deadline=2**40,
            signatures=[sign_digest(oracle.account, digest)],  # type: ignore[arg-type]
        )  # fmt: skip


def test_gaps_reordering_alteration_and_truncation_are_detected(chain: Chain) -> None:
    record(chain)
    binding = EvidenceRegistryBinding(chain.client())
    consignment = consignment_id(UCR)
    recorded = binding.recorded(consignment)
    head = binding.heads([consignment])[0]
    assert check_chain(consignment, recorded, head).intact

    def problems(entries: list) -> list[str]:  # type: ignore[type-arg]
        return [p.problem for p in check_chain(consignment, entries, head).problems]

    assert any("entry 2 is missing" in p for p in problems([recorded[0], *recorded[2:]]))
    assert any("out of order" in p for p in problems([recorded[1], recorded[0], *recorded[2:]]))
    altered = dataclasses.replace(recorded[1], entry=dataclasses.replace(recorded[1].entry, event_hash=b"\x01" * 32))
    assert any("altered" in p for p in problems([recorded[0], altered, *recorded[2:]]))
    assert any("truncated" in p for p in problems(recorded[:3]))


def test_a_bundle_verifies_offline_and_any_change_is_refused(chain: Chain) -> None:
    record(chain)
    client = chain.client()
    events = {e.hash.hex: e.to_json() for e in trade_events()}
    bundle = make_bundle(client=client, ucr=UCR, consignment=consignment_id(UCR), events=events)
    trusted = str(bundle.head_proof.header.hash)
    registry = client.address_of(CONTRACT)

    trust = BundleTrust(chain_id=client.chain_id, consortium=client.address_of("Consortium"), registry=registry)

    def check(candidate: EvidenceBundle, trusted_hash: str = trusted, trusted_registry: str = registry) -> object:
        return verify_bundle(
            candidate,
            trusted_block_hash=trusted_hash,
            trust=trust.model_copy(update={"registry": trusted_registry}),
            event_digest=lambda e: event_hash(e).digest,
        )

    report = check(EvidenceBundle.model_validate_json(bundle.model_dump_json()))
    assert report.entries == 4  # type: ignore[attr-defined]
    assert report.events_checked == 3  # type: ignore[attr-defined]
    body = json.loads(bundle.model_dump_json())
    with pytest.raises(ProofInvalid, match="chain"):
        check(EvidenceBundle.model_validate({**body, "entries": body["entries"][:-1]}))
    swapped = [body["entries"][1], body["entries"][0], *body["entries"][2:]]
    with pytest.raises(ProofInvalid, match="chain"):
        check(EvidenceBundle.model_validate({**body, "entries": swapped}))
    first_event = next(iter(events))
    tampered_event = {**events[first_event], "eventTime": "2026-11-20T09:00:01.000+08:00"}
    with pytest.raises(ProofInvalid, match="does not hash to it"):
        check(EvidenceBundle.model_validate({**body, "events": {first_event: tampered_event}}))
    with pytest.raises(ProofInvalid, match="header"):
        check(bundle, "0x" + "00" * 32)
    with pytest.raises(ProofInvalid, match="registry"):
        check(bundle, trusted_registry=client.address_of("CertificateRegistry"))
    with pytest.raises(ProofInvalid, match="not that of UCR"):
        check(EvidenceBundle.model_validate({**body, "ucr": "6CN9144010012345678-SG-000043"}))
    # a bundle relabelled to another chain, or to another consortium, is not the trusted one's
    with pytest.raises(ProofInvalid, match="not the trusted chain"):
        check(EvidenceBundle.model_validate({**body, "chain_id": 1}))
    with pytest.raises(ProofInvalid, match="consortium"):
        check(EvidenceBundle.model_validate({**body, "consortium": registry}))
    # a side relabelled (an import decision shown as the export side's) breaks the chain
    relabelled = [*body["entries"][:3], {**body["entries"][3], "side": 2}]
    with pytest.raises(ProofInvalid, match="chain"):
        check(EvidenceBundle.model_validate({**body, "entries": relabelled}))


@pytest.mark.besu  # a block a second there: the first attempt waits for it without help
def test_a_retry_while_its_first_attempt_waits_for_a_block_is_refused(chain: Chain) -> None:
    """The first attempt's transaction is still waiting for its block (the worker that sent it was
    killed before answering, or the node's replay has just sent it again) when the client tries
    again with the same event: the retry waits for it, then refuses, rather than record it twice."""
    ucr = "6CN9144010012345678-SG-000077"
    opened(chain, ucr)
    client = chain.client("cn-trader")
    consignment = consignment_id(ucr)
    events = [new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC])]
    binding = EvidenceRegistryBinding.holding(client, consignment)
    [entry] = to_entries(events, consignment=consignment, recorded=[])
    data = binding.codec.function("appendEvents").call_data([entry.as_tuple()])
    node = client.w3.provider
    # a node that mines each transaction as it comes (dev) waits 3 s instead; one that mines a
    # block a second (Besu-like) is left as it is
    automine = node.make_request("anvil_getAutomine", [])["result"]  # type: ignore[arg-type]
    if automine:
        node.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        first = client.send_async({"to": binding.address, "data": data}, gas=1_000_000)
        if automine:
            node.make_request("evm_setIntervalMining", [3])  # type: ignore[arg-type]
        with pytest.raises(InvalidInput, match="already recorded as entry 1"):
            append_events(client=client, ucr=ucr, events=events)
    finally:
        if automine:
            node.make_request("evm_setIntervalMining", [0])  # type: ignore[arg-type]
            node.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    assert client.wait(first).block_number > 0
    assert [r.entry.event_hash for r in binding.recorded(consignment)] == [entry.event_hash]
