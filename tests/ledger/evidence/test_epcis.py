from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from ledger.errors import InvalidDocument, InvalidInput, InvalidJson
from ledger.evidence import (
    BTT_DECLARATION,
    EventType,
    Step,
    classify,
    epcis_document,
    new_event,
    parse_epcis,
)
from ledger.evidence.schema import SCHEMA_FILE, SCHEMA_ID, SCHEMA_SHA256, epcis_validator
from tests.support import ROOT

CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"sanzhi": "https://sanzhi.example/customs/"},
]
T = dt.datetime(2026, 3, 4, 11, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SSCC = "urn:epc:id:sscc:0614141.1234567890"
HASH = "0x" + "ab" * 32
CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def shipping() -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "ObjectEvent",
        "eventTime": "2026-03-04T11:00:30.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": [SSCC],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"},
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
        "bizTransactionList": [
            {"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:INV-1"},
            {"type": "cert", "bizTransaction": "urn:sanzhi:cert:CN2026CO000123"},
            {"type": BTT_DECLARATION, "bizTransaction": "urn:sanzhi:decl:CN-EXP-1"},
        ],
    }


def document(*events: dict[str, Any]) -> dict[str, Any]:
    bodies = [{k: v for k, v in e.items() if k != "@context"} for e in events]
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-04T12:00:00Z",
        "epcisBody": {"eventList": bodies},
    }


def problems_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(InvalidDocument) as caught:
        parse_epcis(data)
    return caught.value.problems


def test_the_shipped_schema_is_gs1s_and_pinned() -> None:
    raw = (ROOT / "ledger" / "evidence" / "schemas" / SCHEMA_FILE).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256
    assert epcis_validator().schema["$id"] == SCHEMA_ID == "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"


def test_a_single_event_and_a_document_give_the_same_event() -> None:
    [alone] = parse_epcis(shipping())
    [inside] = parse_epcis(json.dumps(document(shipping())))
    assert alone.event_type is EventType.OBJECT
    assert alone.step is Step.SHIPPING
    assert alone.data == inside.data
    assert alone.hash == inside.hash


def test_every_problem_of_every_event_is_named_with_its_json_path() -> None:
    bad = shipping()
    bad["eventTime"] = "2026-03-04T11:00:30"  # no offset
    bad["action"] = "LOOK"
    del bad["eventTimeZoneOffset"]
    other = shipping()
    other["bizStep"] = "https://sanzhi.example/customs/BizStep-teleporting"
    problems = problems_of(document(shipping(), bad, other))
    paths = [path for path, _ in problems]
    assert "$.epcisBody.eventList[1].eventTime" in paths
    assert "$.epcisBody.eventList[1].action" in paths
    assert any(p == "$.epcisBody.eventList[1]" and "eventTimeZoneOffset" in r for p, r in problems)
    unknown = "unknown business step 'https://sanzhi.example/customs/BizStep-teleporting'"
    said = f"{unknown} (a CBV 2.0 step, as its word or its URI, or a sanzhi customs step, as its URI or " + (
        "sanzhi:BizStep-<step>)"
    )
    assert ("$.epcisBody.eventList[2].bizStep", said) in problems
    assert not any(p.startswith("$.epcisBody.eventList[0]") for p in paths)


def test_the_error_message_lists_every_problem_on_one_line() -> None:
    bad = shipping()
    bad["action"] = "LOOK"
    bad["epcList"] = "not a list"
    with pytest.raises(InvalidDocument) as caught:
        parse_epcis(bad)
    assert "\n" not in str(caught.value)
    assert "$.action" in str(caught.value)
    assert "$.epcList" in str(caught.value)


def test_json_text_is_read_strictly() -> None:
    text = json.dumps(shipping())
    with pytest.raises(InvalidJson, match="duplicate key"):
        parse_epcis(text[:-1] + ', "action": "ADD"}')


def test_association_and_extended_events_are_not_recorded() -> None:
    event = shipping()
    event["type"] = "AssociationEvent"
    event["parentID"] = SSCC
    del event["epcList"]
    assert any(p == "$.type" and "ObjectEvent" in r for p, r in problems_of(event))


