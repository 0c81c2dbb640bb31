"""A consignment has two sides, its origin's customs and its destination's: only their oracle
quorums decide on it, each decision once per declaration and step unless a correction retracts
it, never ahead of the clock. What the risk oracle and the library refuse, and the registry
behind them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from ledger.chain.eip712 import sign_digest
from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.consortium import dev_address
from ledger.errors import ContractRevert, InvalidInput
from ledger.evidence import BTT_DECLARATION, EpcisEvent, EventType, Step, new_event
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.declarations import declaration_ref
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding, RecordedEntry
from ledger.evidence.service import AppendResult, append_events, submit_decisions, to_entries
from ledger.hashing.keccak import keccak256
from ledger.ids import member_id_bytes
from oracles.risk_oracle import RiskOracle, RiskOutbox, outbox_path
from oracles.risk_rules import Declaration, load_rules
from tests.support import (
    EXAMPLES,
    Chain,
    CliResult,
    CliRunner,
    chain_time,
    declaration_record,
    declare_for_risk,
    opened,
    recognised_aeos,
    write_export,
)

SG_RULES = EXAMPLES / "risk-rules-sg.yaml"
SSCC = "urn:epc:id:sscc:0614141.1000000777"
T = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RE_DECISION = (
    "a different decision is a correction: an errorDeclaration of that event, with its reason, then the new decision"
)
FUTURE = "is later than now: a decision is recorded once made"


@pytest.fixture
def risk_chain(chain: Chain) -> Iterator[Chain]:
    """The chain with CN's AEOs recognised by SG, and no risk outbox before or after the test."""
    shutil.rmtree(outbox_path(chain.data_dir).parent, ignore_errors=True)
    yield recognised_aeos(chain)
    shutil.rmtree(outbox_path(chain.data_dir).parent, ignore_errors=True)


def watching_coffee(where: Path) -> Path:
    """SG's rules with coffee (HS 0901) on the watch list: what was green is now red."""
    text = SG_RULES.read_text()
    listed = 'codes: ["9301", "2203"]'
    assert listed in text
    path = where / "risk-rules-coffee.yaml"
    path.write_text(text.replace(listed, 'codes: ["9301", "2203", "0901"]'))
    return path


def sg_oracle(
    chain: Chain,
    outbox: Path,
    *,
    rules: Path = SG_RULES,
    profile: str = "sg-oracle",
    clock: Callable[[], float] | None = None,
) -> RiskOracle:
    """An oracle of SG with its own outbox, on the chain's time unless given a clock."""
    client = chain.client(profile)
    return RiskOracle(
        client=client,
        rules=load_rules(rules),
        signers=[client.account],  # type: ignore[list-item]
        outbox=RiskOutbox(outbox),
        clock=clock or (lambda: chain_time(chain).timestamp()),
    )


def decisions_on(chain: Chain, ucr: str, step: Step, reference: str) -> list[RecordedEntry]:
    """The entries of `step` about declaration `reference` recorded on `ucr`."""
    key = keccak256(reference.encode())
    found = EvidenceRegistryBinding(chain.client()).recorded(consignment_id(ucr))
    return [r for r in found if r.entry.step == int(step) and r.entry.declaration == key]


def sg_import(ucr: str) -> str:
    """The SG import declaration the oracle's record of `ucr` names (tests.support.declaration_record)."""
    return declaration_ref("SG", f"SG-IMP-{ucr[-6:]}")


def lane(member: str, declaration: str, colour: str, at: dt.datetime, *, corrects: bool = False) -> EpcisEvent:
    """`member`'s risk lane on its declaration `declaration`; as an errorDeclaration of that
    very event when `corrects`."""
    error = {"declarationTime": (at + dt.timedelta(hours=1)).isoformat(), "reason": "incorrect_data"}
    return new_event(
        EventType.OBJECT,
        Step.RISK_LANE,
        at,
        epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, declaration_ref(member, declaration))],
        extensions={"riskLane": {"lane": colour, "ruleSetHash": "0x" + "ab" * 32, "reasons": []}},
        error_declaration=error if corrects else None,
    )


def decide(
    chain: Chain, member: str, ucr: str, events: Sequence[EpcisEvent], *, profile: str | None = None, **options: object
) -> AppendResult:
    """`member`'s decisions through the library, signed by its oracle (quorum 1)."""
    oracle = chain.client(profile or f"{member.lower()}-oracle")
    return submit_decisions(
        client=oracle, member=member, ucr=ucr, events=events, signers=[oracle.account], **options  # type: ignore[arg-type,list-item]
    )  # fmt: skip


