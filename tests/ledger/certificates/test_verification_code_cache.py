"""Verification reads a registry's code once per client when it is the genuine registry (whose
code can never change), and still refuses a registry that is not."""

from __future__ import annotations

from pathlib import Path

from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import verify_certificates
from ledger.certificates.wrapped import read_wrapped
from tests.support import CliRunner, issue


def test_the_genuine_registry_code_is_read_once(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "s")).exit_code == 0
    [path] = issue(cli, tmp_path / "s", tmp_path / "w")
    certificate = read_wrapped(path)
    client = cli.chain.client()
    anchor = resolve_anchor(client, None)
    [first] = verify_certificates(client=client, certificates=[certificate], anchor=anchor)
    calls = client.raw_calls
    [second] = verify_certificates(client=client, certificates=[certificate], anchor=anchor)
    assert first.valid
    assert second.valid
    assert client.raw_calls - calls == 1  # the state query only: no eth_getCode
    elsewhere = certificate.model_copy(
        update={"proof": certificate.proof.model_copy(update={"registry": anchor.consortium if anchor else ""})}
    )
    [refused] = verify_certificates(client=client, certificates=[elsewhere], anchor=anchor)
    assert not refused.valid
