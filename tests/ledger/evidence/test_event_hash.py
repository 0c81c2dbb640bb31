from __future__ import annotations

import copy
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import InvalidDocument, InvalidInput
from ledger.evidence import EventHash, event_hash, parse_epcis, pre_hash
from tests.support import epcis_example_event

EPCIS = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
CONTEXT = [EPCIS, {"sanzhi": "https://sanzhi.example/customs/"}]


# Written by hand from the CBV 2.0 algorithm (the reference's README, steps 1-24): times in UTC
# at millisecond precision, bare words as CBV URIs, SGLNs as GS1 Digital Link, fixed field order.
RECEIVING_PRE_HASH = (
    "eventType=ObjectEvent"
    "eventTime=2021-04-05T02:33:31.116Z"
    "eventTimeZoneOffset=-06:00"
    "epcListepc=https://id.gs1.org/01/70614141123451/21/2018"
    "action=OBSERVE"
    "bizStep=https://ref.gs1.org/cbv/BizStep-receiving"
    "disposition=https://ref.gs1.org/cbv/Disp-in_progress"
    "readPointid=https://id.gs1.org/414/0012345111112/254/400"
    "bizLocationid=https://id.gs1.org/414/0012345111112"
    "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678"
)


def test_the_pre_hash_follows_the_published_algorithm() -> None:
    assert pre_hash(epcis_example_event()) == RECEIVING_PRE_HASH
    expected = hashlib.sha256(RECEIVING_PRE_HASH.encode()).hexdigest()
    found = event_hash(epcis_example_event())
    assert found.ni == f"ni:///sha-256;{expected}?ver=CBV2.0"
    assert found.digest == bytes.fromhex(expected)
    assert found.hex == "0x" + expected


def test_the_wrapper_agrees_with_the_reference_command_line_path(tmp_path: Path) -> None:
    from epcis_event_hash_generator.__main__ import epcis_hash_from_file

    event = epcis_example_event()
    event["sanzhi:note"] = "Zürich 上海"
    path = tmp_path / "doc.jsonld"
    doc = {"@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": [event]}}  # fmt: skip
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    hashes, _ = epcis_hash_from_file(str(path), "sha256")
    assert hashes == [event_hash(event, context=CONTEXT).ni]


def test_key_order_and_whitespace_do_not_count() -> None:
    event = epcis_example_event()
    shuffled = json.loads(json.dumps(dict(reversed(list(event.items())))))
    spaced = parse_epcis(json.dumps({"@context": EPCIS, **event}, indent=7))[0].data
    assert event_hash(shuffled) == event_hash(event) == event_hash(spaced)


def test_list_order_does_not_count() -> None:
    event = epcis_example_event()
    event["epcList"] = ["https://id.gs1.org/01/70614141123451/21/2018", "https://id.gs1.org/01/70614141123451/21/2019"]
    swapped = copy.deepcopy(event)
    swapped["epcList"].reverse()
    assert event_hash(event) == event_hash(swapped)


def test_record_time_event_id_and_the_compact_form_of_iris_do_not_count() -> None:
    event = epcis_example_event()
    other = copy.deepcopy(event)
    other["recordTime"] = "2030-01-01T00:00:00Z"
    other["eventID"] = "urn:uuid:6f1c44e8-2e4f-4d5b-9a55-2d5bd1d1b0f1"
    other["bizStep"] = "https://ref.gs1.org/cbv/BizStep-receiving"
    other["eventTime"] = "2021-04-05T02:33:31.116Z"  # the same instant
    assert event_hash(other) == event_hash(event)
    prefixed = {**event, "sanzhi:note": "x"}
    spelled = {**event, "cx:note": "x"}
    assert event_hash(prefixed, context=CONTEXT) == event_hash(
        spelled, context=[EPCIS, {"cx": "https://sanzhi.example/customs/"}]
    )


def test_extension_keys_written_as_full_iris_are_refused() -> None:
    """The reference hashes `https://ns/name` as written, not as `{https://ns/}name`, so the
    same field would have two hashes; a declared prefix is required."""
    with pytest.raises(InvalidDocument, match="write this key with a prefix"):
        event_hash({**epcis_example_event(), "https://sanzhi.example/customs/note": "x"})


def test_an_error_declaration_names_the_event_it_corrects() -> None:
    """CBV 2.0: errorDeclaration is left out of the pre-hash, so the declaring event has the hash
    of the event declared in error."""
    original = epcis_example_event()
    declared = copy.deepcopy(original)
    declared["errorDeclaration"] = {
        "declarationTime": "2021-05-01T00:00:00Z",
        "reason": "incorrect_data",
        "correctiveEventIDs": ["ni:///sha-256;" + "11" * 32 + "?ver=CBV2.0"],
    }
    assert event_hash(declared) == event_hash(original)


def test_the_event_level_context_is_not_hashed_as_a_field() -> None:
    event = {**epcis_example_event(), "sanzhi:note": "x"}
    assert event_hash({"@context": CONTEXT, **event}) == event_hash(event, context=CONTEXT)


def test_non_ascii_text_is_hashed_as_utf8_without_normalisation() -> None:
    composed = {**epcis_example_event(), "sanzhi:note": unicodedata.normalize("NFC", "Zürich 上海 ✓")}
    decomposed = {**epcis_example_event(), "sanzhi:note": unicodedata.normalize("NFD", "Zürich 上海 ✓")}
    text = pre_hash(composed, context=CONTEXT)
    assert text.endswith("{https://sanzhi.example/customs/}note=Zürich 上海 ✓")
    assert event_hash(composed, context=CONTEXT).digest == hashlib.sha256(text.encode("utf-8")).digest()
    assert event_hash(composed, context=CONTEXT) != event_hash(decomposed, context=CONTEXT)


