"""The id recorded is the one GS1's reference computes from the document as submitted, or the
event is refused in one line; the reference's log output never reaches the user."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import ledger
from ledger.errors import InvalidDocument, InvalidInput
from ledger.evidence import event_hash, parse_epcis
from tests.support import epcis_example_event

EPCIS = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
EX = {"ex": "https://example.org/ns/"}


def document(*events: dict[str, Any], context: Any = None) -> dict[str, Any]:
    return {
        "@context": [EPCIS, EX] if context is None else context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def reference_cli_hashes(doc: dict[str, Any], tmp_path: Path) -> list[str]:
    """The reference's command line path on the document written to a file."""
    from epcis_event_hash_generator.__main__ import epcis_hash_from_file
    from epcis_event_hash_generator.json_to_py import _namespaces

    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _namespaces.clear()
    hashes, _ = epcis_hash_from_file(str(path), "sha256")
    return [str(found) for found in hashes]


def refusal(doc: Any) -> InvalidDocument:
    with pytest.raises(InvalidDocument) as caught:
        parse_epcis(json.dumps(doc))
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_document_of_several_events_gets_the_reference_s_hashes(tmp_path: Path) -> None:
    second = {**epcis_example_event(), "bizStep": "shipping", "disposition": "in_transit", "ex:note": "Zürich 上海"}
    doc = document(epcis_example_event(), second)
    events = parse_epcis(json.dumps(doc, ensure_ascii=False))
    assert [event.hash.ni for event in events] == reference_cli_hashes(doc, tmp_path)
    # recorded hashes are the events' own: what anyone holding just the event computes
    assert events[1].hash == event_hash(second, context=[EPCIS, EX])
    assert events[1].hash == event_hash(events[1].to_json())


def test_an_event_level_context_is_refused(tmp_path: Path) -> None:
    event = {"@context": [EPCIS, EX], **epcis_example_event(), "ex:note": "x"}
    doc = document(event)
    # the reference hashes the event's @context as if it were a field: another id than the event's
    assert reference_cli_hashes(doc, tmp_path) != [event_hash(event).ni]
    problems = refusal(doc).problems
    assert problems == [
        (
            "$.epcisBody.eventList[0].@context",
            "an event-level @context is not supported: GS1's event hash reference hashes it as a field of the "
            "event; move the context to the document",
        )
    ]
    # even when it repeats the document's
    assert refusal(document({"@context": [EPCIS, EX], **epcis_example_event()})).problems[0][0].endswith(".@context")
    with pytest.raises(InvalidInput, match="event-level @context is not supported"):
        event_hash(event, context=[EPCIS, EX])
    # an event given alone carries the context of its own document: accepted, as before
    assert parse_epcis(json.dumps(event))[0].hash == event_hash(event)


def test_an_event_whose_hash_depends_on_the_rest_of_the_document_is_refused(tmp_path: Path) -> None:
    """The reference turns a bare word into the CBV IRI it finds anywhere in the document: here
    `receiving` in the second event reads as the first event's bizStep."""
    second = {**epcis_example_event(), "bizStep": "shipping", "ex:note": "receiving"}
    doc = document(epcis_example_event(), second)
    cli = reference_cli_hashes(doc, tmp_path)
    assert cli[0] == event_hash(epcis_example_event()).ni
    assert cli[1] != event_hash(second, context=[EPCIS, EX]).ni
    ((path, reason),) = refusal(doc).problems
    assert path == "$.epcisBody.eventList[1]"
    assert reason.startswith("GS1's event hash reference hashes this event differently in this document")
    assert "('...{https://example.org/ns/}note=https://ref.gs1.org/cbv/BizStep-receiving' in the document, " in reason
    assert "'...{https://example.org/ns/}note=receiving' alone)" in reason
    assert reason.endswith("write the value as its full IRI, or give the event in a document of its own")
    # written as the IRI, it is the same everywhere
    fixed = {**second, "ex:note": "https://ref.gs1.org/cbv/BizStep-receiving"}
    assert [e.hash.ni for e in parse_epcis(json.dumps(document(epcis_example_event(), fixed)))] == reference_cli_hashes(
        document(epcis_example_event(), fixed), tmp_path
    )


