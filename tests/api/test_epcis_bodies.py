"""The OpenAPI document states the EPCIS bodies of `POST /consignments/{ucr}/events` and
`.../decisions`: GS1's EPCIS 2.0 JSON Schema (the pinned file, in the components) and sanzhi's
rules (ledger.evidence.stated), each route's own. Its examples are valid by it; bodies the service
refuses are invalid by it; the route authenticates the caller before it reads the body."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from api.main import create_app
from ledger.evidence import stated
from ledger.evidence.schema import SCHEMA_ID, epcis_schema
from ledger.settings import LedgerSettings
from tests.support import Api, assert_problem

EVENTS, DECISIONS = "/consignments/{ucr}/events", "/consignments/{ucr}/decisions"
UCR = "6CN9144010012345678-SG-000902"


@cache
def document() -> dict[str, Any]:
    return create_app(LedgerSettings()).openapi()


def body_of(path: str) -> dict[str, Any]:
    body: dict[str, Any] = document()["paths"][path]["post"]["requestBody"]
    return body


@cache
def validator(path: str) -> Draft202012Validator:
    schema = body_of(path)["content"]["application/json"]["schema"]
    return Draft202012Validator(
        {**schema, "components": document()["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def example(path: str) -> dict[str, Any]:
    found: dict[str, Any] = body_of(path)["content"]["application/json"]["example"]
    return found


def test_each_route_states_its_body_by_reference() -> None:
    assert body_of(EVENTS)["required"] is True
    assert body_of(EVENTS)["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/EpcisTradeEvents"}
    assert body_of(DECISIONS)["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EpcisDecisions"
    }


def test_the_components_are_the_statement_derived_from_the_pinned_file() -> None:
    components = document()["components"]["schemas"]
    for name, schema in stated.components().items():
        assert components[name] == schema, name
    assert SCHEMA_ID in components[stated.EPCIS]["description"]
    # every definition of GS1's file is there, under its name
    assert {stated.definition_name(name) for name in epcis_schema()["definitions"]} <= set(components)


def test_each_routes_example_is_valid_by_its_statement_and_not_the_others() -> None:
    assert validator(EVENTS).is_valid(example(EVENTS))
    assert validator(DECISIONS).is_valid(example(DECISIONS))
    assert not validator(EVENTS).is_valid(example(DECISIONS))  # a customs decision is not appended
    assert not validator(DECISIONS).is_valid(example(EVENTS))  # a loading is no decision


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


BAD: list[tuple[str, Any]] = [
    ("not an object", []),
    ("a query document", {**example(EVENTS), "type": "EPCISQueryDocument"}),
    ("an association event", {**example(EVENTS), "type": "AssociationEvent"}),
    ("no business step", _without(example(EVENTS), "bizStep")),
    ("an unknown business step", {**example(EVENTS), "bizStep": "teleporting"}),
    ("a context fetched from elsewhere", {**example(EVENTS), "@context": ["https://x.example/c.jsonld"]}),
    ("a JSON-LD keyword in the context", {**example(EVENTS), "@context": [{"@vocab": "https://x.example/"}]}),
    ("a key written as a full IRI", {**example(EVENTS), "https://x.example/note": "x"}),
    ("a transaction without its type", {**example(EVENTS), "bizTransactionList": [{"bizTransaction": "urn:x:1"}]}),
    ("a time the hash reference cannot read", {**example(EVENTS), "eventTime": "2026-11-20T09:00:00.9999+00:00"}),
    ("an empty document", {**example(EVENTS), "type": "EPCISDocument", "epcisBody": {"eventList": []}}),
]


@pytest.mark.parametrize(("what", "body"), BAD, ids=[what for what, _ in BAD])
def test_bodies_the_service_refuses_are_invalid_by_the_document(what: str, body: Any) -> None:
    assert not validator(EVENTS).is_valid(body)


def test_a_decision_without_its_field_or_its_declaration_is_invalid_by_the_document() -> None:
    decision = example(DECISIONS)
    assert not validator(DECISIONS).is_valid(_without(decision, "sanzhi:riskLane"))
    assert not validator(DECISIONS).is_valid(_without(decision, "bizTransactionList"))
    undeclared = {**decision, "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]}
    assert not validator(DECISIONS).is_valid(undeclared)


def test_the_caller_is_authenticated_before_the_body_is_read(api: Api) -> None:
    refused = api.client.post(f"/consignments/{UCR}/events", json={"type": "Nothing"})
    assert refused.status_code == 401
    refused = api.client.post(f"/consignments/{UCR}/decisions", json={"type": "Nothing"})
    assert refused.status_code == 401


def test_the_routes_read_their_examples(api: Api) -> None:
    """Each example passes the parser: the route goes on to the chain (the consignment is not open)."""
    for path, role in ((EVENTS, "trader"), (DECISIONS, "oracle")):
        answer = api.client.post(path.format(ucr=UCR), json=example(path), headers=api.headers("CN", role))
        assert_problem(answer, 422, "invalid-input", "is not open")
