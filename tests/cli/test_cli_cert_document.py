"""`sanzhi cert verify` says what the certificate says, and names a document never issued."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import CliRunner, assert_clean_error, issue


def _samples(cli: CliRunner, out: Path, *extra: str) -> Path:
    assert cli("cert", "sample", "--count", "1", "--out", str(out), "--seed", "11", *extra).exit_code == 0
    return out


def test_verify_prints_the_document_under_the_verdict(cli: CliRunner, tmp_path: Path) -> None:
    [wrapped] = issue(cli, _samples(cli, tmp_path / "s"), tmp_path / "w")
    data = json.loads(wrapped.read_text())["data"]
    shown = cli("cert", "verify", str(wrapped))
    assert shown.exit_code == 0, shown.stdout
    summary = shown.stdout.splitlines()[1].strip()
    exporter, importer = data["exporter"]["name"], data["importer"]["name"]
    lines = len(data["items"])
    assert summary == f"{data['certificate_number']}: {exporter} -> {importer}, CN -> SG, {lines} goods line(s)"
    body = json.loads(cli("cert", "verify", str(wrapped), "--json").stdout)
    assert body["document"]["exporter"]["name"] == exporter
    assert body["document"]["destination"] == {"code": "SG", "name": "Singapore"}
    assert [line["quantity"] for line in body["document"]["goods"]] == [i["quantity"] for i in data["items"]]
    assert body["quantity"]["unit"] == data["items"][0]["unit_code"]


def test_verify_names_the_account_that_signed_the_batch(cli: CliRunner, tmp_path: Path) -> None:
    [wrapped] = issue(cli, _samples(cli, tmp_path / "s"), tmp_path / "w")
    signer = json.loads(wrapped.read_text())["issuer"]["address"]
    shown = cli("cert", "verify", str(wrapped)).stdout.splitlines()[2].strip()
    assert shown == f"signed by 宁波市贸促会 CCPIT Ningbo, accredited by CN ({signer})"
    body = json.loads(cli("cert", "verify", str(wrapped), "--json").stdout)
    named = "宁波市贸促会 CCPIT Ningbo, accredited by CN"
    assert (body["issuer"]["label"], body["issuer"]["member_id"]) == (named, "CN")


def test_a_hidden_party_shows_as_hidden_in_the_summary(cli: CliRunner, tmp_path: Path) -> None:
    [wrapped] = issue(cli, _samples(cli, tmp_path / "s"), tmp_path / "w")
    hidden = tmp_path / "hidden.json"
    assert cli("cert", "hide", str(wrapped), "--fields", "exporter,items", "--out", str(hidden)).exit_code == 0
    shown = cli("cert", "verify", str(hidden))
    assert shown.exit_code == 0, shown.stdout
    assert ": (hidden) -> " in shown.stdout
    assert "goods lines hidden" in shown.stdout
    body = json.loads(cli("cert", "verify", str(hidden), "--json").stdout)
    assert body["document"]["exporter"] == {"hidden": True}
    assert body["document"]["goods"] == {"hidden": True}
    assert body["quantity"]["unit"] is None  # hidden with the goods lines


def test_a_sample_never_issued_is_one_line_and_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    [document] = sorted(_samples(cli, tmp_path / "s").glob("*.json"))
    result = cli("cert", "verify", str(document))
    assert result.exit_code == 2
    assert_clean_error(result, f"{document} is a certificate of origin that has not been issued", "sanzhi cert issue")
    [phyto] = sorted(_samples(cli, tmp_path / "p", "--type", "phytosanitary-certificate").glob("*.json"))
    result = cli("cert", "verify", str(phyto))
    assert result.exit_code == 2
    assert_clean_error(result, "phytosanitary certificate that has not been issued", "--type phytosanitary-certificate")