def test_a_document_context_without_the_epcis_context_is_refused(tmp_path: Path) -> None:
    """The reference does not expand bare words without the EPCIS context, sanzhi used to add it:
    a document names it (whatever its events hold, so the rule can be stated in the API's document)."""
    doc = document(epcis_example_event(), context=[EX])
    assert reference_cli_hashes(doc, tmp_path) != [event_hash(epcis_example_event()).ni]
    ((path, reason),) = refusal(doc).problems
    assert path == "$.@context"
    assert reason.startswith("a document's @context names the EPCIS 2.0 context (its URL, alone or in a list)")


@pytest.mark.parametrize("term", ["type", "bizStep", "epcList", "gs1", "cbv"])
def test_redefining_a_protected_term_is_one_line(term: str) -> None:
    doc = document(epcis_example_event(), context=[EPCIS, {term: "https://example.org/mine/"}])
    problems = refusal(doc).problems
    assert problems == [
        (
            "$.@context",
            f"the @context redefines {term!r}, which the EPCIS 2.0 context protects: "
            "declare prefixes under names of your own",
        )
    ]
    alone = {"@context": [EPCIS, {term: "https://example.org/mine/"}], **epcis_example_event()}
    assert refusal(alone).problems == [("$.@context", problems[0][1])]
    with pytest.raises(InvalidInput, match=f"redefines '{term}'"):
        event_hash(epcis_example_event(), context=[EPCIS, {term: "https://example.org/mine/"}])


def test_declaring_a_protected_prefix_as_the_epcis_context_does_is_accepted(tmp_path: Path) -> None:
    doc = document(epcis_example_event(), context=[EPCIS, {"gs1": "https://gs1.org/voc/"}])
    assert [e.hash.ni for e in parse_epcis(json.dumps(doc))] == reference_cli_hashes(doc, tmp_path)


def test_json_ld_keywords_in_an_inline_context_are_refused_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for key in ("@vocab", "@foo", "@import"):
            doc = document(epcis_example_event(), context=[EPCIS, {key: "https://example.org/ns/"}])
            ((path, reason),) = refusal(doc).problems
            assert path == "$.@context"
            assert (
                reason
                == f"context key {key!r}: an inline context maps prefixes to IRIs, JSON-LD keywords are not supported"
            )


def test_a_lone_surrogate_is_refused_not_a_traceback() -> None:
    text = json.dumps({"@context": [EPCIS, EX], **epcis_example_event(), "ex:note": "\ud800"})
    with pytest.raises(InvalidDocument, match="not Unicode"):
        parse_epcis(text)


def from_the_reference(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [
        r
        for r in records
        if r.name.startswith("epcis_event_hash_generator") or "epcis_event_hash_generator" in r.pathname
    ]


def test_the_reference_s_log_never_reaches_the_user(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    parse_epcis(json.dumps(document(epcis_example_event(), {**epcis_example_event(), "bizStep": "shipping"})))
    with pytest.raises(InvalidDocument) as caught:
        parse_epcis(json.dumps(document({**epcis_example_event(), "ex:note": "inf"})))
    # its error is in the one line, with what the reference says
    assert "reference cannot hash this event" in str(caught.value)
    assert "it says: OverflowError: cannot convert float infinity to integer" in str(caught.value)
    with pytest.raises(InvalidInput):
        event_hash({**epcis_example_event(), "eventTime": "2021-04-04T20:33:31.9996-06:00"})
    assert from_the_reference(caplog.records) == []
    assert capsys.readouterr() == ("", "")


def test_a_fresh_process_gets_no_log_output_and_no_logging_set_up() -> None:
    """Without logging configured, the reference's `logging.debug` would configure the root
    logger (a stderr handler for every library) and its errors would be printed."""
    script = """
import json, logging, sys
from ledger.errors import LedgerError
from ledger.evidence import parse_epcis
good, bad = json.loads(sys.stdin.read())
parse_epcis(good)
try:
    parse_epcis(bad)
except LedgerError as exc:
    print(type(exc).__name__)
print(len(logging.getLogger().handlers))
"""
    documents = [document(epcis_example_event()), document({**epcis_example_event(), "ex:note": "inf"})]
    root = str(Path(ledger.__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=True,
    )
    assert (done.stdout, done.stderr) == ("InvalidDocument\n0\n", "")
