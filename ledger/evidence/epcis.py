"""EPCIS 2.0 JSON(-LD) in and out: an EPCISDocument (`epcisBody.eventList`) or a single event.

Every event is checked against GS1's EPCIS 2.0 JSON Schema (ledger.evidence.schema) and then
against what the ledger records: one of the four event types, a business step it knows (CBV
2.0 or sanzhi's customs steps, ledger.evidence.vocabulary), sanzhi's extension fields where
they belong (ledger.evidence.customs), and declared prefixes. An invalid input is refused with
every problem and its JSON path, in one InvalidDocument.

An event's hash is computed as it is parsed, and it must be the hash GS1's reference computes
from the input as submitted (ledger.evidence.event_hash): in a document, an event with its own
`@context`, or one whose hash in the document differs from its hash on its own, is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ledger.errors import InvalidDocument, InvalidInput
from ledger.evidence.contexts import (
    EVENT_CONTEXT_REFUSED,
    check_new_context,
    prefixes_of,
    resolve_contexts,
    undeclared_prefixes,
)
from ledger.evidence.customs import customs_problems
from ledger.evidence.event_hash import EventHash, difference, document_pre_hashes, event_hash, pre_hash
from ledger.evidence.schema import schema_problems
from ledger.evidence.vocabulary import (
    CUSTOMS_NAMESPACE,
    CUSTOMS_PREFIX,
    EPCIS_CONTEXT,
    EventType,
    Step,
    event_type_of,
    step_of,
)
from ledger.jsonfiles import loads_strict

MAX_EPCIS_BYTES = 16 * 1024 * 1024
SANZHI_CONTEXT: list[Any] = [EPCIS_CONTEXT, {CUSTOMS_PREFIX: CUSTOMS_NAMESPACE}]
# bizTransaction types: CBV's invoice and certificate, sanzhi's customs declaration
BTT_INVOICE = "inv"
BTT_CERTIFICATE = "cert"
BTT_DECLARATION = f"{CUSTOMS_PREFIX}:BTT-customs-declaration"
# why an event of a document hashes otherwise there: the document names the EPCIS 2.0 context
# (DOCUMENT_CONTEXT_REFUSED), so it is a word another event of the document uses as a CBV value
BARE_WORD_HINT = (
    "a bare word naming a CBV value used elsewhere in the document is read as that value there; "
    "write the value as its full IRI, or give the event in a document of its own"
)
UNTYPED_TRANSACTION_REFUSED = (
    "a business transaction names its type (inv, cert, sanzhi:BTT-customs-declaration ...): GS1's event hash "
    "reference 1.9.3 cannot hash one without"
)
# the times GS1's event hash reference reads as times (the others it leaves as written)
HASHED_TIMES = ("eventTime",)
HASHED_SENSOR_METADATA_TIMES = ("time", "startTime", "endTime")
HASHED_SENSOR_REPORT_TIMES = ("time",)
# a time the reference cannot hash: in UTC it may leave the calendar (its first and last day), or
# its fraction rounds up to the next second (milliseconds from .9995)
_EDGE_DAYS = "0001-01-01|9999-12-31"
_ROUNDS_UP = r"\.999[5-9]"
UNHASHABLE_TIME_PATTERN = rf"^(?:{_EDGE_DAYS})|{_ROUNDS_UP}"
HASHABLE_TIME_PATTERN = rf"^(?!{_EDGE_DAYS})(?![\s\S]*{_ROUNDS_UP})"
"""The same as not UNHASHABLE_TIME_PATTERN, written as one pattern to match."""
UNHASHABLE_TIME_REFUSED = (
    "GS1's event hash reference cannot hash this time: not on the first or last day of the calendar "
    "(0001-01-01, 9999-12-31), nor with a fraction of a second of .9995 or more"
)
DOCUMENT_CONTEXT_REFUSED = (
    "a document's @context names the EPCIS 2.0 context (its URL, alone or in a list): without it GS1's event "
    "hash reference reads the document's events otherwise than each on its own"
)


class EpcisEvent(BaseModel):
    """One valid event: its JSON (`data`, without `@context`), the contexts that apply to it,
    and what the chain records of it."""

    model_config = ConfigDict(frozen=True)

    data: dict[str, Any]
    context: list[Any]
    event_type: EventType
    step: Step
    _hash: EventHash | None = PrivateAttr(default=None)  # computed once, by parse_epcis

    @property
    def hash(self) -> EventHash:
        """The CBV 2.0 event hash (GS1's reference implementation)."""
        if self._hash is None:
            self._hash = event_hash(self.data, context=self.context)
        return self._hash

    def to_json(self) -> dict[str, Any]:
        """The event as a standalone EPCIS 2.0 JSON-LD event (with its `@context`)."""
        return {"@context": self.context, **self.data}


def parse_epcis(data: Mapping[str, Any] | str | bytes, *, source: str = "EPCIS input") -> list[EpcisEvent]:
    """The events of an EPCISDocument, or the one event, in `data` (a mapping or JSON text,
    read strictly; `source` names it in JSON errors). Raises InvalidDocument with every problem."""
    if isinstance(data, str | bytes):
        data = loads_strict(data, source=source, max_bytes=MAX_EPCIS_BYTES)
    if not isinstance(data, Mapping):
        raise InvalidInput("an EPCIS document or event is a JSON object", path="$")
    if data.get("type") == "EPCISQueryDocument":
        reason = "an EPCISQueryDocument is not accepted (GS1's event hash reference 1.9.3 cannot read one): "
        raise InvalidDocument([("$.type", reason + "give its events in an EPCISDocument")])
    problems = schema_problems(data)
    in_document = data.get("type") == "EPCISDocument"
    contexts: list[Any] | None = None  # the document's (an event alone has its own)
    located: list[tuple[str, Any]] = [("$", data)]
    if in_document:
        body = data.get("epcisBody")
        raw_events = body.get("eventList") if isinstance(body, Mapping) else None
        located = [(f"$.epcisBody.eventList[{i}]", e) for i, e in enumerate(raw_events or [])]
        try:
            contexts = resolve_contexts(data.get("@context"), None)
            check_new_context(data.get("@context"))
        except InvalidInput as exc:
            problems.extend(_located(exc, "$"))
            located = []
        else:
            given = data.get("@context")
            if not any(isinstance(entry, str) for entry in (given if isinstance(given, list) else [given])):
                problems.append(("$.@context", DOCUMENT_CONTEXT_REFUSED))
    events: list[tuple[str, EpcisEvent]] = []
    for path, raw in located:
        if not isinstance(raw, Mapping):
            continue  # the schema reported it
        try:
            event = _event(raw, contexts, path)
        except InvalidInput as exc:
            problems.extend(_located(exc, path))
        else:
            events.append((path, event))
    if not problems:
        problems.extend(_hash_problems(data if in_document else None, events))
    if problems:
        raise InvalidDocument(sorted(dict.fromkeys(problems), key=lambda problem: problem[0]))
    return [event for _, event in events]


def _hash_problems(document: Mapping[str, Any] | None, events: list[tuple[str, EpcisEvent]]) -> list[tuple[str, str]]:
    """Hash every event on its own (what is recorded, and what anyone holding the event gets);
    for a document, check each against the reference's hash of it in the document as submitted."""
    problems: list[tuple[str, str]] = []
    try:
        submitted = document_pre_hashes(document) if document is not None else None
    except InvalidInput as exc:
        return _located(exc, "$")
    for index, (path, event) in enumerate(events):
        try:
            alone = pre_hash(event.data, context=event.context, validate=False)
        except InvalidInput as exc:
            problems.extend(_located(exc, path))
            continue
        theirs = submitted[index] if submitted is not None else alone
        if isinstance(theirs, InvalidInput):
            problems.extend(_located(theirs, path))
        elif theirs != alone:
            problems.append(
                (
                    path,
                    "GS1's event hash reference hashes this event differently in this document than on its own "
                    f"({difference(alone, theirs)}), so its id would depend on the rest of the document: "
                    + BARE_WORD_HINT,
                )
            )
        else:
            event._hash = EventHash.of_pre_hash(alone)
    return problems


def _located(error: InvalidInput, path: str) -> list[tuple[str, str]]:
    """An error's problems, with paths from the root of the input (`path`: the event's)."""
    if isinstance(error, InvalidDocument):
        return error.problems
    where = error.path or path
    return [(where if where.startswith("$") else f"{path}.{where}", error.reason)]


def _event(raw: Mapping[str, Any], document_contexts: list[Any] | None, path: str) -> EpcisEvent:
    """One event, checked: `document_contexts` are its document's, None for an event alone."""
    problems: list[tuple[str, str]] = []
    if document_contexts is None:
        contexts = resolve_contexts(None, raw.get("@context"))
        check_new_context(raw.get("@context"))
    else:
        contexts = document_contexts
        if "@context" in raw:
            problems.append((f"{path}.@context", EVENT_CONTEXT_REFUSED))
    prefixes = prefixes_of(contexts)
    data = {key: value for key, value in raw.items() if key != "@context"}
    problems.extend((path + where[1:], reason) for where, reason in undeclared_prefixes(data, prefixes))
    try:
        event_type, step = classify(data, prefixes, path=path)
    except InvalidInput as exc:
        raise InvalidDocument([*problems, *_located(exc, path)]) from None
    problems.extend((path + where, reason) for where, reason in customs_problems(step, data, prefixes))
    if step is Step.ADVANCE_DECLARATION_FILED and not data.get("bizTransactionList"):
        problems.append((f"{path}.bizTransactionList", "an advance declaration names its declaration here"))
    problems.extend((f"{path}{where}", UNHASHABLE_TIME_REFUSED) for where in _unhashable_times(data))
    transactions = data.get("bizTransactionList")
    for index, item in enumerate(transactions if isinstance(transactions, list) else []):
        if isinstance(item, Mapping) and "type" not in item:
            problems.append((f"{path}.bizTransactionList[{index}].type", UNTYPED_TRANSACTION_REFUSED))
    if problems:
        raise InvalidDocument(problems)
    return EpcisEvent(data=data, context=contexts, event_type=event_type, step=step)


def _unhashable_times(data: Mapping[str, Any]) -> list[str]:
    """Where the event has a time the reference cannot hash (paths below the event)."""
    found = [(f".{key}", data.get(key)) for key in HASHED_TIMES]
    sensors = data.get("sensorElementList")
    for i, sensor in enumerate(sensors if isinstance(sensors, list) else []):
        if not isinstance(sensor, Mapping):
            continue
        metadata = sensor.get("sensorMetadata")
        if isinstance(metadata, Mapping):
            found.extend(
                (f".sensorElementList[{i}].sensorMetadata.{key}", metadata.get(key))
                for key in HASHED_SENSOR_METADATA_TIMES
            )
        reports = sensor.get("sensorReport")
        for j, report in enumerate(reports if isinstance(reports, list) else []):
            if isinstance(report, Mapping):
                found.extend(
                    (f".sensorElementList[{i}].sensorReport[{j}].{key}", report.get(key))
                    for key in HASHED_SENSOR_REPORT_TIMES
                )
    return [where for where, value in found if isinstance(value, str) and _UNHASHABLE_TIME.search(value)]


_UNHASHABLE_TIME = re.compile(UNHASHABLE_TIME_PATTERN)


def classify(
    event: Mapping[str, Any] | EpcisEvent, prefixes: Mapping[str, str] | None = None, *, path: str = "$"
) -> tuple[int, Step]:
    """(event type code, business step) of an event: what the chain records of it."""
    if isinstance(event, EpcisEvent):
        return int(event.event_type), event.step
    if prefixes is None:
        prefixes = prefixes_of(resolve_contexts(None, event.get("@context")))
    kind = event.get("type")
    biz_step = event.get("bizStep")
    if not isinstance(kind, str):
        raise InvalidInput("an event has a type", path=f"{path}.type")
    if not isinstance(biz_step, str):
        raise InvalidInput("the ledger records events with a bizStep", path=f"{path}.bizStep")
    try:
        # a step is written as its word or its URI (CBV), or its URI or `sanzhi:BizStep-<word>`
        # (sanzhi): no other prefix is read (ledger.evidence.stated states these spellings)
        return int(event_type_of(kind)), step_of(
            biz_step, {CUSTOMS_PREFIX: prefixes[CUSTOMS_PREFIX]} if CUSTOMS_PREFIX in prefixes else {}
        )
    except InvalidInput as exc:
        raise InvalidInput(exc.reason, path=f"{path}.{exc.path}") from None


def new_event(
    event_type: EventType,
    step: Step,
    event_time: dt.datetime,
    *,
    action: str | None = None,
    epcs: Iterable[str] = (),
    parent_id: str | None = None,
    child_epcs: Iterable[str] = (),
    input_epcs: Iterable[str] = (),
    output_epcs: Iterable[str] = (),
    quantities: Iterable[tuple[str, float, str | None]] = (),
    biz_transactions: Iterable[tuple[str, str]] = (),
    read_point: str | None = None,
    biz_location: str | None = None,
    extensions: Mapping[str, Any] | None = None,
    error_declaration: Mapping[str, Any] | None = None,
) -> EpcisEvent:
    """Build and validate an event. `event_time` must be aware; its offset is the event's
    `eventTimeZoneOffset`. `action` defaults to OBSERVE (ADD for an aggregation). Quantities are
    (epcClass, quantity, uom or None); business transactions (type, id), e.g.
    (BTT_DECLARATION, "urn:...") or ("inv", "urn:..."). `extensions` are sanzhi fields by local
    name (`riskLane`, `supervisionMedia` ...) or any other full-IRI or `sanzhi:` keys."""
    if event_time.utcoffset() is None:
        raise InvalidInput("the event time needs a UTC offset", path="eventTime")
    data: dict[str, Any] = {
        "type": event_type.epcis_name,
        "eventTime": event_time.isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": _offset(event_time),
    }
    quantity_key = "quantityList"
    if event_type is EventType.AGGREGATION:
        data["action"] = action or "ADD"
        _put(data, "parentID", parent_id)
        _put(data, "childEPCs", list(child_epcs))
        quantity_key = "childQuantityList"
    elif event_type is EventType.TRANSFORMATION:
        _put(data, "inputEPCList", list(input_epcs))
        _put(data, "outputEPCList", list(output_epcs))
        quantity_key = "outputQuantityList"
    else:
        data["action"] = action or "OBSERVE"
        _put(data, "parentID", parent_id)
        data["epcList"] = list(epcs)
    _put(
        data,
        quantity_key,
        [
            {"epcClass": epc_class, "quantity": amount, **({"uom": uom} if uom else {})}
            for epc_class, amount, uom in quantities
        ],
    )
    data["bizStep"] = step.slug if step.is_cbv else f"{CUSTOMS_PREFIX}:BizStep-{step.slug}"
    if read_point:
        data["readPoint"] = {"id": read_point}
    if biz_location:
        data["bizLocation"] = {"id": biz_location}
    _put(data, "bizTransactionList", [{"type": kind, "bizTransaction": ref} for kind, ref in biz_transactions])
    for key, value in (extensions or {}).items():
        data[key if ":" in key else f"{CUSTOMS_PREFIX}:{key}"] = value
    if error_declaration is not None:
        data["errorDeclaration"] = dict(error_declaration)
    return parse_epcis({"@context": SANZHI_CONTEXT, **data})[0]


def epcis_document(events: Sequence[EpcisEvent], *, created: dt.datetime) -> dict[str, Any]:
    """An EPCISDocument of `events` (validated); its context is the union of theirs."""
    if created.utcoffset() is None:
        raise InvalidInput("the creation date needs a UTC offset", path="creationDate")
    context: list[Any] = []
    for event in events:
        for entry in event.context:
            if entry not in context:
                context.append(entry)
    document = {
        "@context": context or [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": [event.data for event in events]},
    }
    parse_epcis(document)
    return document


def _offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value:
        data[key] = value
