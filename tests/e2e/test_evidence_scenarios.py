"""Evidence chains end to end, through the library, on the session chain: what a customs officer
or an auditor relies on in mutual recognition of inspections, remote supervision of loading,
consolidation in a container and its split, and corrections."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ledger.chain.eip712 import sign_digest
from ledger.errors import InvalidInput
from ledger.evidence import BTT_DECLARATION, EpcisEvent, EventType, Step, epcis_document, new_event, parse_epcis
from ledger.evidence.audit import by_link, check_events, check_references
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding, RecordedEntry
from ledger.evidence.service import (
    AppendResult,
    append_events,
    audit_consignment,
    audit_references,
    submit_decisions,
    to_entries,
)
from ledger.hashing.keccak import keccak256
from ledger.ids import member_id_bytes
from tests.support import Chain, CliRunner, opened

UCR_A = "6CN9144010012345678-SG-000101"
UCR_B = "6SG201912345K-CN-000202"
UCR_C = "6CN9144010012345678-CONSOL-9"
SSCC_A = "urn:epc:id:sscc:0614141.1000000101"
SSCC_B = "urn:epc:id:sscc:0614141.1000000202"
CONTAINER = "urn:epc:id:sscc:0614141.9000000009"
LAB = "urn:epc:id:sgln:0614141.00777.0"
PORT = "urn:epc:id:sgln:0614141.00001.0"
T = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CID_V1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
CID_V0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
# the declarations A's customs decisions are about: CN's export, SG's import declaration
EXPORT_A = [(BTT_DECLARATION, "urn:sanzhi:declaration:CN:EXP-2026-000101")]
IMPORT_A = [(BTT_DECLARATION, "urn:sanzhi:declaration:SG:IMP-2026-000101")]


def sha(text: str) -> str:
    return "0x" + hashlib.sha256(text.encode()).hexdigest()


def at(hours: float) -> dt.datetime:
    return T + dt.timedelta(hours=hours)


def decide(
    chain: Chain, member: str, ucr: str, events: Sequence[EpcisEvent], parents: Sequence[bytes] = ()
) -> AppendResult:
    """Customs decisions of `member`, signed by its oracle (quorum 1 in the dev consortium)."""
    oracle = chain.client(f"{member.lower()}-oracle")
    return submit_decisions(
        client=oracle,
        member=member,
        ucr=ucr,
        events=events,
        signers=[oracle.account],  # type: ignore[list-item]
        parents=parents,
    )


def recorded(chain: Chain, ucr: str) -> list[RecordedEntry]:
    return EvidenceRegistryBinding(chain.client()).recorded(consignment_id(ucr))


def audited(chain: Chain, ucr: str) -> list[RecordedEntry]:
    """The recorded entries of `ucr`, after checking its chain is intact up to the head."""
    entries, report = audit_consignment(client=chain.client(), ucr=ucr)
    assert report.intact, report.problems
    assert report.head_seq == len(entries)
    return entries


def shipping(sscc: str, hours: float) -> EpcisEvent:
    return new_event(EventType.OBJECT, Step.SHIPPING, at(hours), epcs=[sscc], read_point=PORT)


# ------------------------------------------------------------------ 1. mutual recognition


def inspection(outcome: str = "pass") -> EpcisEvent:
    report = {"kind": "lab", "reportHash": sha("CN lab report 2026-0101"), "reportCid": CID_V1, "outcome": outcome}
    return new_event(
        EventType.OBJECT,
        Step.INSPECTION_RESULT,
        at(2),
        epcs=[SSCC_A],
        biz_location=LAB,
        biz_transactions=EXPORT_A,
        extensions={"inspection": report},
    )


def acceptance(accepted: EpcisEvent, administration: str = "SG") -> EpcisEvent:
    return new_event(
        EventType.OBJECT,
        Step.INSPECTION_RESULT_ACCEPTED,
        at(30),
        epcs=[SSCC_A],
        biz_transactions=IMPORT_A,
        extensions={"acceptedResult": {"eventHash": accepted.hash.ni, "administration": administration}},
    )


def test_sg_accepts_cns_inspection_result_and_the_audit_ties_them(chain: Chain) -> None:
    opened(chain, UCR_A)
    append_events(client=chain.client("cn-trader"), ucr=UCR_A, events=[shipping(SSCC_A, 0)])
    inspected = inspection("pass")
    decide(chain, "CN", UCR_A, [inspected])
    [_, cn_entry] = audited(chain, UCR_A)
    assert (Step(cn_entry.entry.step), cn_entry.member_id) == (Step.INSPECTION_RESULT, "CN")

    accepted = acceptance(inspected)
    decide(chain, "SG", UCR_A, [accepted], parents=[cn_entry.link])

    entries = audited(chain, UCR_A)
    assert [(Step(r.entry.step), r.member_id) for r in entries] == [
        (Step.SHIPPING, "CN"),
        (Step.INSPECTION_RESULT, "CN"),
        (Step.INSPECTION_RESULT_ACCEPTED, "SG"),
    ]
    sg_entry = entries[2]
    # the acceptance names exactly CN's entry on chain, and CN's event by hash in its extension
    assert sg_entry.entry.parents == (cn_entry.link,)
    named = accepted.data["sanzhi:acceptedResult"]["eventHash"]
    assert named == inspected.hash.ni
    assert bytes.fromhex(named.split(";")[1][:64]) == cn_entry.entry.event_hash
    # the auditor holding both events finds them recorded, as decisions of the right steps
    [cn_check, sg_check] = check_events(entries, [inspected, accepted])
    assert (cn_check.on_chain, cn_check.seqs, cn_check.misrecorded) == (True, [2], [])
    assert (sg_check.on_chain, sg_check.seqs) == (True, [3])
    assert inspected.data["sanzhi:inspection"]["outcome"] == "pass"
    # and every reference resolves, to CN's inspection entry
    report = audit_references(client=chain.client(), ucrs=[UCR_A], strict=True)
    assert report.intact, report.problems
    [reference] = report.references
    assert (reference.seq, reference.parent_seq, reference.resolved) == (3, 2, True)
    assert reference.parent == "0x" + cn_entry.link.hex()


def test_an_acceptance_is_of_the_other_sides_recorded_result(chain: Chain) -> None:
    opened(chain, UCR_A)
    inspected = inspection("fail")
    with pytest.raises(InvalidInput, match="which is not an inspection result CN recorded"):
        decide(chain, "SG", UCR_A, [acceptance(inspected)])  # CN never recorded it
    with pytest.raises(InvalidInput, match="SG accepts results for itself: the acceptance names CN"):
        decide(chain, "SG", UCR_A, [acceptance(inspected, administration="CN")])
    decide(chain, "CN", UCR_A, [inspected])
    # a side does not accept its own result: acceptance is the other side's decision
    own = new_event(
        EventType.OBJECT, Step.INSPECTION_RESULT_ACCEPTED, at(30), epcs=[SSCC_A], biz_transactions=EXPORT_A,
        extensions={"acceptedResult": {"eventHash": inspected.hash.ni, "administration": "CN"}},
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="which is not an inspection result SG recorded"):
        decide(chain, "CN", UCR_A, [own])
    decide(chain, "SG", UCR_A, [acceptance(inspected)])


def test_an_acceptance_naming_no_recorded_inspection_is_unresolved(chain: Chain) -> None:
    opened(chain, UCR_A)
    inspected = inspection("fail")  # never recorded by CN
    ghost = keccak256(b"an inspection entry nobody recorded")
    # the library refuses such an acceptance; an oracle quorum that signs one anyway, past the
    # library, gets it recorded (the registry checks no parent), and the audit tells
    oracle = chain.client("sg-oracle")
    [entry] = to_entries([acceptance(inspected)], consignment=consignment_id(UCR_A), parents=[ghost],
                         deciding_member="SG")  # fmt: skip
    binding = EvidenceRegistryBinding(oracle)
    digest = DecisionSigning(oracle, binding.address).digest(
        member=member_id_bytes("SG"), entries=[entry], nonce=1, deadline=2**40
    )
    binding.submit_decisions(
        member=member_id_bytes("SG"), entries=[entry], nonce=1, deadline=2**40,
        signatures=[sign_digest(oracle.account, digest)],  # type: ignore[arg-type]
    )  # fmt: skip

    entries = audited(chain, UCR_A)  # the chain itself is intact: the registry checks no parent
    assert entries[0].entry.parents == (ghost,)
    [check] = check_events(entries, [inspected])
    assert not check.on_chain  # CN never recorded the result SG claims to accept

    lenient = check_references(by_link(entries))
    assert lenient.intact  # unresolved is not an error unless asked ...
    [unresolved] = lenient.unresolved
    assert (unresolved.seq, unresolved.parent, unresolved.parent_seq) == (1, "0x" + ghost.hex(), None)
    strict = check_references(by_link(entries), strict=True)
    assert not strict.intact  # ... but it is when the auditor asks
    assert [p.seq for p in strict.problems] == [1]
    assert "no recorded entry" in strict.problems[0].problem


# ------------------------------------------------------------------ 2. remote supervision


def media() -> list[dict[str, Any]]:
    return [
        {
            "kind": "photo",
            "sha256": sha("photo of the container doors, seal 884211"),
            "cid": CID_V1,
            "deviceId": "urn:sanzhi:device:CN-SHA-CAM-07",
            "capturedAt": "2026-11-20T14:02:11+08:00",
        },
        {
            "kind": "video",
            "sha256": sha("video of the loading, 14:00 to 14:40"),
            "cid": CID_V0,
            "deviceId": "urn:sanzhi:device:CN-SHA-CAM-07",
            "capturedAt": "2026-11-20T14:40:00+08:00",
        },
    ]


def test_supervised_loading_exposes_its_media_and_a_swapped_photo_is_not_on_chain(
    chain: Chain, cli: CliRunner, tmp_path: Path
) -> None:
    opened(chain, UCR_A)
    loading = new_event(
        EventType.OBJECT,
        Step.LOADING,
        at(5),
        epcs=[SSCC_A],
        read_point=PORT,
        extensions={"supervisionMedia": media()},
    )
    original = tmp_path / "loading.json"
    original.write_text(json.dumps(epcis_document([loading], created=at(6))))
    append_events(client=chain.client("cn-trader"), ucr=UCR_A, events=parse_epcis(original.read_bytes()))

    entries = audited(chain, UCR_A)
    assert (entries[0].member_id, Step(entries[0].entry.step)) == ("CN", Step.LOADING)
    [check] = check_events(entries, parse_epcis(original.read_bytes()))
    assert (check.on_chain, check.seqs, check.step) == (True, [1], "loading")
    assert [(m["kind"], m["sha256"], m["cid"]) for m in check.media] == [
        ("photo", sha("photo of the container doors, seal 884211"), CID_V1),
        ("video", sha("video of the loading, 14:00 to 14:40"), CID_V0),
    ]
    assert {m["deviceId"] for m in check.media} == {"urn:sanzhi:device:CN-SHA-CAM-07"}

    # the photo is swapped for another one after the fact: the event no longer hashes to the entry
    document = json.loads(original.read_text())
    document["epcisBody"]["eventList"][0]["sanzhi:supervisionMedia"][0]["sha256"] = sha("another photo")
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(document))
    [tampered] = parse_epcis(altered.read_bytes())
    assert tampered.hash != loading.hash
    [check] = check_events(entries, [tampered])
    assert (check.on_chain, check.seqs) == (False, [])
    assert check.media[0]["sha256"] == sha("another photo")
    # so is one with the media dropped, or captured at another time
    stripped = {k: v for k, v in loading.to_json().items() if k != "sanzhi:supervisionMedia"}
    retimed = json.loads(json.dumps(loading.to_json()))
    retimed["sanzhi:supervisionMedia"][1]["capturedAt"] = "2026-11-20T15:40:00+08:00"
    assert [c.on_chain for c in check_events(entries, [*parse_epcis(stripped), *parse_epcis(retimed)])] == [
        False,
        False,
    ]

    # the officer's command line says the same of the two files
    assert cli("evidence", "verify", UCR_A, "--events", str(original)).exit_code == 0
    broken = cli("evidence", "verify", UCR_A, "--events", str(altered))
    assert broken.exit_code == 1
    assert "is not on the chain" in broken.stdout


# ------------------------------------------------------------------ 3. consolidation


def test_consolidation_in_a_container_and_its_split_resolve_across_consignments(chain: Chain) -> None:
    # CN's trader opens A and the container C, SG's trader B; SG's trader receives and strips them
    opened(chain, UCR_A, parties=("sg-trader",))
    opened(chain, UCR_B, by="sg-trader", destination="CN")
    opened(chain, UCR_C, parties=("sg-trader",))
    cn, sg = chain.client("cn-trader"), chain.client("sg-trader")
    append_events(client=cn, ucr=UCR_A, events=[shipping(SSCC_A, 0), shipping(SSCC_A, 1)])
    append_events(client=sg, ucr=UCR_B, events=[shipping(SSCC_B, 0.5)])
    last_a, last_b = audited(chain, UCR_A)[-1], audited(chain, UCR_B)[-1]

    stuffed = new_event(
        EventType.AGGREGATION, Step.LOADING, at(3), parent_id=CONTAINER, child_epcs=[SSCC_A, SSCC_B], read_point=PORT
    )
    append_events(client=cn, ucr=UCR_C, events=[stuffed], parents=[last_a.link, last_b.link])
    [consolidated] = audited(chain, UCR_C)
    assert (consolidated.entry.event_type, Step(consolidated.entry.step)) == (EventType.AGGREGATION, Step.LOADING)
    assert consolidated.entry.parents == (last_a.link, last_b.link)

    # at destination the container is stripped (Aggregation DELETE) and each consignment received
    stripped = new_event(
        EventType.AGGREGATION,
        Step.UNPACKING,
        at(50),
        action="DELETE",
        parent_id=CONTAINER,
        child_epcs=[SSCC_A, SSCC_B],
    )
    append_events(client=sg, ucr=UCR_C, events=[stripped], parents=[consolidated.link])
    [_, split] = audited(chain, UCR_C)
    assert split.entry.parents == (consolidated.link,)
    for ucr, sscc in ((UCR_A, SSCC_A), (UCR_B, SSCC_B)):
        received = new_event(EventType.OBJECT, Step.RECEIVING, at(52), epcs=[sscc])
        append_events(client=sg, ucr=ucr, events=[received], parents=[split.link])

    chains = {ucr: audited(chain, ucr) for ucr in (UCR_A, UCR_B, UCR_C)}
    report = audit_references(client=chain.client(), ucrs=list(chains), strict=True)
    assert report.intact, report.problems
    ids = {"0x" + consignment_id(ucr).hex(): ucr for ucr in chains}
    edges = {(ids[r.consignment], r.seq, ids[r.parent_consignment or ""], r.parent_seq) for r in report.references}
    assert edges == {
        (UCR_C, 1, UCR_A, 2),  # the container holds A's latest entry ...
        (UCR_C, 1, UCR_B, 1),  # ... and B's
        (UCR_C, 2, UCR_C, 1),  # the split follows the consolidation
        (UCR_A, 3, UCR_C, 2),  # A and B are received out of the split
        (UCR_B, 2, UCR_C, 2),
    }
    [check] = check_events(chains[UCR_C], [stuffed])
    assert (check.on_chain, check.seqs) == (True, [1])

    # an auditor given only A sees its link into the container but cannot resolve it
    only_a = audit_references(client=chain.client(), ucrs=[UCR_A], strict=True)
    assert [(r.seq, r.resolved) for r in only_a.references] == [(3, False)]
    assert not only_a.intact


# ------------------------------------------------------------------ 4. corrections


def test_a_correction_is_a_new_entry_and_the_erroneous_one_stays(chain: Chain) -> None:
    opened(chain, UCR_A)
    cn = chain.client("cn-trader")
    wrong = new_event(EventType.OBJECT, Step.SHIPPING, at(1), epcs=[SSCC_A], quantities=[("urn:x:tea", 120.0, "KGM")])
    append_events(client=cn, ucr=UCR_A, events=[shipping(SSCC_A, 0), wrong])
    [_, erroneous] = audited(chain, UCR_A)

    declared = new_event(
        EventType.OBJECT,
        Step.SHIPPING,
        at(1),
        epcs=[SSCC_A],
        quantities=[("urn:x:tea", 120.0, "KGM")],
        error_declaration={"declarationTime": at(4).isoformat(), "reason": "incorrect_data"},
    )
    assert declared.hash == wrong.hash  # an error declaration names the event it corrects
    append_events(client=cn, ucr=UCR_A, events=[declared])
    right = new_event(EventType.OBJECT, Step.SHIPPING, at(1), epcs=[SSCC_A], quantities=[("urn:x:tea", 1200.0, "KGM")])
    correction_link = audited(chain, UCR_A)[-1].link
    append_events(client=cn, ucr=UCR_A, events=[right], parents=[correction_link])

    entries = audited(chain, UCR_A)
    assert [(r.seq, r.entry.correction) for r in entries] == [(1, False), (2, False), (3, True), (4, False)]
    correction = entries[2]
    assert entries[1] == erroneous  # append-only: the erroneous entry is still there, unchanged
    assert correction.entry.parents[0] == erroneous.link
    assert correction.entry.event_hash == erroneous.entry.event_hash
    [wrong_check, right_check] = check_events(entries, [wrong, right])
    assert (wrong_check.seqs, wrong_check.corrected_by) == ([2], [3])
    assert (right_check.seqs, right_check.corrected_by) == ([4], [])
    assert audit_references(client=chain.client(), ucrs=[UCR_A], strict=True).intact

    # the library refuses to correct an event the consignment never had
    never = new_event(
        EventType.OBJECT,
        Step.SHIPPING,
        at(9),
        epcs=[SSCC_A],
        error_declaration={"declarationTime": at(10).isoformat(), "reason": "incorrect_data"},
    )
    with pytest.raises(InvalidInput, match="no such event to correct"):
        append_events(client=cn, ucr=UCR_A, events=[never])


def test_corrections_the_registry_takes_but_the_audit_flags(chain: Chain) -> None:
    opened(chain, UCR_A, parties=("sg-trader",))
    cn = chain.client("cn-trader")
    first, second = shipping(SSCC_A, 0), shipping(SSCC_A, 1)
    append_events(client=cn, ucr=UCR_A, events=[first, second])
    [one, two] = audited(chain, UCR_A)
    consignment = consignment_id(UCR_A)

    def forged(client_profile: str, event: EpcisEvent, corrects: bytes) -> None:
        entry = EvidenceEntry(
            consignment=consignment,
            event_hash=event.hash.digest,
            step=int(event.step),
            event_type=int(event.event_type),
            correction=True,
            parents=(corrects,),
        )
        EvidenceRegistryBinding(chain.client(client_profile)).append([entry])

    forged("cn-trader", second, one.link)  # claims to correct entry 1 with another event
    forged("sg-trader", first, one.link)  # SG's trader "corrects" CN's trader's entry
    assert len(audited(chain, UCR_A)) == 4  # the registry took both

    report = audit_references(client=chain.client(), ucrs=[UCR_A])
    assert not report.intact
    problems = {p.seq: p.problem for p in report.problems}
    assert set(problems) == {3, 4}
    assert "corrects no earlier recorded entry of the same event" in problems[3]
    assert "recorded for SG" in problems[4]
    assert "recorded for CN" in problems[4]
    assert two.entry.correction is False
