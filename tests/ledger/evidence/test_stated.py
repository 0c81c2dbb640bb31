"""The statement of what the evidence routes accept (ledger.evidence.stated) is GS1's pinned schema
and the parser's own rules, and agrees with the parser both ways: every body it allows is
accepted (but for the refusals no JSON Schema can state, named here), every body it forbids is
refused, before the chain is read."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from ledger.errors import InvalidInput
from ledger.evidence import parse_epcis
from ledger.evidence.declarations import declaration_key, declarations_of, parse_declaration
from ledger.evidence.epcis import HASHABLE_TIME_PATTERN, UNHASHABLE_TIME_PATTERN, EpcisEvent
from ledger.evidence.event_hash import event_hash
from ledger.evidence.schema import epcis_schema, epcis_validator
from ledger.evidence.stated import (
    DECISIONS,
    DECISIONS_BODY,
    EPCIS,
    TRADE,
    TRADE_BODY,
    Kind,
    components,
    definition_name,
    standalone,
)
from ledger.evidence.vocabulary import CUSTOMS_NAMESPACE
from ledger.jsonfiles import loads_strict
from tests.support import ROOT

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CONTEXT = [EPCIS_CONTEXT, {"sanzhi": CUSTOMS_NAMESPACE}]
EXAMPLES = sorted((ROOT / "examples" / "epcis").glob("*.json"))
GS1_EXAMPLES = sorted((Path(__file__).parent / "gs1_examples").glob("*.jsonld"))
HASH = "0x" + "ab" * 32
DECLARATION = "urn:sanzhi:declaration:CN:EXP-2026-1"


@cache
def validator(body: str) -> Draft202012Validator:
    schema = standalone(body)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def stated(body: str, data: Any) -> bool:
    return validator(body).is_valid(data)


def route_accepts(kind: Kind, data: Any) -> tuple[bool, str]:
    """What a route checks of a body before it reads the chain: parse_epcis, then (append) no
    customs decision and at most one declaration, (decisions) only customs decisions, each of
    exactly one declaration (taken here as the deciding member's own) and a corrected one with
    its reason; at least one event."""
    try:
        events = parse_epcis(json.loads(json.dumps(data)))
        if not events:
            return False, "no events"
        for event in events:
            if (event.step in kind.steps) is False:
                return False, f"step {event.step.slug} is not this route's"
            if kind is DECISIONS:
                declaration_key(event, deciding_member=_member(event) or "CN")
                error = event.data.get("errorDeclaration")
                if isinstance(error, dict) and not str(error.get("reason") or "").strip():
                    return False, "a corrected decision gives its reason"
            else:
                declaration_key(event, deciding_member=None)
    except InvalidInput as exc:
        return False, str(exc)
    return True, ""


def _member(event: EpcisEvent) -> str | None:
    found = declarations_of(event)
    if len(found) == 1:
        try:
            return parse_declaration(found[0])[0]
        except InvalidInput:
            return None
    return None


def agree(kind: Kind, body: str, data: Any) -> None:
    accepted, why = route_accepts(kind, data)
    errors = [e.message for e in validator(body).iter_errors(data)]
    assert accepted == (not errors), (why, errors[:3])


def test_the_statement_is_the_pinned_file_renamed() -> None:
    """Every definition of GS1's file is a component, its references renamed and nothing else
    changed, but for the two that dispatch on `type` (written as an anyOf, checked below)."""
    found = components()
    raw = epcis_schema()
    definitions = raw.pop("definitions")
    renamed = json.loads(
        re.sub(
            r'"#/definitions/([^"]+)"',
            lambda m: json.dumps("#/components/schemas/" + definition_name(m.group(1))),
            json.dumps(definitions),
        )
    )
    dispatching = {"EPCIS-Document-Event"}
    for name, definition in renamed.items():
        if name not in dispatching:
            assert found[definition_name(name)] == definition, name
    assert {definition_name(name) for name in definitions} == {name for name in found if name.startswith(f"{EPCIS}.")}
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(found))
    assert refs
    assert set(refs) <= set(found)


def test_the_statement_reads_gs1s_documents_as_the_file_does() -> None:
    """The dispatching definitions, rewritten, still accept and refuse as the file does: GS1's
    examples and each of them broken in one place."""
    file = epcis_validator()
    ours = Draft202012Validator(
        {"$ref": f"#/$defs/{EPCIS}", "$defs": components(lambda name: f"#/$defs/{name}")},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    seen = 0
    for path in [*GS1_EXAMPLES, *EXAMPLES]:
        document = loads_strict(path.read_bytes(), source=path.name)
        for variant in [document, *_broken(document)]:
            assert file.is_valid(variant) == ours.is_valid(variant), (path.name, variant)
            seen += 1
    assert seen > 200
    assert isinstance(file, Draft7Validator)


def _broken(document: dict[str, Any]) -> list[Any]:
    """The document and its first event, each broken in a way GS1's schema refuses or allows."""
    events = document.get("epcisBody", {}).get("eventList") or document.get("epcisBody", {}).get(
        "queryResults", {}
    ).get("resultsBody", {}).get("eventList", [])
    out: list[Any] = [{**document, "type": "AssociationEvent"}, {k: v for k, v in document.items() if k != "type"}]
    for event in events[:2]:
        alone = {"@context": document.get("@context"), **event}
        out.extend(
            [
                alone,
                {**alone, "type": "ExtendedEvent"},
                {**alone, "type": "https://example.org/MyEvent"},
                {**alone, "eventTime": "2026-01-01T00:00:00"},
                {k: v for k, v in alone.items() if k != "@context"},
                {**alone, "action": "MAYBE"},
            ]
        )
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_examples_are_stated_and_accepted_by_their_route(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    for kind, body in ((TRADE, TRADE_BODY), (DECISIONS, DECISIONS_BODY)):
        agree(kind, body, document)
    [event] = document["epcisBody"]["eventList"]
    alone = {"@context": document["@context"], **event}
    for kind, body in ((TRADE, TRADE_BODY), (DECISIONS, DECISIONS_BODY)):
        agree(kind, body, alone)


def event(**fields: Any) -> dict[str, Any]:
    base = {
        "@context": CONTEXT,
        "type": "ObjectEvent",
        "eventTime": "2026-03-04T11:00:30.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sscc:0614141.1234567890"],
        "action": "OBSERVE",
        "bizStep": "shipping",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def decision(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "bizStep": "sanzhi:BizStep-risk-lane",
        "bizTransactionList": [{"type": "sanzhi:BTT-customs-declaration", "bizTransaction": DECLARATION}],
        "sanzhi:riskLane": {"lane": "green", "ruleSetHash": HASH},
    }
    return event(**{**base, **fields})


def in_document(*events: dict[str, Any], context: Any = CONTEXT) -> dict[str, Any]:
    return {
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-04T12:00:00Z",
        "epcisBody": {"eventList": [{k: v for k, v in e.items() if k != "@context"} for e in events]},
    }


def _media(**fields: Any) -> list[dict[str, Any]]:
    cid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
    item = {"kind": "photo", "sha256": HASH, "cid": cid, "deviceId": "cam-1", "capturedAt": "2026-03-04T10:00:00Z"}
    return [{**item, **fields}]


# (what, route, body): each accepted or refused by the route and its statement alike
CASES: list[tuple[str, Kind, Callable[[], Any]]] = [
    ("a trade event", TRADE, lambda: event()),
    ("a trade event in a document", TRADE, lambda: in_document(event())),
    ("a decision", DECISIONS, lambda: decision()),
    ("a decision in a document", DECISIONS, lambda: in_document(decision())),
    ("a decision appended", TRADE, lambda: decision()),
    ("a trade event as a decision", DECISIONS, lambda: event()),
    ("a query document", TRADE, lambda: {**in_document(event()), "type": "EPCISQueryDocument"}),
    ("an association event", TRADE, lambda: event(type="AssociationEvent", parentID="urn:x:1")),
    ("no bizStep", TRADE, lambda: event(bizStep=None)),
    ("an unknown step", TRADE, lambda: event(bizStep="shiping")),
    ("a CBV step by its URI", TRADE, lambda: event(bizStep="https://ref.gs1.org/cbv/BizStep-shipping")),
    (
        "a CBV step compacted",
        TRADE,
        lambda: event(
            **{"@context": [EPCIS_CONTEXT, {"cbv": "https://ref.gs1.org/cbv/"}]}, bizStep="cbv:BizStep-shipping"
        ),
    ),
    ("a sanzhi step by its URI", DECISIONS, lambda: decision(bizStep=f"{CUSTOMS_NAMESPACE}BizStep-risk-lane")),
    ("a sanzhi step without its prefix", DECISIONS, lambda: decision(**{"@context": EPCIS_CONTEXT})),
    ("an empty document", TRADE, lambda: in_document()),
    ("a document without the EPCIS context", TRADE, lambda: in_document(event(), context={"ex": "https://x.example/"})),
    (
        "a document with the draft context",
        TRADE,
        lambda: in_document(event(), context="https://gs1.github.io/EPCIS/epcis-context.jsonld"),
    ),
    (
        "an event with its own context in a document",
        TRADE,
        lambda: {**in_document(event()), "epcisBody": {"eventList": [event()]}},
    ),
    ("an event alone with inline prefixes only", TRADE, lambda: event(**{"@context": {"ex": "https://x.example/"}})),
    ("another context URL", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, "https://x.example/c.jsonld"]})),
    (
        "both context URLs",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, "https://gs1.github.io/EPCIS/epcis-context.jsonld"]}),
    ),
    ("a keyword in a context", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"@vocab": "https://x.example/"}]})),
    ("a prefix with a colon", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"a:b": "https://x.example/"}]})),
    ("a prefix with a slash", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"a/b": "https://x.example/"}]})),
    ("an empty prefix", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"": "https://x.example/"}]})),
    ("a prefix to a URN", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"x": "urn:x:"}]})),
    (
        "a prefix to an IRI with a space",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, {"x": "https://x.example/ a"}]}),
    ),
    (
        "a protected term kept",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, {"cbv": "https://ref.gs1.org/cbv/"}]}),
    ),
    (
        "a protected term redefined",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, {"cbv": "https://x.example/"}]}),
    ),
    (
        "a protected term before the URL",
        TRADE,
        lambda: event(**{"@context": [{"type": "https://x.example/t"}, EPCIS_CONTEXT]}),
    ),
    (
        "sanzhi mapped elsewhere",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, {"sanzhi": "https://x.example/"}]}),
    ),
    ("another prefix for sanzhi", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"cx": CUSTOMS_NAMESPACE}]})),
    (
        "a prefix to a part of sanzhi's",
        TRADE,
        lambda: event(**{"@context": [EPCIS_CONTEXT, {"s": "https://sanzhi.example/"}]}),
    ),
    ("a prefix into sanzhi's", TRADE, lambda: event(**{"@context": [EPCIS_CONTEXT, {"s": CUSTOMS_NAMESPACE + "x/"}]})),
    ("a key as a full IRI", TRADE, lambda: event(**{"https://x.example/f": "1"})),
    (
        "a nested key as a full IRI",
        TRADE,
        lambda: event(
            ilmd={"ex:a": {"https://x.example/f": "1"}}, **{"@context": [EPCIS_CONTEXT, {"ex": "https://x.example/"}]}
        ),
    ),
    ("an ignoreFields list", TRADE, lambda: {**in_document(event()), "ex:ignoreFields": ["x"]}),
    ("an unknown sanzhi field", TRADE, lambda: event(**{"sanzhi:colour": "red"})),
    ("a sanzhi field on another step", DECISIONS, lambda: decision(**{"sanzhi:preReview": {"outcome": "cleared"}})),
    ("a required sanzhi field missing", DECISIONS, lambda: decision(**{"sanzhi:riskLane": None})),
    (
        "a malformed sanzhi field",
        DECISIONS,
        lambda: decision(**{"sanzhi:riskLane": {"lane": "blue", "ruleSetHash": HASH}}),
    ),
    (
        "an alert id written 3.0",
        DECISIONS,
        lambda: decision(
            **{
                "sanzhi:riskLane": {
                    "lane": "red",
                    "ruleSetHash": HASH,
                    "alerts": [{"id": 3.0, "member": "CN", "severity": "low"}],
                }
            }
        ),
    ),
    (
        "an alert id written as text",
        DECISIONS,
        lambda: decision(
            **{
                "sanzhi:riskLane": {
                    "lane": "red",
                    "ruleSetHash": HASH,
                    "alerts": [{"id": "3", "member": "CN", "severity": "low"}],
                }
            }
        ),
    ),
    ("supervision media on loading", TRADE, lambda: event(bizStep="loading", **{"sanzhi:supervisionMedia": _media()})),
    ("supervision media on shipping", TRADE, lambda: event(**{"sanzhi:supervisionMedia": _media()})),
    ("no supervision media", TRADE, lambda: event(bizStep="loading", **{"sanzhi:supervisionMedia": []})),
    (
        "a capture time with a space",
        TRADE,
        lambda: event(bizStep="loading", **{"sanzhi:supervisionMedia": _media(capturedAt="2026-03-04 10:00:00Z")}),
    ),
    (
        "a capture time in seconds",
        TRADE,
        lambda: event(bizStep="loading", **{"sanzhi:supervisionMedia": _media(capturedAt=1772618400)}),
    ),
    ("an advance declaration naming none", TRADE, lambda: event(bizStep="sanzhi:BizStep-advance-declaration-filed")),
    (
        "an advance declaration",
        TRADE,
        lambda: event(
            bizStep="sanzhi:BizStep-advance-declaration-filed",
            bizTransactionList=[{"type": "sanzhi:BTT-customs-declaration", "bizTransaction": DECLARATION}],
        ),
    ),
    ("a transaction without its type", TRADE, lambda: event(bizTransactionList=[{"bizTransaction": "urn:x:1"}])),
    (
        "a sanzhi prefix undeclared",
        TRADE,
        lambda: event(**{"@context": EPCIS_CONTEXT, "sanzhi:supervisionMedia": _media()}, bizStep="loading"),
    ),
    ("a decision without a declaration", DECISIONS, lambda: decision(bizTransactionList=[])),
    (
        "a decision of two declarations",
        DECISIONS,
        lambda: decision(
            bizTransactionList=[{"type": "sanzhi:BTT-customs-declaration", "bizTransaction": DECLARATION}] * 2
        ),
    ),
    (
        "a decision of a malformed declaration",
        DECISIONS,
        lambda: decision(
            bizTransactionList=[
                {"type": "sanzhi:BTT-customs-declaration", "bizTransaction": "urn:sanzhi:declaration:cn:1"}
            ]
        ),
    ),
    (
        "a decision's declaration in full",
        DECISIONS,
        lambda: decision(
            bizTransactionList=[{"type": f"{CUSTOMS_NAMESPACE}BTT-customs-declaration", "bizTransaction": DECLARATION}]
        ),
    ),
    (
        "a trade event of two declarations",
        TRADE,
        lambda: event(
            bizTransactionList=[
                {"type": "sanzhi:BTT-customs-declaration", "bizTransaction": f"urn:x:{i}"} for i in range(2)
            ]
        ),
    ),
    (
        "a trade event's malformed sanzhi declaration",
        TRADE,
        lambda: event(
            bizTransactionList=[
                {"type": "sanzhi:BTT-customs-declaration", "bizTransaction": "urn:sanzhi:declaration:CN:"}
            ]
        ),
    ),
    (
        "a trade event's other declaration",
        TRADE,
        lambda: event(bizTransactionList=[{"type": "sanzhi:BTT-customs-declaration", "bizTransaction": "urn:x:1"}]),
    ),
    (
        "a correction without its reason",
        DECISIONS,
        lambda: decision(errorDeclaration={"declarationTime": "2026-03-05T00:00:00Z"}),
    ),
    (
        "a correction with a blank reason",
        DECISIONS,
        lambda: decision(errorDeclaration={"declarationTime": "2026-03-05T00:00:00Z", "reason": "incorrect_data"}),
    ),
    (
        "a trade correction without its reason",
        TRADE,
        lambda: event(errorDeclaration={"declarationTime": "2026-03-05T00:00:00Z"}),
    ),
    ("a time on the calendar's first day", TRADE, lambda: event(eventTime="0001-01-01T12:00:00Z")),
    ("a time on the calendar's last day", TRADE, lambda: event(eventTime="9999-12-31T00:00:00Z")),
    ("a time rounding up", TRADE, lambda: event(eventTime="2026-03-04T11:00:30.9995+08:00")),
    ("a time rounding down", TRADE, lambda: event(eventTime="2026-03-04T11:00:30.9994+08:00")),
    (
        "a sensor time rounding up",
        TRADE,
        lambda: event(
            sensorElementList=[
                {"sensorReport": [{"type": "Temperature", "value": 1, "time": "2026-03-04T11:00:30.99999Z"}]}
            ]
        ),
    ),
]


