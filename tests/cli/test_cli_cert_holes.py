"""`sanzhi cert ...`: each trust hole of the certificate flow stays closed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cli.main import run
from tests.support import CliRunner, assert_clean_error, chain_now, fragments, issue


def sample(cli: CliRunner, out: Path, *extra: str) -> Path:
    result = cli("cert", "sample", "--count", "3", "--out", str(out), *extra)
    assert result.exit_code == 0, result.stderr
    return out


def utilize(cli: CliRunner, wrapped: Path, declaration: str, quantity: str, profile: str = "sg-customs") -> object:
    return cli("cert", "utilize", str(wrapped), "--declaration", declaration, "--quantity", quantity, "--as", profile)


def test_a_number_is_issued_once(cli: CliRunner, tmp_path: Path) -> None:
    samples = sample(cli, tmp_path / "s", "--seed", "41")
    issue(cli, samples, tmp_path / "w1")
    again = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w2"))
    assert_clean_error(again, "CN has already issued certificate numbers")
    assert not (tmp_path / "w2").exists()  # nothing staged, nothing written
    # the same number twice in one input is refused before anything is anchored
    twice = tmp_path / "twice"
    twice.mkdir()
    document = json.loads(next(sample(cli, tmp_path / "s2", "--seed", "42").glob("*.json")).read_text())
    for name in ("a.json", "b.json"):
        (twice / name).write_text(json.dumps(document))
    assert_clean_error(
        cli("cert", "issue", str(twice), "--as", "cn-issuer", "--out", str(tmp_path / "w3")), "appear twice"
    )


def test_only_the_importing_administration_draws_and_a_declaration_draws_once(cli: CliRunner, tmp_path: Path) -> None:
    first = issue(cli, sample(cli, tmp_path / "s"), tmp_path / "w")[0]
    # the exporting side's customs key, and SG's own governance key, are refused
    assert_clean_error(utilize(cli, first, "D1", "1", "cn-customs"), "only SG customs", "NotImportingCustoms")
    assert_clean_error(utilize(cli, first, "D1", "1", "sg-admin"), "CertificateRegistryNotImportingCustoms")
    assert utilize(cli, first, "D1", "1").exit_code == 0  # type: ignore[attr-defined]
    assert_clean_error(utilize(cli, first, "D1", "1"), "already drawn", "CertificateRegistryDeclarationRecorded")
    assert utilize(cli, first, "D2", "1").exit_code == 0  # type: ignore[attr-defined]


def test_a_member_issues_only_for_its_own_jurisdiction(cli: CliRunner, tmp_path: Path) -> None:
    thai = sample(cli, tmp_path / "th", "--origin", "TH", "--destination", "SG")
    result = cli("cert", "issue", str(thai), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
    assert_clean_error(result, "issuing_authority.country is TH, but the issuer is accredited by CN")
    assert_clean_error(cli("cert", "sample", "--origin", "XX", "--out", str(tmp_path / "x")), "no sample traders")


def test_supersede_needs_an_issued_successor(cli: CliRunner, tmp_path: Path) -> None:
    first, second = issue(cli, sample(cli, tmp_path / "s"), tmp_path / "w")[:2]
    forged = json.loads(second.read_text())
    forged["proof"]["path"] = forged["proof"]["path"][:-1] or ["0x" + "ab" * 32]
    fake = tmp_path / "fake-successor.json"
    fake.write_text(json.dumps(forged))
    assert_clean_error(
        cli("cert", "supersede", str(first), str(fake), "--as", "cn-issuer"), "CertificateRegistryInvalidProof"
    )
    assert cli("cert", "verify", str(first)).exit_code == 0


def test_the_issuing_administration_can_revoke_and_others_cannot(cli: CliRunner, tmp_path: Path) -> None:
    first, second = issue(cli, sample(cli, tmp_path / "s"), tmp_path / "w")[:2]
    assert_clean_error(
        cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "sg-admin"), "CertificateRegistryNotBatchIssuer"
    )
    assert_clean_error(
        cli("cert", "suspend", str(first), "--reason", "fraud", "--as", "sg-customs"),
        "CertificateRegistryNotBatchIssuer",
    )
    # CN withdraws its issuer; CN's administration can still revoke what that issuer issued
    assert cli("consortium", "withdraw", "cn-issuer", "--role", "issuer", "--type", "certificate-of-origin",
               "--as", "cn-admin").exit_code == 0  # fmt: skip
    assert cli("cert", "suspend", str(second), "--reason", "under-investigation", "--as", "cn-customs").exit_code == 0
    assert cli("cert", "revoke", str(first), "--reason", "fraud", "--as", "cn-admin").exit_code == 0
    assert "revoked (fraud)" in fragments(cli("cert", "verify", str(first), "--json"))["ISSUANCE"][1]


def test_hidden_fields_are_named_and_the_batch_expiry_shown(cli: CliRunner, tmp_path: Path) -> None:
    expires = dt.datetime.fromtimestamp(chain_now(cli) + 30 * 86_400, dt.UTC)
    first = issue(cli, sample(cli, tmp_path / "s"), tmp_path / "w", "--expires", expires.isoformat())[0]
    hidden = tmp_path / "hidden.json"
    assert cli("cert", "hide", str(first), "--fields", "exporter.address", "--out", str(hidden)).exit_code == 0
    shown = cli("cert", "verify", str(hidden))
    assert shown.exit_code == 0, shown.stdout
    assert "field(s) hidden by the holder: exporter.address.city" in shown.stdout
    body = json.loads(cli("cert", "verify", str(hidden), "--json").stdout)
    assert "exporter.address.line" in body["hidden_fields"]
    assert (
        f"batch valid until {expires:%Y-%m-%d}" in fragments(cli("cert", "verify", str(first), "--json"))["EXPIRY"][1]
    )


def test_verification_without_a_trust_anchor_is_undecided(cli: CliRunner, tmp_path: Path) -> None:
    first = issue(cli, sample(cli, tmp_path / "s"), tmp_path / "w")[0]
    consortium = json.loads(next((cli.chain.data_dir / "deployments").glob("*.json")).read_text())["contracts"]
    stranger = tmp_path / "no-records"  # a verifier with a node but no deployment record

    def verify(*extra: str) -> tuple[int, str]:
        cli.capsys.readouterr()
        code = run(["--data-dir", str(stranger), "--rpc-url", cli.chain.rpc_url, "cert", "verify", str(first), *extra])
        out, err = cli.capsys.readouterr()
        return code, out + err

    code, out = verify("--json")
    assert code == 2
    issuer = next(f for f in json.loads(out)["fragments"] if f["name"] == "ISSUER")
    assert issuer["status"] == "ERROR"
    assert "no trust anchor" in issuer["reason"]
    assert verify("--trust", consortium["Consortium"]["address"])[0] == 0
    assert verify("--trust", consortium["CertificateRegistry"]["address"])[0] == 0
    code, out = verify("--trust", consortium["AeoRegistry"]["address"])
    assert code == 2
    assert "neither a sanzhi Consortium nor a CertificateRegistry" in out


def test_hostile_json_gets_one_line_not_a_crash(cli: CliRunner, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 90_000 + "]" * 90_000)
    result = cli("cert", "verify", str(deep))
    assert result.exit_code == 2
    assert "nested deeper than 64 levels" in result.stderr
    twice = tmp_path / "twice.json"
    twice.write_text('{"version": 2, "type": "certificate-of-origin", "type": "phytosanitary-certificate"}')
    result = cli("cert", "verify", str(twice))
    assert result.exit_code == 2
    assert 'duplicate key "type"' in result.stderr


def test_an_invalid_document_lists_every_problem(cli: CliRunner, tmp_path: Path) -> None:
    samples = sample(cli, tmp_path / "s")
    path = sorted(samples.glob("*.json"))[0]
    document = json.loads(path.read_text())
    document["items"][0]["hs_code"] = "12"
    document["destination_country"] = "Singapore"
    path.write_text(json.dumps(document))
    result = cli("cert", "issue", str(samples), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
    assert_clean_error(result, "2 problems", "items.0.hs_code", "destination_country")


def test_bench_and_demo_take_json(cli: CliRunner) -> None:
    for command in (("bench", "certificates"), ("bench", "aeo"), ("demo",), ("consortium", "propose", "threshold")):
        assert "--json" in cli(*command, "--help").stdout
