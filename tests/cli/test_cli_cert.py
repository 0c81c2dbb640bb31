"""`sanzhi cert ...` end to end on the session chain, including every refusal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support import CliRunner, advance_time, assert_clean_error, chain_now, fragments, free_port, issue


@pytest.fixture
def samples(tmp_path: Path, cli: CliRunner) -> Path:
    out = tmp_path / "samples"
    assert cli("cert", "sample", "--count", "7", "--out", str(out), "--seed", "3").exit_code == 0
    return out


def test_issue_verify_utilize_revoke(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    wrapped = issue(cli, samples, tmp_path / "wrapped")
    assert len(wrapped) == 7
    first = wrapped[0]
    ok = cli("cert", "verify", str(first), "--json")
    assert ok.exit_code == 0, ok.stdout
    assert {status for status, _ in fragments(ok).values()} == {"VALID"}
    drawn = cli(
        "cert", "utilize", str(first), "--declaration", "SG-2026-0001", "--quantity", "1.5", "--as", "sg-customs"
    )
    assert drawn.exit_code == 0, drawn.stderr
    status, reason = fragments(cli("cert", "verify", str(first), "--json"))["UTILIZATION"]
    assert status == "VALID"
    assert reason.startswith("remaining ")
    assert cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "cn-issuer").exit_code == 0
    revoked = cli("cert", "verify", str(first), "--json")
    assert revoked.exit_code == 1
    assert fragments(revoked)["ISSUANCE"][0] == "INVALID"
    assert "revoked (fraud)" in fragments(revoked)["ISSUANCE"][1]
    others = cli("cert", "verify", *map(str, wrapped[1:]))
    assert others.exit_code == 0, others.stdout


# several batches sent before any is awaited (pipelined), mined together or apart
@pytest.mark.besu
def test_batches_are_split_at_the_requested_size(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    result = cli(
        "cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"), "--batch-size", "3", "--json"
    )
    roots = {b["root"] for b in json.loads(result.stdout)["batches"]}
    assert [b["count"] for b in json.loads(result.stdout)["batches"]] == [3, 3, 1]
    assert len(roots) == 3
    assert cli("cert", "verify", *map(str, sorted((tmp_path / "w").glob("*.json")))).exit_code == 0


def test_suspend_reinstate_and_supersede(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first, second = issue(cli, samples, tmp_path / "w")[:2]
    assert cli("cert", "suspend", str(first), "--reason", "7", "--as", "cn-issuer").exit_code == 0
    suspended = fragments(cli("cert", "verify", str(first), "--json"))["ISSUANCE"]
    assert suspended[0] == "INVALID"
    assert "suspended (under-investigation)" in suspended[1]
    assert cli("cert", "reinstate", str(first), "--as", "cn-issuer").exit_code == 0
    assert cli("cert", "verify", str(first)).exit_code == 0
    assert cli("cert", "supersede", str(first), str(second), "--as", "cn-issuer").exit_code == 0
    superseded = fragments(cli("cert", "verify", str(first), "--json"))["ISSUANCE"]
    assert superseded[0] == "INVALID"
    second_leaf = json.loads(cli("cert", "verify", str(second), "--json").stdout)["leaf"]
    assert "superseded since" in superseded[1]
    assert second_leaf in superseded[1]


def test_revoked_certificate_is_never_reinstated_or_used(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    cli("cert", "revoke", str(first), "--reason", "clerical-error", "--as", "cn-issuer")
    assert_clean_error(cli("cert", "reinstate", str(first), "--as", "cn-issuer"), "CertificateRegistryInvalidStatus")
    assert_clean_error(
        cli("cert", "utilize", str(first), "--declaration", "D1", "--quantity", "1", "--as", "sg-customs"),
        "CertificateRegistryInvalidStatus",
    )


def test_over_utilization_is_refused(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    quantity = json.loads(first.read_text())["proof"]["quantity"]
    too_much = str(quantity // 1000 + 1)
    result = cli("cert", "utilize", str(first), "--declaration", "D1", "--quantity", too_much, "--as", "sg-customs")
    # in the document's units, never thousandths or scientific notation
    remaining = str(quantity // 1000) if quantity % 1000 == 0 else f"{quantity / 1000:.3f}".rstrip("0")
    assert_clean_error(result, "CertificateRegistryQuantityExceeded", f"requested {too_much}, remaining {remaining}")
    assert "E+" not in result.stderr
    assert_clean_error(
        cli("cert", "utilize", str(first), "--declaration", "D1", "--quantity", "-3", "--as", "sg-customs"),
        "'-3' is not a quantity",
    )


def test_only_the_right_parties_may_act(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    assert_clean_error(
        cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "sg-issuer"), "CertificateRegistryNotBatchIssuer"
    )
    assert_clean_error(
        cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "exporter"), "CertificateRegistryNotIssuer"
    )
    assert_clean_error(
        cli("cert", "utilize", str(first), "--declaration", "D", "--quantity", "1", "--as", "cn-issuer"),
        "CertificateRegistryNotImportingCustoms",
    )


def test_unaccredited_issuer_is_refused(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    result = cli("cert", "issue", str(samples), "--as", "exporter", "--out", str(tmp_path / "w"))
    assert_clean_error(result, "CertificateRegistryNotIssuer")
    assert not (tmp_path / "w").exists()


def test_unknown_reason_is_refused(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    assert_clean_error(
        cli("cert", "revoke", str(first), "--reason", "whim", "--as", "cn-issuer"), "unknown reason 'whim'"
    )


def test_invalid_document_is_rejected_before_anchoring(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    bad = json.loads(sorted(samples.glob("*.json"))[2].read_text())
    bad["items"][0]["hs_code"] = "12"
    (samples / "zz-bad.json").write_text(json.dumps(bad))
    before = cli.chain.client().block_number()
    result = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
    assert_clean_error(result, "zz-bad.json", "items.0.hs_code")
    assert cli.chain.client().block_number() == before


def test_hidden_fields_still_verify_and_are_gone(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    original = json.loads(first.read_text())
    secret = original["data"]["exporter"]["name"]
    hidden = tmp_path / "hidden.json"
    result = cli("cert", "hide", str(first), "--fields", "exporter,items.0.description", "--out", str(hidden))
    assert result.exit_code == 0, result.stderr
    assert secret not in hidden.read_text()
    assert cli("cert", "verify", str(hidden)).exit_code == 0
    assert_clean_error(
        cli("cert", "hide", str(first), "--fields", "no.such.field", "--out", str(hidden)), "no.such.field"
    )


def test_verifiable_credential_export_verifies(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    vc = tmp_path / "vc.json"
    assert cli("cert", "export", str(first), "--format", "vc", "--out", str(vc)).exit_code == 0
    credential = json.loads(vc.read_text())
    assert "https://www.w3.org/ns/credentials/v2" in credential["@context"]
    assert cli("cert", "verify", str(vc)).exit_code == 0
    assert_clean_error(cli("cert", "export", str(first), "--format", "pdf", "--out", str(vc)), "unknown format 'pdf'")


def test_tampered_file_fails_integrity(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    body = json.loads(first.read_text())
    body["data"]["certificate_number"] = "FORGED-1"
    first.write_text(json.dumps(body))
    result = cli("cert", "verify", str(first), "--json")
    assert result.exit_code == 1
    assert fragments(result)["INTEGRITY"][0] == "INVALID"
    assert fragments(result)["ISSUANCE"][0] == "SKIPPED"


def test_verify_cannot_decide(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    first = issue(cli, samples, tmp_path / "w")[0]
    unreadable = tmp_path / "junk.json"
    unreadable.write_text("{not json")
    result = cli("cert", "verify", str(unreadable))
    assert result.exit_code == 2
    assert "invalid JSON at line 1, column 2" in result.stderr
    missing = cli("cert", "verify", str(tmp_path / "missing.json"))
    assert missing.exit_code == 2
    from cli.main import run

    cli.capsys.readouterr()
    code = run(
        [
            "--data-dir",
            str(cli.chain.data_dir),
            "--rpc-url",
            f"http://127.0.0.1:{free_port()}",
            "cert",
            "verify",
            str(first),
        ]
    )
    out, err = cli.capsys.readouterr()
    assert code == 2
    assert "no chain node answers" in out + err


# expiry by the chain's clock, moved by hand while the Besu-like node mines on its own
@pytest.mark.besu
def test_batch_expiry_is_enforced(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    expires = dt.datetime.fromtimestamp(chain_now(cli) + 86_400, dt.UTC).isoformat()
    first = issue(cli, samples, tmp_path / "w", "--expires", expires)[0]
    assert cli("cert", "verify", str(first)).exit_code == 0
    advance_time(cli, 2 * 86_400)
    expired = cli("cert", "verify", str(first), "--json")
    assert expired.exit_code == 1
    status, reason = fragments(expired)["EXPIRY"]
    assert status == "INVALID"
    assert reason.startswith("batch expired")
    assert_clean_error(
        cli("cert", "utilize", str(first), "--declaration", "D1", "--quantity", "1", "--as", "sg-customs"),
        "CertificateRegistryExpired",
    )


def test_expiry_must_be_a_time(cli: CliRunner, samples: Path, tmp_path: Path) -> None:
    result = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"), "--expires", "soon")
    assert_clean_error(result, "'soon' is not an ISO 8601 time")