def test_what_the_reference_reads_as_the_same_value() -> None:
    """Edge cases of the reference (documented in docs/formats.md): digit strings are numbers
    (long ones lose precision), values are stripped, true is True and null is None."""
    base = epcis_example_event()

    def with_note(value: Any) -> EventHash:
        return event_hash({**base, "sanzhi:note": value}, context=CONTEXT)

    assert with_note("12345678901234567890") == with_note("12345678901234567891")
    assert with_note("0012") == with_note("12") == with_note(12) == with_note("12.0")
    assert with_note(" x ") == with_note("x")
    assert with_note(True) == with_note("True")
    assert with_note(None) == with_note("None")
    assert with_note("1234567890123456") != with_note("1234567890123457")  # below 2**53: exact


@pytest.mark.parametrize(
    ("field", "value"),
    [("eventTime", "2021-04-04T20:33:31.9996-06:00"), ("sanzhi:note", "inf"), ("sanzhi:note", "-Infinity")],
)
def test_events_the_reference_cannot_hash_are_refused(field: str, value: str) -> None:
    with pytest.raises(InvalidInput, match="reference cannot hash this event"):
        event_hash({**epcis_example_event(), field: value}, context=CONTEXT)


def test_invalid_events_are_refused_with_every_problem() -> None:
    event = {**epcis_example_event(), "eventTime": "2021-04-04T20:33:31", "action": "LOOK", "acme:x": 1}
    with pytest.raises(InvalidDocument) as caught:
        event_hash(event)
    paths = {path for path, _ in caught.value.problems}
    assert {"$.eventTime", "$.action", '$["acme:x"]'} <= paths


def test_unknown_contexts_are_refused_not_fetched() -> None:
    with pytest.raises(InvalidInput, match=r"not the EPCIS 2\.0 context"):
        event_hash(epcis_example_event(), context=[EPCIS, "https://example.org/ctx.jsonld"])
    with pytest.raises(InvalidInput, match="must map prefixes to IRIs"):
        event_hash(epcis_example_event(), context=[EPCIS, {"sanzhi": {"@id": "https://sanzhi.example/customs/"}}])


def test_prefixes_of_an_earlier_document_do_not_leak_into_a_later_one() -> None:
    event_hash({**epcis_example_event(), "zz:note": "x"}, context=[EPCIS, {"zz": "https://sanzhi.example/customs/"}])
    with pytest.raises(InvalidDocument, match="prefix 'zz' is not declared"):
        event_hash({**epcis_example_event(), "zz:note": "x"})


def test_event_hash_text_round_trips() -> None:
    found = event_hash(epcis_example_event())
    assert EventHash.from_ni(found.ni) == found
    for bad in ("ni:///sha-256;abc?ver=CBV2.0", found.ni.upper(), found.ni.replace("CBV2.0", "CBV1.2")):
        with pytest.raises(InvalidInput):
            EventHash.from_ni(bad)


# --------------------------------------------------------------- every hashed field counts

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜßé中文字ABC-_", min_size=1, max_size=12).map(lambda s: "v" + s)
FIELDS = [
    "eventTime",
    "eventTimeZoneOffset",
    "epc",
    "action",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
    "bizTransaction",
    "bizTransactionType",
    "extension",
    "nestedExtension",
]


def changed(event: dict[str, Any], field: str, value: str, number: int) -> dict[str, Any]:
    event = copy.deepcopy(event)
    if field == "eventTime":
        event["eventTime"] = f"2021-04-04T20:33:{31 + number % 28:02d}.{number % 1000:03d}-06:00"
        if event["eventTime"] == epcis_example_event()["eventTime"]:
            event["eventTime"] = "2021-04-04T20:33:31.117-06:00"
    elif field == "eventTimeZoneOffset":
        event["eventTimeZoneOffset"] = "+05:30"
    elif field == "epc":
        event["epcList"] = [f"https://id.gs1.org/01/70614141123451/21/2018{quote(value)}"]
    elif field == "action":
        event["action"] = "ADD" if number % 2 else "DELETE"
    elif field == "bizStep":
        event["bizStep"] = ["shipping", "loading", "arriving", "inspecting"][number % 4]
    elif field == "disposition":
        event["disposition"] = "in_transit"
    elif field == "readPoint":
        event["readPoint"] = {"id": f"https://sanzhi.example/loc/{quote(value)}"}
    elif field == "bizLocation":
        event["bizLocation"] = {"id": f"https://sanzhi.example/loc/{quote(value)}"}
    elif field == "bizTransaction":
        event["bizTransactionList"][0]["bizTransaction"] = f"http://transaction.acme.com/po/{quote(value)}"
    elif field == "bizTransactionType":
        event["bizTransactionList"][0]["type"] = "inv"
    elif field == "extension":
        event["sanzhi:note"] = value
    else:
        event["sanzhi:media"] = {"kind": value, "sha256": "0x" + "ab" * 32}
    return event


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(FIELDS), value=WORD, number=st.integers(min_value=0, max_value=10**6))
def test_any_change_to_a_hashed_field_changes_the_hash(field: str, value: str, number: int) -> None:
    base = {
        **epcis_example_event(),
        "sanzhi:note": "original",
        "sanzhi:media": {"kind": "photo", "sha256": "0x" + "ab" * 32},
    }
    other = changed(base, field, value, number)
    assert other != base
    assert event_hash(other, context=CONTEXT) != event_hash(base, context=CONTEXT)
