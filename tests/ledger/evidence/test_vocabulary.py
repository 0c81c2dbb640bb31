from __future__ import annotations

import pytest

from ledger.errors import InvalidInput
from ledger.evidence import CUSTOMS_DECISIONS, EventType, Step, step_of
from ledger.evidence.schema import epcis_validator

# the codes on chain: these numbers never change
CODES = {
    "accepting": 1,
    "arriving": 2,
    "departing": 10,
    "inspecting": 17,
    "loading": 20,
    "receiving": 24,
    "shipping": 31,
    "unloading": 37,
    "sampling": 41,
    "advance-declaration-filed": 128,
    "pre-review-result": 256,
    "risk-lane": 257,
    "inspection-result": 258,
    "inspection-result-accepted": 259,
    "release": 260,
}


@pytest.mark.parametrize(("slug", "code"), CODES.items())
def test_step_codes_are_the_documented_ones(slug: str, code: int) -> None:
    assert int(next(step for step in Step if step.slug == slug)) == code


def test_event_type_codes() -> None:
    assert [(kind.epcis_name, int(kind)) for kind in EventType] == [
        ("ObjectEvent", 0),
        ("AggregationEvent", 1),
        ("TransactionEvent", 2),
        ("TransformationEvent", 3),
    ]


def test_cbv_steps_are_the_schemas_bizstep_list_in_its_order() -> None:
    schema = epcis_validator().schema
    words = schema["definitions"]["bizStep"]["anyOf"][1]["enum"]
    assert [step.slug for step in Step if step.is_cbv] == words
    assert [int(step) for step in Step if step.is_cbv] == list(range(1, len(words) + 1))


def test_party_steps_fit_in_a_byte_and_customs_decisions_start_at_256() -> None:
    assert all(step < 256 for step in Step if not step.is_customs_decision)
    assert {step.slug for step in CUSTOMS_DECISIONS} == {
        "pre-review-result",
        "risk-lane",
        "inspection-result",
        "inspection-result-accepted",
        "release",
    }
    assert not Step.ADVANCE_DECLARATION_FILED.is_customs_decision


@pytest.mark.parametrize(
    ("value", "step"),
    [
        ("shipping", Step.SHIPPING),
        ("retail_selling", Step.RETAIL_SELLING),
        ("https://ref.gs1.org/cbv/BizStep-arriving", Step.ARRIVING),
        ("https://sanzhi.example/customs/BizStep-risk-lane", Step.RISK_LANE),
        ("sanzhi:BizStep-release", Step.RELEASE),
        ("cx:BizStep-advance-declaration-filed", Step.ADVANCE_DECLARATION_FILED),
    ],
)
def test_business_steps_in_every_spelling(value: str, step: Step) -> None:
    prefixes = {"sanzhi": "https://sanzhi.example/customs/", "cx": "https://sanzhi.example/customs/"}
    assert step_of(value, prefixes) is step


@pytest.mark.parametrize(
    "value",
    [
        "shiping",
        "risk-lane",  # sanzhi's steps are IRIs, not bare words
        "https://ref.gs1.org/cbv/BizStep-risk-lane",
        "https://sanzhi.example/customs/BizStep-shipping",
        "sanzhi:BizStep-release",  # prefix not declared
        "urn:epcglobal:cbv:bizstep:shipping",  # EPCIS 1.x; the 2.0 schema refuses it too
    ],
)
def test_unknown_steps_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput, match="unknown business step"):
        step_of(value, {})


def test_uris() -> None:
    assert Step.SHIPPING.uri == "https://ref.gs1.org/cbv/BizStep-shipping"
    assert Step.INSPECTION_RESULT_ACCEPTED.uri == "https://sanzhi.example/customs/BizStep-inspection-result-accepted"