def test_an_event_without_a_business_step_is_refused() -> None:
    event = shipping()
    del event["bizStep"]
    assert problems_of(event) == [("$.bizStep", "the ledger records events with a bizStep")]


def test_contexts_are_never_fetched() -> None:
    event = shipping()
    event["@context"] = [*CONTEXT, "https://evil.example/context.jsonld"]
    with pytest.raises(InvalidInput, match=r"is not the EPCIS 2\.0 context"):
        parse_epcis(event)


def test_undeclared_prefixes_are_refused() -> None:
    event = shipping()
    event["acme:note"] = "x"
    assert problems_of(event) == [('$["acme:note"]', "prefix 'acme' is not declared in the @context")]


def risk_lane(**lane: Any) -> dict[str, Any]:
    event = shipping()
    event["bizStep"] = "sanzhi:BizStep-risk-lane"
    event["sanzhi:riskLane"] = {"lane": "red", "ruleSetHash": HASH, "reasons": ["origin mismatch"], **lane}
    return event


def test_customs_steps_carry_their_fields() -> None:
    [event] = parse_epcis(risk_lane())
    assert classify(event) == (0, Step.RISK_LANE)
    assert event.step.is_customs_decision
    assert problems_of(risk_lane(lane="blue", ruleSetHash="0x12")) == [
        ('$["sanzhi:riskLane"].lane', "Input should be 'green', 'yellow' or 'red'"),
        ('$["sanzhi:riskLane"].ruleSetHash', "String should match pattern '^0x[0-9a-f]{64}$'"),
    ]


def test_a_lane_names_the_partners_alerts_it_relied_on() -> None:
    relied = [{"id": 3, "member": "CN", "severity": "high"}]
    [event] = parse_epcis(risk_lane(alerts=relied))
    assert event.data["sanzhi:riskLane"]["alerts"] == relied
    assert problems_of(risk_lane(alerts=[{"id": "3", "member": "cn", "severity": "severe"}])) == [
        ('$["sanzhi:riskLane"].alerts[0].id', "Input should be a valid integer"),
        ('$["sanzhi:riskLane"].alerts[0].member', "String should match pattern '^[A-Z0-9][A-Z0-9-]{0,31}$'"),
        ('$["sanzhi:riskLane"].alerts[0].severity', "Input should be 'low', 'medium' or 'high'"),
    ]
    # which alerts it relied on is part of the event, so part of its hash on chain
    [named] = parse_epcis(risk_lane(alerts=relied))
    [other] = parse_epcis(risk_lane(alerts=[{**relied[0], "id": 4}]))
    assert named.hash.ni != other.hash.ni


def test_a_customs_field_on_the_wrong_step_or_a_missing_one_is_refused() -> None:
    event = risk_lane()
    event["bizStep"] = "https://sanzhi.example/customs/BizStep-inspection-result"
    assert problems_of(event) == [
        ('$["sanzhi:inspection"]', "every inspection-result event needs it"),
        ('$["sanzhi:riskLane"]', "belongs on risk-lane events, not inspection-result"),
    ]


def test_supervision_media_on_loading() -> None:
    media = {
        "kind": "video",
        "sha256": HASH,
        "cid": CID,
        "deviceId": "urn:dev:cam-7",
        "capturedAt": "2026-03-04T10:59:00+08:00",
    }
    event = new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC], extensions={"supervisionMedia": [media]})
    assert event.data["sanzhi:supervisionMedia"] == [media]
    naive = {**media, "capturedAt": "2026-03-04T10:59:00"}
    with pytest.raises(InvalidDocument, match=r"supervisionMedia\"\]\[0\]\.capturedAt"):
        new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC], extensions={"supervisionMedia": [naive]})
    with pytest.raises(InvalidDocument, match="belongs on loading or unloading events, not shipping"):
        new_event(EventType.OBJECT, Step.SHIPPING, T, epcs=[SSCC], extensions={"supervisionMedia": [media]})