def by_hand(chain: Chain, member: str, entries: Sequence[EvidenceEntry], *, profile: str | None = None) -> None:
    """`entries` signed by `member`'s oracle and sent straight to the registry, past the library."""
    oracle = chain.client(profile or f"{member.lower()}-oracle")
    signing = DecisionSigning(oracle, EvidenceRegistryBinding(oracle).address)
    member_bytes = member_id_bytes(member)
    nonce, deadline = signing.nonce(member=member_bytes, entries=entries), int(time.time()) + 600
    digest = signing.digest(member=member_bytes, entries=entries, nonce=nonce, deadline=deadline)
    EvidenceRegistryBinding(oracle).submit_decisions(
        member=member_bytes, entries=entries, nonce=nonce, deadline=deadline,
        signatures=[sign_digest(oracle.account, digest)],  # type: ignore[arg-type]
    )  # fmt: skip


# ------------------------------------------------------------------ the risk oracle


def test_the_risk_oracle_never_re_decides_a_declaration_in_silence(risk_chain: Chain, tmp_path: Path) -> None:
    chain = risk_chain
    ucr, at = "6CN9144010012345678-SG-200001", chain_time(chain)
    declare_for_risk(chain, ucr, supervised=True, at=at)
    source = write_export(tmp_path / "declarations.json", declaration_record(ucr, at))
    first = sg_oracle(chain, tmp_path / "one.sqlite")
    assert first.run(source).decided == 1
    assert first.run(source).already_done == 1  # the same oracle, fed again: nothing new
    declaration = Declaration.model_validate(declaration_record(ucr, at))
    green = first.decision_events(declaration, first.assess(declaration, tmp_path))

    # another SG oracle, with its own outbox and coffee on its watch list, is fed the same declaration
    second = sg_oracle(chain, tmp_path / "two.sqlite", rules=watching_coffee(tmp_path), profile="sg-oracle-2")
    assert second.assess(declaration, tmp_path).lane == "red"  # its rules say otherwise ...
    report = second.run(source)
    assert (report.decided, report.already_done, report.dead) == (0, 0, 1)
    assert report.lanes == {}  # the red lane it would have chosen never reached the chain
    [reason] = report.dead_letters  # ... but a decision in force is changed by a correction only
    [pre_review] = decisions_on(chain, ucr, Step.PRE_REVIEW_RESULT, sg_import(ucr))
    assert reason == (
        f"{ucr}: events.0: SG already decided pre-review-result on this declaration of {ucr} "
        f"(entry 0x{pre_review.link.hex()}); {RE_DECISION}"
    )
    assert [r for _, r in RiskOutbox(tmp_path / "two.sqlite").dead_letters()] == [reason.removeprefix(f"{ucr}: ")]
    # the chain holds one lane for the declaration: the first oracle's green one
    [recorded_lane] = decisions_on(chain, ucr, Step.RISK_LANE, sg_import(ucr))
    assert recorded_lane.entry.event_hash == green[1].hash.digest
    assert green[1].data["sanzhi:riskLane"]["lane"] == "green"
    assert len(decisions_on(chain, ucr, Step.RELEASE, sg_import(ucr))) == 1


def test_the_risk_oracle_dead_letters_consignments_not_opened_or_of_which_sg_is_no_side(
    risk_chain: Chain, tmp_path: Path
) -> None:
    chain, at = risk_chain, chain_time(risk_chain)
    never = "6CN9144010012345678-SG-200010"  # declared to SG's customs, never opened
    elsewhere = opened(chain, "6CN9144010012345678-VN-200011", destination="VN")
    report = sg_oracle(chain, tmp_path / "risk.sqlite").run(
        write_export(tmp_path / "d.json", declaration_record(never, at), declaration_record(elsewhere, at))
    )
    assert (report.decided, report.dead) == (0, 2)
    assert report.dead_letters == [
        f"{never}: ucr: consignment {never} is not open: open it first (sanzhi evidence open {never} --destination CC)",
        f"{elsewhere}: member: SG is neither the origin (CN) nor the destination (VN) of {elsewhere}: "
        "its customs decides nothing there",
    ]
    for ucr in (never, elsewhere):
        assert EvidenceRegistryBinding(chain.client()).recorded(consignment_id(ucr)) == []


