"""Verification asks the trusted consortium whether it lists the registry, in the same HTTP
request as the certificate's state (once per client for a listed registry), and refuses a
registry it does not list."""

from __future__ import annotations

from pathlib import Path

from ledger.certificates.findings import FindingCode
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import FragmentName, verify_certificates
from ledger.certificates.wrapped import read_wrapped
from tests.support import CliRunner, issue


def test_the_listing_and_the_state_come_in_one_request(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "s")).exit_code == 0
    [path] = issue(cli, tmp_path / "s", tmp_path / "w")
    certificate = read_wrapped(path)
    client = cli.chain.client()
    anchor = resolve_anchor(client, None)
    calls, requests = client.raw_calls, client.raw_requests
    [result] = verify_certificates(client=client, certificates=[certificate], anchor=anchor)
    assert result.valid
    # listing, state, the batch's destination and whether it went outside the consortium, one POST
    assert (client.raw_calls - calls, client.raw_requests - requests) == (4, 1)
    assert result.destination == "SG"
    calls = client.raw_calls
    [again] = verify_certificates(client=client, certificates=[certificate], anchor=anchor)
    assert again.valid
    assert client.raw_calls - calls == 3  # state, destination and outside: a listed registry stays listed
    elsewhere = certificate.model_copy(
        update={"proof": certificate.proof.model_copy(update={"registry": anchor.consortium if anchor else ""})}
    )
    [refused] = verify_certificates(client=client, certificates=[elsewhere], anchor=anchor)
    assert not refused.valid
    issuer = next(f for f in refused.fragments if f.name is FragmentName.ISSUER)
    assert [c.code for c in issuer.findings] == [FindingCode.REGISTRY_NOT_OF_CONSORTIUM]
