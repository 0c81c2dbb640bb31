"""`sanzhi docs`: encrypted documents for their recipients, shared without re-encryption, checked
against their names and anchors; every refusal a user can meet."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from ledger.evidence import EventType, Step, epcis_document, new_event
from ledger.store.cid import ContentId
from tests.support import CliRunner, assert_clean_error


def put(cli: CliRunner, file: Path, *args: str) -> str:
    result = cli("docs", "put", str(file), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["cid"])


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "inspection-report.pdf"
    path.write_bytes(b"%PDF-1.7 inspection report " + os.urandom(3000))
    return path


def blob_path(cli: CliRunner, cid: str) -> Path:
    return cli.chain.data_dir / "store" / "blobs" / cid


def test_a_recipient_reads_what_was_put_for_it(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    put_text = cli("docs", "put", str(report), "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    assert "Singapore Customs Checkpoints, accredited by SG" in put_text.stdout  # the recipient, named
    cid = put_text.stdout.split()[0]
    assert cid.startswith("baf")
    out = tmp_path / "got.pdf"
    got = cli("docs", "get", cid, "--as", "sg-customs", "--out", str(out))
    assert got.exit_code == 0, got.stderr
    assert "(宁波远洋贸易 Ningbo Ocean Trading Co., accredited by CN)" in got.stdout  # the sender, named
    assert out.read_bytes() == report.read_bytes()
    assert report.read_bytes()[:20] not in blob_path(cli, cid).read_bytes()


def test_a_party_without_a_wrapped_key_is_refused(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    cid = put(cli, report, "--for", "sg-customs", "--as", "cn-trader")
    result = cli("docs", "get", cid, "--as", "sg-trader", "--out", str(tmp_path / "x"))
    assert_clean_error(result, "(Lion City Logistics Pte Ltd, accredited by SG) is not a recipient", "docs share")
    assert not (tmp_path / "x").exists()


def test_sharing_adds_a_reader_without_reencrypting(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    cid = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    before = blob_path(cli, cid).read_bytes()
    shared = cli("docs", "share", cid, "--with", "sg-trader", "--as", "sg-customs", "--json")
    assert shared.exit_code == 0, shared.stderr
    assert json.loads(shared.stdout)["published_tx"]
    assert json.loads(shared.stdout)["recipient_name"] == "Lion City Logistics Pte Ltd, accredited by SG"
    again = cli("docs", "share", cid, "--with", "sg-trader", "--as", "sg-customs", "--json")
    assert json.loads(again.stdout)["already"] is True
    out = tmp_path / "sg-trader.pdf"
    assert cli("docs", "get", cid, "--as", "sg-trader", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == report.read_bytes()
    assert blob_path(cli, cid).read_bytes() == before


def test_a_non_recipient_cannot_share(cli: CliRunner, report: Path) -> None:
    cid = put(cli, report, "--for", "sg-customs", "--as", "cn-trader")
    result = cli("docs", "share", cid, "--with", "cn-auditor", "--as", "sg-trader")
    assert_clean_error(result, "is not a recipient")


def test_recipients_need_a_standing_key(cli: CliRunner, report: Path) -> None:
    no_key = cli("docs", "put", str(report), "--for", "exporter", "--as", "cn-trader")
    assert_clean_error(no_key, "has no document encryption key")
    withdrawn = cli("consortium", "withdraw", "sg-trader", "--role", "trade", "--as", "sg-admin")
    assert withdrawn.exit_code == 0, withdrawn.stderr
    blobs = cli.chain.data_dir / "store" / "blobs"
    before = set(blobs.glob("*"))
    result = cli("docs", "put", str(report), "--for", "sg-trader", "--as", "cn-trader")
    assert_clean_error(result, "has no document encryption key", "DocumentRegistryNotAccredited")
    assert set(blobs.glob("*")) == before, "nothing is stored for a refused recipient"


def test_verify_checks_the_name_and_the_anchor(cli: CliRunner, report: Path) -> None:
    anchored = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    ok = cli("docs", "verify", anchored, "--json")
    assert ok.exit_code == 0, ok.stderr
    body = json.loads(ok.stdout)
    assert body["valid"] is True
    assert body["member_id"] == "CN"
    loose = put(cli, report, "--for", "sg-customs", "--as", "cn-trader")
    unanchored = cli("docs", "verify", loose)
    assert unanchored.exit_code == 1
    assert "no party anchored" in unanchored.stdout


def test_a_blob_whose_bytes_do_not_match_its_name_is_refused(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    cid = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    blob = blob_path(cli, cid)
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    out = tmp_path / "out.pdf"
    assert_clean_error(cli("docs", "get", cid, "--as", "sg-customs", "--out", str(out)))
    assert not out.exists()
    verify = cli("docs", "verify", cid)
    assert verify.exit_code != 0


def test_rotation_keeps_old_documents_readable(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    old = put(cli, report, "--for", "sg-customs", "--as", "cn-trader")
    rotated = cli("docs", "register-key", "--as", "sg-customs", "--json")
    assert rotated.exit_code == 0, rotated.stderr
    assert json.loads(rotated.stdout)["version"] == 2
    new = put(cli, report, "--for", "sg-customs", "--as", "cn-trader")
    for cid in (old, new):
        out = tmp_path / f"{cid}.pdf"
        assert cli("docs", "get", cid, "--as", "sg-customs", "--out", str(out)).exit_code == 0
        assert out.read_bytes() == report.read_bytes()


@pytest.mark.parametrize("bad", ["not-a-cid", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "b"])
def test_malformed_names_are_refused(cli: CliRunner, bad: str) -> None:
    assert_clean_error(cli("docs", "verify", bad), "cid")


def test_a_document_nobody_stored_is_not_found(cli: CliRunner, tmp_path: Path) -> None:
    missing = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    assert_clean_error(cli("docs", "get", missing, "--as", "sg-customs", "--out", str(tmp_path / "x")))


def test_an_evidence_entry_names_a_stored_document_by_its_cid(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    cid = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    when = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    event = new_event(EventType.OBJECT, Step.LOADING, when, epcs=["urn:epc:id:sscc:0614141.1234567899"])
    events = tmp_path / "inspection.json"
    events.write_text(json.dumps(epcis_document([event], created=when)))
    ucr = "6CN9144010012345678-SG-000091"
    assert cli("evidence", "open", ucr, "--destination", "SG", "--as", "cn-trader").exit_code == 0
    appended = cli("evidence", "append", str(events), "--ucr", ucr, "--as", "cn-trader", "--cid", cid)
    assert appended.exit_code == 0, appended.stderr
    timeline = json.loads(cli("evidence", "timeline", ucr, "--json").stdout)
    assert timeline["entries"][0]["cid"] in (cid, "0x" + ContentId.parse(cid).raw.hex())
