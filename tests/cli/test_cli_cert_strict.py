"""`sanzhi cert` on odd input: every field hidden still verifies, a completed issuance run again
says so, a past batch expiry is refused in words before anything is sent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.errors import InvalidInput
from tests.support import CliRunner, assert_clean_error, issue

CO = "certificate-of-origin"
PHYTO = "phytosanitary-certificate"


def one_sample(cli: CliRunner, tmp_path: Path, cert_type: str) -> Path:
    out = tmp_path / "samples"
    assert cli("cert", "sample", "--type", cert_type, "--count", "1", "--out", str(out)).exit_code == 0
    # a sample may have expired already (phytosanitary ones are short-lived): hiding is what is tested
    for path in out.glob("*.json"):
        data = json.loads(path.read_text())
        data["expiry_date"] = (dt.date.today() + dt.timedelta(days=365)).isoformat()
        path.write_text(json.dumps(data, ensure_ascii=False))
    return out


def top_level_fields(cert_type: str) -> list[str]:
    from ledger.documents import DOCUMENT_TYPES

    return sorted(DOCUMENT_TYPES[cert_type].model_fields)


HIDEABLE = [(t, f) for t in (CO, PHYTO) for f in top_level_fields(t)]


def hide_and_verify(cli: CliRunner, wrapped: Path, fields: str, out: Path) -> None:
    hidden = cli("cert", "hide", str(wrapped), "--fields", fields, "--out", str(out))
    assert hidden.exit_code == 0, hidden.stderr
    verified = cli("cert", "verify", str(out))
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    assert "VALID" in verified.stdout


@pytest.mark.parametrize(("cert_type", "field"), HIDEABLE)
def test_hiding_any_one_field_still_verifies(cli: CliRunner, tmp_path: Path, cert_type: str, field: str) -> None:
    samples = one_sample(cli, tmp_path, cert_type)
    wrapped = issue(cli, samples, tmp_path / "w", "--type", cert_type)[0]
    present = json.loads(wrapped.read_text())["data"]
    if field not in present:
        pytest.skip(f"the sample has no {field}")
    hide_and_verify(cli, wrapped, field, tmp_path / "hidden.json")


@pytest.mark.parametrize("cert_type", [CO, PHYTO])
def test_hiding_every_field_at_once_still_verifies(cli: CliRunner, tmp_path: Path, cert_type: str) -> None:
    samples = one_sample(cli, tmp_path, cert_type)
    wrapped = issue(cli, samples, tmp_path / "w", "--type", cert_type)[0]
    fields = ",".join(json.loads(wrapped.read_text())["data"])
    hide_and_verify(cli, wrapped, fields, tmp_path / "hidden.json")


@pytest.mark.parametrize("cert_type", [CO, PHYTO])
def test_hiding_each_leaf_alone_still_verifies(cli: CliRunner, tmp_path: Path, cert_type: str) -> None:
    from ledger.hashing.salted import flatten

    samples = one_sample(cli, tmp_path, cert_type)
    wrapped = issue(cli, samples, tmp_path / "w", "--type", cert_type)[0]
    for n, path in enumerate(sorted(flatten(json.loads(wrapped.read_text())["data"]))):
        hide_and_verify(cli, wrapped, path, tmp_path / f"hidden-{n}.json")


def test_a_completed_issuance_run_again_says_so(cli: CliRunner, tmp_path: Path) -> None:
    samples = one_sample(cli, tmp_path, CO)
    out = tmp_path / "w"
    first = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out), "--json")
    assert first.exit_code == 0, first.stderr
    root = json.loads(first.stdout)["batches"][0]["root"]
    before = {p.name: p.read_bytes() for p in out.glob("*.json")}
    again = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out))
    assert again.exit_code == 0, again.stderr
    assert f"already issued: root {root} on block " in again.stdout
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == before  # nothing rewritten
    as_json = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out), "--json")
    assert as_json.exit_code == 0, as_json.stderr
    batches = json.loads(as_json.stdout)["batches"]
    assert [(b["root"], b["already_anchored"]) for b in batches] == [(root, True)]


def test_a_rerun_with_a_changed_document_is_still_refused(cli: CliRunner, tmp_path: Path) -> None:
    samples = one_sample(cli, tmp_path, CO)
    out = tmp_path / "w"
    issue(cli, samples, out)
    document = next(samples.glob("*.json"))
    data = json.loads(document.read_text())
    data["remarks"] = "changed after issuing"
    document.write_text(json.dumps(data, ensure_ascii=False))
    assert_clean_error(cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out)), "has already issued")


def test_a_past_expiry_is_refused_in_words(cli: CliRunner, tmp_path: Path) -> None:
    samples = one_sample(cli, tmp_path, CO)
    result = cli(
        "cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"), "--expires", "2026-01-01"
    )
    assert result.exit_code == 2
    assert_clean_error(result, "expires 2026-01-01", "which is before now (")
    assert not (tmp_path / "w").exists()


def test_expiry_is_judged_by_the_injected_clock(cli: CliRunner, tmp_path: Path) -> None:
    samples = one_sample(cli, tmp_path, CO)
    registry = CertificateRegistryBinding(cli.chain.client("cn-issuer"))
    now = dt.datetime(2026, 12, 7, 5, 30, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput) as refused:
        issue_files(
            registry=registry,
            doc_type=CO,
            files=sorted(samples.glob("*.json")),
            out_dir=tmp_path / "w",
            numbers=IssuedNumbers(numbers_path(cli.chain.data_dir)),
            expires_at=dt.datetime(2026, 12, 7, 5, 29, tzinfo=dt.UTC),
            clock=now.timestamp,
            workers=1,
        )
    assert refused.value.message.endswith(
        "the batch expires 2026-12-07 05:29:00 UTC, which is before now (2026-12-07 05:30:00 UTC): "
        "give an expiry in the future, or none"
    )


def test_a_certificate_for_a_country_outside_the_consortium_is_issued_with_a_warning(
    cli: CliRunner, tmp_path: Path
) -> None:
    samples = tmp_path / "samples"
    made = cli("cert", "sample", "--count", "1", "--destination", "MY", "--out", str(samples))
    assert made.exit_code == 0, made.stderr
    out = tmp_path / "w"
    issued = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(out))
    assert issued.exit_code == 0, issued.stderr
    assert "warning: " in issued.stderr
    assert "importing country MY, which is not an active member" in issued.stderr
    [wrapped] = sorted(out.glob("*.json"))
    verified = cli("cert", "verify", str(wrapped))
    assert verified.exit_code == 0, verified.stdout
    assert "destined to MY, outside the consortium: no member records its utilization" in verified.stdout
    assert_clean_error(
        cli("cert", "utilize", str(wrapped), "--declaration", "D1", "--quantity", "1", "--as", "sg-customs"),
        "CertificateRegistry",
    )
    delivered = cli("cert", "deliver", str(wrapped), "--as", "cn-issuer")
    assert (
        "destined to MY, outside the consortium: no member's customs receives it" in delivered.stdout + delivered.stderr
    )


def test_a_destination_that_is_no_country_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    samples = one_sample(cli, tmp_path, CO)
    document = next(samples.glob("*.json"))
    data = json.loads(document.read_text())
    data["destination_country"] = "XX"
    document.write_text(json.dumps(data, ensure_ascii=False))
    result = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
    assert result.exit_code == 2
    assert_clean_error(result, "'XX' is not an ISO 3166-1 alpha-2 country code")


@pytest.mark.parametrize("quantity", ["1e3", "\u0663", "\uff13", " 1", "1 ", "+1", "1_000"])
def test_utilize_refuses_a_quantity_that_is_not_an_ascii_decimal(cli: CliRunner, tmp_path: Path, quantity: str) -> None:
    wrapped = issue(cli, one_sample(cli, tmp_path, CO), tmp_path / "w")[0]
    result = cli("cert", "utilize", str(wrapped), "--declaration", "D1", "--quantity", quantity, "--as", "sg-customs")
    assert result.exit_code == 2
    assert_clean_error(result, "quantity")
