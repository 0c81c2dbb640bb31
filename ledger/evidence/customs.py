"""sanzhi's customs extension fields on EPCIS events (namespace `https://sanzhi.example/customs/`).

An extension field is a top-level event key naming an IRI in the namespace, written compactly
with a prefix the event's context maps to it (`"sanzhi:riskLane"`) or in full. Which field goes
with which step, and what it holds, is documented in docs/formats.md#evidence-events.

Hashes are `0x` and 64 lowercase hex digits; content ids are IPFS CIDs (v0 `Qm...` or v1 base32
`b...`). Neither may be a plain number: the event hash reference reads digit-only values as
numbers (see ledger.evidence.event_hash).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from ledger.alerts.models import Severity
from ledger.evidence.vocabulary import CUSTOMS_NAMESPACE, CUSTOMS_PREFIX, SUPERVISED_STEPS, Step, expand_iri

Hash = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-f]{64}$")]
Cid = Annotated[str, StringConstraints(pattern=r"^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{58,})$")]
EventHashText = Annotated[str, StringConstraints(pattern=r"^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$")]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Member = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,31}$")]
MAX_RELIED_ALERTS = 200  # alerts one riskLane names at most


def _whole(value: Any) -> Any:
    """A JSON integer as JSON Schema reads one: `3` or `3.0`, never `"3"` or `true`."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _date_time(value: str) -> str:
    """A time as the EPCIS schema's `date-time` reads one (RFC 3339, with its offset)."""
    if not Draft202012Validator.FORMAT_CHECKER.conforms(value, "date-time"):
        raise ValueError("not an RFC 3339 date-time with its offset (2026-03-04T10:59:00+08:00)")
    return value


# what the statement of these fields (ledger.evidence.stated) says, the same both ways: a whole
# number, and a time checked as the EPCIS schema checks one (pydantic's datetime would also take
# `2026-03-04 10:59Z` or a number of seconds)
AlertId = Annotated[int, Field(ge=1, le=2**64 - 1, strict=True), BeforeValidator(_whole)]
DateTime = Annotated[str, AfterValidator(_date_time), WithJsonSchema({"type": "string", "format": "date-time"})]


class _Field(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PreReview(_Field):
    """`preReview` on a pre-review-result event: customs' review of an advance declaration."""

    outcome: Literal["cleared", "query", "rejected"]
    reasons: list[Reason] = Field(default_factory=list)


class ReliedAlert(_Field):
    """One element of `riskLane.alerts`: a partner's joint risk alert the lane relied on."""

    id: AlertId
    member: Member
    severity: Severity


class RiskLane(_Field):
    """`riskLane` on a risk-lane event: the lane, the hash of the rule set that chose it, why,
    and the partners' alerts in force at the decision time that it relied on."""

    lane: Literal["green", "yellow", "red"]
    ruleSetHash: Hash  # noqa: N815 (the JSON field name)
    reasons: list[Reason] = Field(default_factory=list)
    alerts: list[ReliedAlert] = Field(default_factory=list, max_length=MAX_RELIED_ALERTS)


class Inspection(_Field):
    """`inspection` on an inspection-result event: the report (hash and CID) and the outcome."""

    kind: Literal["lab", "physical"]
    reportHash: Hash  # noqa: N815
    reportCid: Cid  # noqa: N815
    outcome: Literal["pass", "fail", "inconclusive"]


class AcceptedResult(_Field):
    """`acceptedResult` on an inspection-result-accepted event: the importing administration
    accepts the exporting side's inspection-result event, named by its event hash."""

    eventHash: EventHashText  # noqa: N815
    administration: Member


class SupervisionMedia(_Field):
    """One element of `supervisionMedia` on a loading or unloading event (remote supervision)."""

    kind: Literal["photo", "video"]
    sha256: Hash
    cid: Cid
    deviceId: Annotated[str, StringConstraints(min_length=1, max_length=256)]  # noqa: N815
    capturedAt: DateTime  # noqa: N815


# extension field (local name) -> (its model, the steps it goes with, required there)
FIELDS: dict[str, tuple[type[_Field], frozenset[Step], bool]] = {
    "preReview": (PreReview, frozenset({Step.PRE_REVIEW_RESULT}), True),
    "riskLane": (RiskLane, frozenset({Step.RISK_LANE}), True),
    "inspection": (Inspection, frozenset({Step.INSPECTION_RESULT}), True),
    "acceptedResult": (AcceptedResult, frozenset({Step.INSPECTION_RESULT_ACCEPTED}), True),
    "supervisionMedia": (SupervisionMedia, SUPERVISED_STEPS, False),
}
LIST_FIELDS = frozenset({"supervisionMedia"})


def customs_problems(step: Step, event: Mapping[str, Any], prefixes: dict[str, str]) -> list[tuple[str, str]]:
    """(path below the event, reason) for each customs extension field that is missing, misplaced
    or malformed; paths read `["sanzhi:riskLane"].lane`."""
    present: dict[str, tuple[str, Any]] = {}
    problems: list[tuple[str, str]] = []
    for key, value in event.items():
        iri = expand_iri(key, prefixes)
        if iri.startswith(CUSTOMS_NAMESPACE):
            name = iri[len(CUSTOMS_NAMESPACE) :]
            if name not in FIELDS:
                problems.append((_member(key), f"unknown sanzhi field (known: {', '.join(FIELDS)})"))
            else:
                present[name] = (key, value)
    for name, (model, steps, required) in FIELDS.items():
        if name not in present:
            if required and step in steps:
                problems.append((_member(f"{CUSTOMS_PREFIX}:{name}"), f"every {step.slug} event needs it"))
            continue
        key, value = present[name]
        if step not in steps:
            where = " or ".join(sorted(s.slug for s in steps))
            problems.append((_member(key), f"belongs on {where} events, not {step.slug}"))
            continue
        problems.extend(_model_problems(model, _member(key), value, many=name in LIST_FIELDS))
    return problems


def _model_problems(model: type[_Field], key: str, value: Any, *, many: bool) -> list[tuple[str, str]]:
    items: list[tuple[str, Any]]
    if many:
        if not isinstance(value, list) or not value:
            return [(key, "a non-empty list")]
        items = [(f"{key}[{index}]", item) for index, item in enumerate(value)]
    else:
        items = [(key, value)]
    problems = []
    for path, item in items:
        try:
            model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
                problems.append((path + where, error["msg"]))
    return problems


def _member(key: str) -> str:
    return f"[{json.dumps(key, ensure_ascii=False)}]"


def accepted_result(event: Mapping[str, Any], prefixes: dict[str, str]) -> AcceptedResult | None:
    """The `acceptedResult` of an inspection-result-accepted event (already validated), if any."""
    for key, value in event.items():
        if expand_iri(key, prefixes) == CUSTOMS_NAMESPACE + "acceptedResult":
            return AcceptedResult.model_validate(value)
    return None
