"""`sanzhi evidence timeline` in the reader's language: step names, submitters by name and the
document by the CID `sanzhi docs put` printed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ledger.evidence import EventType, Step, epcis_document, new_event
from ledger.store.cid import cid_of_bytes
from tests.support import CliRunner

UCR = "6CN9144010012345678-SG-000091"
SSCC = "urn:epc:id:sscc:0614141.1234567891"
T = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)


def test_the_timeline_names_steps_submitters_and_documents(cli: CliRunner, tmp_path: Path) -> None:
    events = tmp_path / "loading.json"
    events.write_text(
        json.dumps(epcis_document([new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC])], created=T))
    )
    cid = cid_of_bytes(b"bill of lading 91").text
    assert cid.startswith("bafk")
    assert cli("evidence", "open", UCR, "--destination", "SG", "--as", "cn-trader").exit_code == 0
    appended = cli("evidence", "append", str(events), "--ucr", UCR, "--cid", cid, "--as", "cn-trader")
    assert appended.exit_code == 0, appended.stderr

    shown = json.loads(cli("evidence", "timeline", UCR, "--json", "--lang", "zh").stdout)
    [entry] = shown["entries"]
    assert entry["step"] == "loading"  # the code stays
    assert entry["step_label"] == "装货"
    assert entry["cid"] == cid  # as the document store printed it, not hex
    chinese = cli("evidence", "timeline", UCR, "--lang", "zh")
    assert chinese.exit_code == 0, chinese.stderr
    assert "装货" in chinese.stdout
    assert cid in chinese.stdout
    assert "宁波远洋贸易 Ningbo Ocean Trading Co.（由 CN 认可）" in chinese.stdout  # noqa: RUF001 - Chinese punctuation
    english = cli("evidence", "timeline", UCR, "--lang", "en").stdout
    assert "Loading" in english
    assert entry["submitter_name"]["label"] == "宁波远洋贸易 Ningbo Ocean Trading Co., accredited by CN"
    assert entry["submitter_name"]["label"] in english


def test_a_correction_is_said_in_the_readers_language(cli: CliRunner, tmp_path: Path) -> None:
    ucr = "6CN9144010012345678-SG-000092"
    wrong = new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC])
    declared = new_event(
        EventType.OBJECT,
        Step.LOADING,
        T,
        epcs=[SSCC],
        error_declaration={"declarationTime": (T + dt.timedelta(hours=1)).isoformat(), "reason": "incorrect_data"},
    )
    assert cli("evidence", "open", ucr, "--destination", "SG", "--as", "cn-trader").exit_code == 0
    for n, event in enumerate((wrong, declared)):
        path = tmp_path / f"event-{n}.json"
        path.write_text(json.dumps(epcis_document([event], created=T)))
        appended = cli("evidence", "append", str(path), "--ucr", ucr, "--as", "cn-trader")
        assert appended.exit_code == 0, appended.stderr

    assert "装货（更正）" in cli("evidence", "timeline", ucr, "--lang", "zh").stdout  # noqa: RUF001 - Chinese punctuation
    assert "Loading (correction)" in cli("evidence", "timeline", ucr, "--lang", "en").stdout
