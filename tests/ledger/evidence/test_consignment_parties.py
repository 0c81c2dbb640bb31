"""Who may record what on whose evidence chain: a consignment is opened once with its route and
parties; only its parties and its two sides' customs append trade events; only the origin's or
the destination's oracle quorum decides, once per declaration and step; the origin's customs may
void a consignment opened wrongly."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_utils.crypto import keccak

from ledger.chain.eip712 import sign_digest
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import ContractRevert, InvalidInput
from ledger.evidence import BTT_DECLARATION, EventType, Step, new_event
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.epcis import EpcisEvent
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.evidence.service import (
    append_events,
    audit_consignment,
    change_party,
    consignment_view,
    submit_decisions,
    void_consignment,
)
from ledger.evidence.vocabulary import PartyRole
from ledger.ids import member_id_bytes
from tests.support import Chain, opened

UCR = "6CN9144010012345678-SG-000777"
TO_VN = "6CN9144010012345678-VN-000001"  # CN to a country outside the consortium: SG is a third member
FROM_VN = "6VN0312345678-SG-000001"  # from outside the consortium to SG
SSCC = "urn:epc:id:sscc:0614141.7777777777"
T = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def loading(n: int = 0) -> list[EpcisEvent]:
    return [new_event(EventType.OBJECT, Step.LOADING, T + dt.timedelta(minutes=n), epcs=[SSCC])]


def decision(member: str, step: Step = Step.RISK_LANE, color: str = "green", declaration: str = "D-1") -> EpcisEvent:
    extensions = (
        {"riskLane": {"lane": color, "ruleSetHash": "0x" + "ab" * 32, "reasons": []}} if step is Step.RISK_LANE else {}
    )
    return new_event(
        EventType.OBJECT, step, T + dt.timedelta(hours=1), epcs=[SSCC], extensions=extensions,
        biz_transactions=[(BTT_DECLARATION, f"urn:sanzhi:declaration:{member}:{declaration}")],
    )  # fmt: skip


def decide(chain: Chain, member: str, ucr: str, events: list[EpcisEvent]) -> None:
    oracle = chain.client(f"{member.lower()}-oracle")
    submit_decisions(client=oracle, member=member, ucr=ucr, events=events, signers=[oracle.account])  # type: ignore[list-item]


def reverts(error: str) -> pytest.RaisesContext[ContractRevert]:
    return pytest.raises(ContractRevert.for_error(error))


def test_opened_once_by_the_origin_with_its_parties(chain: Chain) -> None:
    sg_trader = chain.client("sg-trader").address
    opened(chain, UCR, parties=("sg-trader",))
    binding = EvidenceRegistryBinding(chain.client())
    record = binding.consignment(consignment_id(UCR))
    assert (record.origin, record.destination, record.opener, record.open) == (
        "CN",
        "SG",
        chain.client("cn-trader").address,
        True,
    )
    assert binding.party_role(consignment_id(UCR), chain.client("cn-trader").address) == "opener"
    assert binding.party_role(consignment_id(UCR), sg_trader) == "party"
    changes = binding.changes(consignment_id(UCR))
    assert [c.kind for c in changes] == ["opened", "party-added", "party-added"]
    with reverts("EvidenceRegistryAlreadyOpened"):
        opened(chain, UCR)


def test_who_opens(chain: Chain) -> None:
    for profile, error in (
        ("sg-trader", "EvidenceRegistryWrongOpener"),  # the destination's, while the origin is a member
        ("cn-admin", "EvidenceRegistryAdminNotOperator"),
        ("exporter", "EvidenceRegistryNotAccredited"),
    ):
        with reverts(error):
            opened(chain, UCR, by=profile)
    with pytest.raises(InvalidInput, match="crosses a border"):
        opened(chain, UCR, destination="CN")
    with pytest.raises(InvalidInput, match="not an ISO 3166-1"):
        opened(chain, UCR, destination="XX")
    # from a country outside the consortium: the destination member's keys open it
    with reverts("EvidenceRegistryWrongOpener"):
        opened(chain, FROM_VN, by="cn-trader")
    opened(chain, FROM_VN, by="sg-trader")
    # and a route with no member on either side has no customs to answer for it
    with reverts("EvidenceRegistryNoMemberSide"):
        opened(chain, "6VN0312345678-TH-000001", by="cn-trader", destination="TH")


def test_parties_and_sides_append_others_are_refused(chain: Chain) -> None:
    opened(chain, UCR)
    append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading(0))
    # a trade key with no part in this shipment cannot satisfy anyone's "evidence present" rule
    with reverts("EvidenceRegistryNotAParty"):
        append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(1))
    change_party(client=chain.client("cn-customs"), ucr=UCR, account=chain.client("sg-trader").address,
                 role=PartyRole.CONSIGNEE)  # fmt: skip
    append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(2))
    # either side's customs records without being named
    append_events(client=chain.client("cn-customs"), ucr=UCR, events=loading(3))
    append_events(client=chain.client("sg-customs"), ucr=UCR, events=loading(4))
    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact
    assert [(r.member_id, r.side_label) for r in recorded] == [
        ("CN", "party"),
        ("SG", "party"),
        ("CN", "export"),
        ("SG", "import"),
    ]
    # removed by the other side's customs: refused again
    change_party(client=chain.client("sg-customs"), ucr=UCR, account=chain.client("sg-trader").address, role=None)
    with reverts("EvidenceRegistryNotAParty"):
        append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(5))


def test_a_third_members_customs_records_nothing(chain: Chain) -> None:
    opened(chain, TO_VN, destination="VN")
    with reverts("EvidenceRegistryNotAParty"):
        append_events(client=chain.client("sg-customs"), ucr=TO_VN, events=loading())
    with reverts("EvidenceRegistryNotConsignmentManager"):
        change_party(client=chain.client("sg-customs"), ucr=TO_VN, account=chain.client("sg-trader").address,
                     role=PartyRole.CARRIER)  # fmt: skip
    with pytest.raises(InvalidInput, match=r"neither the origin .* nor the destination"):
        decide(chain, "SG", TO_VN, [decision("SG")])
    # and the registry refuses it too, whatever the library would have said
    oracle = chain.client("sg-oracle")
    binding = EvidenceRegistryBinding(oracle)
    entry = EvidenceEntry(consignment=consignment_id(TO_VN), event_hash=b"\x01" * 32, step=int(Step.RISK_LANE),
                          event_type=0, declaration=keccak(text="urn:sanzhi:declaration:SG:D-1"))  # fmt: skip
    signing = DecisionSigning(oracle, binding.address)
    digest = signing.digest(member=member_id_bytes("SG"), entries=[entry], nonce=1, deadline=2**40)
    with reverts("EvidenceRegistryNotASide"):
        binding.submit_decisions(member=member_id_bytes("SG"), entries=[entry], nonce=1, deadline=2**40,
                                 signatures=[sign_digest(oracle.account, digest)])  # type: ignore[arg-type]  # fmt: skip


def test_a_party_whose_accreditation_is_withdrawn_stops_being_one(chain: Chain) -> None:
    opened(chain, UCR, parties=("sg-trader",))
    append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(0))
    ConsortiumBinding(chain.client("sg-admin")).withdraw(chain.client("sg-trader").address, "trade")
    with reverts("EvidenceRegistryNotAccredited"):
        append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(1))


def test_each_side_decides_once_on_its_own_declaration(chain: Chain) -> None:
    opened(chain, UCR)
    decide(chain, "CN", UCR, [decision("CN")])
    decide(chain, "SG", UCR, [decision("SG", color="red")])  # the import side's own decision
    with pytest.raises(InvalidInput, match="CN already decided risk-lane"):
        decide(chain, "CN", UCR, [decision("CN", color="red")])
    with pytest.raises(InvalidInput, match="decides on its own declarations"):
        decide(chain, "CN", UCR, [decision("SG", color="red", declaration="D-2")])
    with pytest.raises(InvalidInput, match="names exactly the one declaration"):
        decide(chain, "CN", UCR, [new_event(EventType.OBJECT, Step.RELEASE, T, epcs=[SSCC])])
    recorded, _ = audit_consignment(client=chain.client(), ucr=UCR)
    assert [(r.member_id, r.side_label) for r in recorded] == [("CN", "export"), ("SG", "import")]


def test_a_decision_time_ahead_of_the_clock_is_refused(chain: Chain) -> None:
    opened(chain, UCR)
    oracle = chain.client("cn-oracle")
    clock = (T - dt.timedelta(hours=1)).timestamp  # the decision is an hour after "now"
    with pytest.raises(InvalidInput, match="later than now"):
        submit_decisions(client=oracle, member="CN", ucr=UCR, events=[decision("CN")], signers=[oracle.account],  # type: ignore[list-item]
                         clock=clock)  # fmt: skip


def test_void_ends_the_opening_and_the_ucr_can_be_opened_again(chain: Chain) -> None:
    opened(chain, UCR, parties=("sg-trader",))
    append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(0))
    with reverts("EvidenceRegistryNotConsignmentManager"):
        void_consignment(client=chain.client("sg-customs"), ucr=UCR, reason="wrong-party")
    with reverts("EvidenceRegistryNotConsignmentManager"):
        void_consignment(client=chain.client("cn-trader"), ucr=UCR, reason="wrong-party")
    void_consignment(client=chain.client("cn-customs"), ucr=UCR, reason="wrong-party")
    with pytest.raises(InvalidInput, match="not open: it was voided"):
        append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading(1))
    opened(chain, UCR)
    # the parties of the voided opening count no more; the chain goes on
    with reverts("EvidenceRegistryNotAParty"):
        append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading(2))
    append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading(3))
    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact
    assert [r.seq for r in recorded] == [1, 2]
    changes = EvidenceRegistryBinding(chain.client()).changes(consignment_id(UCR))
    voided = next(c for c in changes if c.kind == "voided")
    assert (voided.by, voided.member, voided.reason) == (chain.client("cn-customs").address, "CN", "wrong-party")
    assert [c.opening for c in changes if c.kind == "opened"] == [1, 2]


def test_an_origin_other_than_the_ucrs_is_told_and_voidable(chain: Chain) -> None:
    # opened on chain (bypassing the library) as if from VN, by the destination's trader
    EvidenceRegistryBinding(chain.client("sg-trader")).open(
        consignment=consignment_id(UCR), origin=member_id_bytes("VN"), destination=member_id_bytes("SG"), parties=[]
    )
    with pytest.raises(InvalidInput, match="opened with origin VN, but its UCR names CN"):
        append_events(client=chain.client("sg-trader"), ucr=UCR, events=loading())
    void_consignment(client=chain.client("sg-customs"), ucr=UCR, reason="wrong-origin")
    opened(chain, UCR)


def test_large_inputs_are_split_and_an_empty_one_is_refused(chain: Chain) -> None:
    opened(chain, UCR)
    events = [e for n in range(300) for e in loading(n)]
    result = append_events(client=chain.client("cn-trader"), ucr=UCR, events=events)
    assert (result.entries, len(result.tx_hashes)) == (300, 2)
    recorded, report = audit_consignment(client=chain.client(), ucr=UCR)
    assert report.intact
    assert len(recorded) == 300
    with pytest.raises(InvalidInput, match="no events to record"):
        append_events(client=chain.client("cn-trader"), ucr=UCR, events=[])


def test_entries_from_before_openings_read_as_opened_by_the_first_submitter(
    chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened(chain, UCR)
    append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading())
    view = consignment_view(client=chain.client(), ucr=UCR)
    assert not view.legacy
    assert view.parties == {chain.client("cn-trader").address: "opener"}
    # the same entry on a registry that kept no opening (a chain of an earlier version)
    never = view.record.model_copy(
        update={"origin": "", "destination": "", "opener": None, "opening": 0, "open": False}
    )
    monkeypatch.setattr(EvidenceRegistryBinding, "consignment", lambda self, c: never)
    monkeypatch.setattr(EvidenceRegistryBinding, "changes", lambda self, c: [])
    legacy = consignment_view(client=chain.client(), ucr=UCR)
    assert legacy.legacy
    assert (legacy.record.opener, legacy.record.origin) == (chain.client("cn-trader").address, "CN")
    assert legacy.parties == {chain.client("cn-trader").address: "opener"}


def test_the_same_event_is_recorded_once(chain: Chain) -> None:
    opened(chain, UCR)
    append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading(0))
    # a retried or doubled input: refused, not recorded twice
    with pytest.raises(InvalidInput, match="is already recorded as entry 1"):
        append_events(client=chain.client("cn-trader"), ucr=UCR, events=loading(0))
    with pytest.raises(InvalidInput, match="already recorded earlier in this input"):
        append_events(client=chain.client("cn-trader"), ucr=UCR, events=[*loading(1), *loading(1)])
    recorded, _ = audit_consignment(client=chain.client(), ucr=UCR)
    assert len(recorded) == 1