def test_sanzhi_oracle_risk_exits_1_with_some_dead_letters_and_2_with_only_dead_letters(
    risk_chain: Chain, cli: CliRunner, tmp_path: Path
) -> None:
    chain, at = risk_chain, chain_time(risk_chain)
    decided, fresh = "6CN9144010012345678-SG-200002", "6CN9144010012345678-SG-200003"
    for ucr in (decided, fresh):
        declare_for_risk(chain, ucr, supervised=True, at=at)
    coffee = watching_coffee(tmp_path)

    def risk(source: Path, rules: Path, *json_flag: str) -> CliResult:
        return cli("oracle", "risk", "--source", str(source), "--rules", str(rules), "--as", "sg-oracle", *json_flag)

    first = write_export(tmp_path / "first.json", declaration_record(decided, at))
    done = risk(first, SG_RULES, "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["decided"] == 1
    assert risk(first, SG_RULES).exit_code == 0  # the same again: already on chain, nothing dead

    both = risk(
        write_export(tmp_path / "both.json", declaration_record(decided, at), declaration_record(fresh, at)),
        coffee,
        "--json",
    )
    assert both.exit_code == 1, both.stdout + both.stderr
    body = json.loads(both.stdout)
    assert (body["records"], body["decided"], body["already_done"], body["dead"]) == (2, 1, 0, 1)
    [reason] = body["dead_letters"]
    assert reason.startswith(f"{decided}: events.0: SG already decided pre-review-result on this declaration")
    assert reason.endswith(RE_DECISION)

    only_dead = risk(first, coffee)
    assert only_dead.exit_code == 2, only_dead.stdout + only_dead.stderr
    assert "1 declarations: 0 decided, 0 already on chain, 1 dead letters" in only_dead.stdout
    assert f"  dead letter: {decided}: events.0: SG already decided pre-review-result" in only_dead.stdout
    # one lane per declaration on chain: green for the first, red (coffee watched) for the other
    for ucr in (decided, fresh):
        assert len(decisions_on(chain, ucr, Step.RISK_LANE, sg_import(ucr))) == 1
    assert decisions_on(chain, fresh, Step.RELEASE, sg_import(fresh)) == []  # red: no release


def test_the_pre_review_is_recorded_once(risk_chain: Chain, tmp_path: Path) -> None:
    chain = risk_chain
    ucr, at = "6CN9144010012345678-SG-200004", chain_time(chain)
    declare_for_risk(chain, ucr, supervised=True, at=at)
    # the oracle's clock, set by the test: ten minutes after the first decision
    oracle = sg_oracle(chain, tmp_path / "risk.sqlite", clock=lambda: (at + dt.timedelta(minutes=10)).timestamp())
    twice = oracle.run(write_export(tmp_path / "twice.json", declaration_record(ucr, at), declaration_record(ucr, at)))
    assert (twice.decided, twice.already_done, twice.dead) == (1, 1, 0)
    # re-exported five minutes later: the same declaration, with a later decision time
    later = oracle.run(write_export(tmp_path / "later.json", declaration_record(ucr, at + dt.timedelta(minutes=5))))
    assert (later.decided, later.dead) == (0, 1)
    assert "SG already decided pre-review-result on this declaration" in later.dead_letters[0]
    for step in (Step.PRE_REVIEW_RESULT, Step.RISK_LANE, Step.RELEASE):
        assert len(decisions_on(chain, ucr, step, sg_import(ucr))) == 1, step


def test_a_decision_time_in_the_future_is_refused(risk_chain: Chain, tmp_path: Path) -> None:
    chain = risk_chain
    ucr, at = "6CN9144010012345678-SG-200005", chain_time(chain).replace(microsecond=0)
    declare_for_risk(chain, ucr, supervised=True, at=at)
    clock = {"now": at}
    oracle = sg_oracle(chain, tmp_path / "risk.sqlite", clock=lambda: clock["now"].timestamp())
    ahead = at + dt.timedelta(minutes=10)
    source = write_export(tmp_path / "ahead.json", declaration_record(ucr, ahead))
    report = oracle.run(source)
    assert (report.decided, report.dead) == (0, 1)
    assert report.dead_letters == [
        f"{ucr}: events.0.eventTime: the decision time {ahead.isoformat(timespec='milliseconds')} {FUTURE}"
    ]
    assert decisions_on(chain, ucr, Step.PRE_REVIEW_RESULT, sg_import(ucr)) == []
    # once the clock gets there, the dead letter is decided when fed again
    clock["now"] = ahead
    assert oracle.run(source).decided == 1
    assert len(decisions_on(chain, ucr, Step.RISK_LANE, sg_import(ucr))) == 1

    # the library: past the tolerance (60 s ahead of the clock) refused, within it recorded
    fixed: Callable[[], float] = at.timestamp
    with pytest.raises(InvalidInput, match=FUTURE) as refused:
        decide(chain, "SG", ucr, [lane("SG", "IMP-FUTURE-1", "red", at + dt.timedelta(seconds=61))], clock=fixed)
    assert refused.value.path == "events.0.eventTime"
    decide(chain, "SG", ucr, [lane("SG", "IMP-FUTURE-1", "red", at + dt.timedelta(seconds=59))], clock=fixed)
    [recorded] = decisions_on(chain, ucr, Step.RISK_LANE, declaration_ref("SG", "IMP-FUTURE-1"))
    assert recorded.side_label == "import"


# ------------------------------------------------------------------ who decides


def test_a_third_members_oracles_cannot_decide(chain: Chain) -> None:
    cn, sg = ConsortiumBinding(chain.client("cn-admin")), ConsortiumBinding(chain.client("sg-admin"))
    sg.approve(cn.propose_add_member("TH", "Thai Customs", dev_address("th-admin")).proposal_id)
    th = ConsortiumBinding(chain.client("th-admin"))
    th.accredit(dev_address("exporter"), "oracle", name="Bangkok Port Data")  # TH's oracle
    ucr = opened(chain, "6CN9144010012345678-SG-200006")  # CN to SG: TH is no side
    th_lane = lane("TH", "IMP-200006", "red", T)
    with pytest.raises(InvalidInput) as refused:
        decide(chain, "TH", ucr, [th_lane], profile="exporter")
    assert refused.value.reason == (
        f"TH is neither the origin (CN) nor the destination (SG) of {ucr}: its customs decides nothing there"
    )
    entries = to_entries([th_lane], consignment=consignment_id(ucr), deciding_member="TH")
    with pytest.raises(
        ContractRevert.for_error("EvidenceRegistryNotASide"),
        match=rf"^EvidenceRegistryNotASide\(consignment=0x{consignment_id(ucr).hex()}, member=TH\)$",
    ):
        by_hand(chain, "TH", entries, profile="exporter")
    assert EvidenceRegistryBinding(chain.client()).recorded(consignment_id(ucr)) == []

    # the same quorum decides on a consignment TH is the destination of, on the import side
    to_th = opened(chain, "6CN9144010012345678-TH-200007", destination="TH")
    decide(chain, "TH", to_th, [lane("TH", "IMP-200007", "red", T)], profile="exporter")
    [entry] = EvidenceRegistryBinding(chain.client()).recorded(consignment_id(to_th))
    assert (entry.member_id, entry.side_label) == ("TH", "import")


def test_a_member_that_is_no_side_of_a_consignment_to_a_non_member_cannot_decide(chain: Chain) -> None:
    ucr = opened(chain, "6CN9144010012345678-VN-200008", destination="VN")  # VN is no member
    sg_lane = lane("SG", "IMP-200008", "red", T)
    with pytest.raises(InvalidInput) as refused:
        decide(chain, "SG", ucr, [sg_lane])
    assert refused.value.reason == (
        f"SG is neither the origin (CN) nor the destination (VN) of {ucr}: its customs decides nothing there"
    )
    with pytest.raises(
        ContractRevert.for_error("EvidenceRegistryNotASide"),
        match=rf"^EvidenceRegistryNotASide\(consignment=0x{consignment_id(ucr).hex()}, member=SG\)$",
    ):
        by_hand(chain, "SG", to_entries([sg_lane], consignment=consignment_id(ucr), deciding_member="SG"))
    # the origin's customs decides, on the export side
    decide(chain, "CN", ucr, [lane("CN", "EXP-200008", "green", T)])
    [entry] = EvidenceRegistryBinding(chain.client()).recorded(consignment_id(ucr))
    assert (entry.member_id, entry.side_label) == ("CN", "export")


# ------------------------------------------------------------------ corrections


def test_a_decision_is_changed_by_a_correction_and_the_timeline_shows_the_sides(cli: CliRunner) -> None:
    chain = cli.chain
    ucr = opened(chain, "6CN9144010012345678-SG-200009")
    consignment = consignment_id(ucr)
    shipped = new_event(EventType.OBJECT, Step.SHIPPING, T, epcs=[SSCC])
    append_events(client=chain.client("cn-trader"), ucr=ucr, events=[shipped])  # the opener, a party
    inspected = new_event(EventType.OBJECT, Step.INSPECTING, T + dt.timedelta(hours=1), epcs=[SSCC])
    append_events(client=chain.client("cn-customs"), ucr=ucr, events=[inspected])  # the origin's customs
    decide(chain, "CN", ucr, [lane("CN", "EXP-200009", "green", T + dt.timedelta(hours=2))])
    at = T + dt.timedelta(hours=30)
    green = lane("SG", "IMP-200009", "green", at)
    decide(chain, "SG", ucr, [green])
    [in_force] = decisions_on(chain, ucr, Step.RISK_LANE, declaration_ref("SG", "IMP-200009"))
    binding = EvidenceRegistryBinding(chain.client())
    declaration = keccak256(declaration_ref("SG", "IMP-200009").encode())

    def effective() -> bytes | None:
        return binding.effective_decision(
            consignment=consignment, member=member_id_bytes("SG"), declaration=declaration, step=int(Step.RISK_LANE)
        )

    # red instead, without a word about the green lane: refused, by the library and the registry
    red = lane("SG", "IMP-200009", "red", at + dt.timedelta(hours=1))
    with pytest.raises(InvalidInput) as refused:
        decide(chain, "SG", ucr, [red])
    assert refused.value.reason == (
        f"SG already decided risk-lane on this declaration of {ucr} (entry 0x{in_force.link.hex()}); {RE_DECISION}"
    )
    with pytest.raises(ContractRevert.for_error("EvidenceRegistryAlreadyDecided")):
        by_hand(chain, "SG", to_entries([red], consignment=consignment, deciding_member="SG"))
    # a correction gives its reason
    unexplained = new_event(
        EventType.OBJECT, Step.RISK_LANE, at, epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, declaration_ref("SG", "IMP-200009"))],
        extensions={"riskLane": {"lane": "green", "ruleSetHash": "0x" + "ab" * 32, "reasons": []}},
        error_declaration={"declarationTime": (at + dt.timedelta(hours=1)).isoformat()},  # no reason
    )  # fmt: skip
    assert unexplained.hash == green.hash
    with pytest.raises(InvalidInput, match="a corrected decision gives its reason"):
        decide(chain, "SG", ucr, [unexplained, red])
    assert effective() == in_force.link

    # the errorDeclaration of the green lane retracts it, and the red lane follows
    retraction = lane("SG", "IMP-200009", "green", at, corrects=True)
    assert retraction.hash == green.hash
    decide(chain, "SG", ucr, [retraction, red])
    entries = binding.recorded(consignment)
    assert entries[-2].entry.correction
    assert entries[-2].entry.parents[0] == in_force.link
    assert effective() == entries[-1].link
    # the green lane cannot be retracted twice: it is no longer the decision in force
    with pytest.raises(InvalidInput, match="not SG's decision in force on this declaration"):
        decide(chain, "SG", ucr, [lane("SG", "IMP-200009", "green", at, corrects=True)])
    twice = EvidenceEntry(
        consignment=consignment, event_hash=green.hash.digest, step=int(Step.RISK_LANE), event_type=0,
        correction=True, declaration=declaration, parents=(in_force.link,),
    )  # fmt: skip
    with pytest.raises(ContractRevert.for_error("EvidenceRegistryNotEffectiveDecision")):
        by_hand(chain, "SG", [twice])

    timeline = json.loads(cli("evidence", "timeline", ucr, "--json").stdout)
    assert timeline["intact"] is True
    assert [(e["step"], e["member"], e["side"], e["correction"]) for e in timeline["entries"]] == [
        ("shipping", "CN", "party", False),
        ("inspecting", "CN", "export", False),
        ("risk-lane", "CN", "export", False),
        ("risk-lane", "SG", "import", False),  # green
        ("risk-lane", "SG", "import", True),  # green retracted
        ("risk-lane", "SG", "import", False),  # red
    ]
    assert [e["event_hash"] for e in timeline["entries"][3:]] == [green.hash.ni, green.hash.ni, red.hash.ni]
    shown = cli("evidence", "timeline", ucr).stdout
    assert "Risk lane (correction)" in shown
    assert {"party", "export", "import"} <= set(shown.split())