@pytest.mark.parametrize(("what", "kind", "make"), CASES, ids=[case[0] for case in CASES])
def test_the_route_and_its_statement_agree(what: str, kind: Kind, make: Callable[[], Any]) -> None:
    agree(kind, TRADE_BODY if kind is TRADE else DECISIONS_BODY, make())


# (what, route, body, what the parser says): allowed by the statement, refused for a reason no
# JSON Schema states (tests/api/test_fuzz.py lists them as PRINCIPLED_REFUSALS)
UNSTATED: list[tuple[str, Kind, Callable[[], Any], str]] = [
    # a key's prefix against the @context's prefixes
    ("an undeclared prefix", TRADE, lambda: event(**{"ex:f": "1"}), "is not declared in the @context"),
    # what the reference reads as an infinite number is no regular language
    (
        "a text read as infinite",
        TRADE,
        lambda: event(
            readPoint={"id": "urn:x:1"}, **{"@context": [EPCIS_CONTEXT, {"ex": "https://x.example/"}], "ex:f": "1e999"}
        ),
        "OverflowError: cannot convert float infinity",
    ),
    # one event's words against another's
    (
        "a bare word another event uses as a step",
        TRADE,
        lambda: in_document(
            event(bizStep="receiving"),
            event(**{"ex:note": "receiving"}),
            context=[EPCIS_CONTEXT, {"ex": "https://x.example/"}],
        ),
        "hashes this event differently in this document than on its own",
    ),
]


