"""`sanzhi cert bundle` and `sanzhi cert verify-bundle`: offline proof of one certificate."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.support import CliRunner, issue


def bundle(cli: CliRunner, wrapped: Path, out: Path) -> dict[str, object]:
    result = cli("cert", "bundle", str(wrapped), "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    made: dict[str, object] = json.loads(result.stdout)
    return made


def test_bundle_round_trip_offline_revoked_and_tampered(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("cert", "sample", "--count", "2", "--seed", "77", "--out", str(tmp_path / "s")).exit_code == 0
    first, second = issue(cli, tmp_path / "s", tmp_path / "w")
    made = bundle(cli, first, tmp_path / "b.json")
    block = str(made["block_hash"])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", lambda *_: pytest.fail("verify-bundle touched the network"))
        ok = cli("cert", "verify-bundle", str(tmp_path / "b.json"), "--trusted-block", block)
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert ": VALID (certificate-of-origin" in ok.stdout
    for name in ("INTEGRITY", "ISSUANCE", "ISSUER", "EXPIRY", "UTILIZATION"):
        assert f"  {name}" in ok.stdout
    assert "accredited by CN" in ok.stdout

    # tampered: another value in the certificate's data, refused in one line
    data = json.loads((tmp_path / "b.json").read_text())
    data["certificate"]["data"]["certificate_number"] += "9"
    (tmp_path / "t.json").write_text(json.dumps(data))
    refused = cli("cert", "verify-bundle", str(tmp_path / "t.json"), "--trusted-block", block, "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout) == {
        "valid": False,
        "step": "certificate",
        "reason": refused_reason(refused.stdout),
    }
    text = cli("cert", "verify-bundle", str(tmp_path / "t.json"), "--trusted-block", block)
    assert text.exit_code == 1
    assert text.stdout.count("\n") == 1
    assert text.stdout.startswith("INVALID: certificate: document hash does not match")

    # another registry trusted: refused
    other = cli(
        "cert", "verify-bundle", str(tmp_path / "b.json"), "--trusted-block", block, "--registry", "0x" + "11" * 20
    )
    assert other.exit_code == 1
    assert "not the trusted" in other.stdout

    # revoked: the new bundle says so, exit 1
    assert cli("cert", "revoke", str(second), "--reason", "fraud", "--as", "cn-issuer").exit_code == 0
    revoked = bundle(cli, second, tmp_path / "r.json")
    said = cli("cert", "verify-bundle", str(tmp_path / "r.json"), "--trusted-block", str(revoked["block_hash"]))
    assert said.exit_code == 1
    assert ": INVALID (" in said.stdout
    assert "ISSUANCE     INVALID  revoked (fraud)" in said.stdout


def refused_reason(stdout: str) -> str:
    reason: str = json.loads(stdout)["reason"]
    assert reason.startswith("document hash does not match")
    return reason