def test_inspection_result_and_its_acceptance() -> None:
    result = new_event(
        EventType.OBJECT,
        Step.INSPECTION_RESULT,
        T,
        epcs=[SSCC],
        extensions={"inspection": {"kind": "lab", "reportHash": HASH, "reportCid": CID, "outcome": "pass"}},
    )
    accepted = new_event(
        EventType.OBJECT,
        Step.INSPECTION_RESULT_ACCEPTED,
        T + dt.timedelta(days=2),
        epcs=[SSCC],
        extensions={"acceptedResult": {"eventHash": result.hash.ni, "administration": "SG"}},
    )
    assert classify(accepted) == (0, Step.INSPECTION_RESULT_ACCEPTED)
    with pytest.raises(InvalidDocument, match="eventHash"):
        new_event(EventType.OBJECT, Step.INSPECTION_RESULT_ACCEPTED, T, epcs=[SSCC],
                  extensions={"acceptedResult": {"eventHash": "sha256:abc", "administration": "SG"}})  # fmt: skip


def test_an_advance_declaration_names_its_declaration() -> None:
    with pytest.raises(InvalidDocument, match="bizTransactionList"):
        new_event(EventType.OBJECT, Step.ADVANCE_DECLARATION_FILED, T, epcs=[SSCC])
    event = new_event(
        EventType.TRANSACTION,
        Step.ADVANCE_DECLARATION_FILED,
        T,
        epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, "urn:sanzhi:decl:CN-EXP-1")],
    )
    assert classify(event) == (2, Step.ADVANCE_DECLARATION_FILED)
    assert event.data["bizStep"] == "sanzhi:BizStep-advance-declaration-filed"


def test_every_event_type_round_trips_through_a_document() -> None:
    events = [
        new_event(EventType.OBJECT, Step.DEPARTING, T, epcs=[SSCC], read_point="urn:epc:id:sgln:0614141.00777.0"),
        new_event(
            EventType.AGGREGATION,
            Step.LOADING,
            T,
            parent_id=SSCC,
            child_epcs=["urn:epc:id:sgtin:0614141.107346.2018"],
            quantities=[("urn:epc:class:lgtin:4012345.012345.998877", 200, "KGM")],
        ),
        new_event(EventType.TRANSACTION, Step.ARRIVING, T, epcs=[SSCC], biz_transactions=[("inv", "urn:x:inv:1")]),
        new_event(
            EventType.TRANSFORMATION,
            Step.REPACKAGING,
            T,
            input_epcs=["urn:epc:id:sgtin:0614141.107346.2018"],
            output_epcs=["urn:epc:id:sgtin:0614141.107346.2019"],
        ),
    ]
    document_json = epcis_document(events, created=T)
    again = parse_epcis(json.dumps(document_json, ensure_ascii=False).encode())
    assert [classify(event) for event in again] == [
        (0, Step.DEPARTING), (1, Step.LOADING), (2, Step.ARRIVING), (3, Step.REPACKAGING)
    ]  # fmt: skip
    assert [event.hash for event in again] == [event.hash for event in events]


def test_error_declarations_are_accepted() -> None:
    event = shipping()
    event["errorDeclaration"] = {
        "declarationTime": "2026-03-05T08:00:00Z",
        "reason": "incorrect_data",
        "correctiveEventIDs": ["ni:///sha-256;" + "00" * 32 + "?ver=CBV2.0"],
    }
    [parsed] = parse_epcis(event)
    assert parsed.data["errorDeclaration"]["reason"] == "incorrect_data"


def test_new_event_needs_an_aware_time() -> None:
    with pytest.raises(InvalidInput, match="UTC offset"):
        new_event(EventType.OBJECT, Step.SHIPPING, T.replace(tzinfo=None), epcs=[SSCC])


def test_to_json_is_a_valid_standalone_event() -> None:
    [event] = parse_epcis(shipping())
    assert parse_epcis(copy.deepcopy(event.to_json()))[0] == event