@pytest.mark.parametrize(("what", "kind", "make", "said"), UNSTATED, ids=[case[0] for case in UNSTATED])
def test_what_no_statement_can_say(what: str, kind: Kind, make: Callable[[], Any], said: str) -> None:
    data = make()
    assert stated(TRADE_BODY if kind is TRADE else DECISIONS_BODY, data)
    accepted, why = route_accepts(kind, data)
    assert not accepted
    assert said in why


def test_hashable_times_are_stated_as_the_parser_reads_them() -> None:
    refused, stated_pattern = re.compile(UNHASHABLE_TIME_PATTERN), re.compile(HASHABLE_TIME_PATTERN)
    for text in [
        "2026-03-04T11:00:30Z",
        "2026-03-04T11:00:30.9994Z",
        "2026-03-04T11:00:30.9995Z",
        "2026-03-04T11:00:30.99999999Z",
        "0001-01-01T00:00:00Z",
        "0001-01-02T00:00:00Z",
        "9999-12-31T00:00:00Z",
        "9999-12-30T23:59:59.999-01:00",
        "2026-03-04T11:00:30.0999Z",
        "x\n.9996",
    ]:
        assert (refused.search(text) is None) == (stated_pattern.search(text) is not None), text


def test_each_body_is_a_schema_of_its_own() -> None:
    for body in (TRADE_BODY, DECISIONS_BODY):
        schema = standalone(body)
        assert schema["$ref"] == f"#/$defs/{body}"
        Draft202012Validator.check_schema(schema)
    assert copy.deepcopy(components()) == components()


def test_an_event_recorded_under_the_earlier_context_rules_still_hashes() -> None:
    """The stricter rules bind new input (parse_epcis); an event recorded before them, as a proof
    bundle carries it, is hashed as it was recorded."""
    recorded = event(**{"@context": [EPCIS_CONTEXT, {"cx": CUSTOMS_NAMESPACE}], "cx:note": "x"})
    assert event_hash(recorded, validate=False).ni.startswith("ni:///sha-256;")
    accepted, why = route_accepts(TRADE, recorded)
    assert not accepted
    assert "is written with the prefix 'sanzhi' only" in why
