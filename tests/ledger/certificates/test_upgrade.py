"""CertificateRegistry upgraded by vote to a changed version (the test-only CertificateRegistryV2
of contracts/test/upgrades, built by `make build`), with certificates issued on v1 and on v2."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from eth_abi import encode

from ledger.certificates.quantities import parse_quantity
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import read_wrapped
from ledger.consortium.binding import ConsortiumBinding
from ledger.documents import parse_document
from ledger.errors import ContractRevert
from tests.support import Chain, CliRunner, fragments, issue

V2_BUILD = Path(__file__).resolve().parents[3] / "contracts" / "out" / "CertificateRegistryV2.sol"
KIND = "CertificateRegistry"


def deploy_v2(chain: Chain) -> str:
    """The changed registry, deployed for the session's consortium (not listed)."""
    built = V2_BUILD / "CertificateRegistryV2.json"
    if not built.exists():
        pytest.fail(f"no build of the test-only CertificateRegistryV2 at {built}: run `make build`")
    bytecode = json.loads(built.read_text())["bytecode"]["object"]
    admin = chain.client("cn-admin")
    constructor = encode(["address"], [admin.address_of("Consortium")]).hex()
    sent = admin.send({"data": bytecode + constructor})
    return str(sent.receipt["contractAddress"])


def verdict(cli: CliRunner, path: Path) -> tuple[bool, dict[str, tuple[str, str]]]:
    result = cli("cert", "verify", str(path), "--json")
    return json.loads(result.stdout)["valid"], fragments(result)


def test_an_upgrade_by_vote_keeps_what_v1_issued(cli: CliRunner, tmp_path: Path) -> None:
    chain = cli.chain
    v1 = chain.client().address_of(KIND)
    assert cli("cert", "sample", "--count", "2", "--seed", "41", "--out", str(tmp_path / "s1")).exit_code == 0
    before = issue(cli, tmp_path / "s1", tmp_path / "w1")
    assert all(read_wrapped(p).proof.registry == v1 for p in before)

    # propose v2; a member checks its code before voting: it is not today's build
    v2 = deploy_v2(chain)
    proposed = ConsortiumBinding(chain.client("cn-admin")).propose_list_registries({KIND: v2})
    assert not proposed.executed
    checked = cli("upgrade", "verify", str(proposed.proposal_id), "--build", "ledger/chain/compiled", "--json")
    assert checked.exit_code == 1
    assert json.loads(checked.stdout)["checks"][0]["matches"] is False
    status = json.loads(cli("upgrade", "status", "--json").stdout)
    assert [p["id"] for p in status["pending"]] == [proposed.proposal_id]
    assert cli("consortium", "approve", str(proposed.proposal_id), "--as", "sg-admin").exit_code == 0

    status = json.loads(cli("upgrade", "status", "--json").stdout)
    certificates = next(k for k in status["kinds"] if k["kind"] == KIND)
    assert certificates["active"] == v2
    assert [(v["address"], v["version"]) for v in certificates["versions"]] == [(v1, 1), (v2, 2)]
    assert certificates["versions"][0]["intervals"][0]["until"] is not None
    assert status["pending"] == []

    # new batches go to v2 by themselves; v1 takes none
    assert cli("cert", "sample", "--count", "2", "--seed", "42", "--out", str(tmp_path / "s2")).exit_code == 0
    after = issue(cli, tmp_path / "s2", tmp_path / "w2")
    assert all(read_wrapped(p).proof.registry == v2 for p in after)
    old = CertificateRegistryBinding(chain.client("cn-issuer"), address=v1)
    with pytest.raises(ContractRevert, match="RegistryNotActive"):
        old.anchor_roots(["0x" + "ab" * 32], "certificate-of-origin", [1], destinations=["SG"])

    # both verify; a v1 certificate is revoked on v1 after the upgrade
    for path in (*before, *after):
        assert verdict(cli, path)[0], path
    assert cli("cert", "revoke", str(before[0]), "--reason", "fraud", "--as", "cn-issuer").exit_code == 0
    valid, found = verdict(cli, before[0])
    assert not valid
    assert found["ISSUANCE"][0] == "INVALID"
    assert "revoked" in found["ISSUANCE"][1]

    # a never-listed look-alike (today's build, bound to this consortium) is not trusted
    copy, _ = chain.client("cn-issuer").deploy(KIND, [chain.client().address_of("Consortium")])
    edited = json.loads(after[0].read_text())
    edited["proof"]["registry"] = copy
    (tmp_path / "copy.json").write_text(json.dumps(edited))
    valid, found = verdict(cli, tmp_path / "copy.json")
    assert not valid
    assert "does not" in found["ISSUER"][1] or "lists" in found["ISSUER"][1]


def test_a_v1_certificate_drawn_on_both_sides_of_the_upgrade_counts_once(cli: CliRunner, tmp_path: Path) -> None:
    chain = cli.chain
    assert cli("cert", "sample", "--count", "1", "--seed", "43", "--out", str(tmp_path / "s")).exit_code == 0
    [path] = issue(cli, tmp_path / "s", tmp_path / "w")
    first = read_wrapped(path)
    quantity = first.proof.quantity
    assert quantity > 1
    customs = CertificateRegistryBinding(chain.client("sg-customs"))
    customs.utilize(first, declaration="BEFORE-1", quantity="1")

    v2 = deploy_v2(chain)
    proposed = ConsortiumBinding(chain.client("cn-admin")).propose_list_registries({KIND: v2})
    ConsortiumBinding(chain.client("sg-admin")).approve(proposed.proposal_id)

    # the same document wrapped again (same number) on v2, replacing the v1 certificate
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    [source] = (tmp_path / "s").glob("*.json")
    document = parse_document("certificate-of-origin", source.read_bytes())
    [batch] = issuer.wrap([document])
    issuer.anchor([batch])
    [replacement] = batch.certificates
    assert replacement.proof.registry == v2
    assert replacement.proof.number_hash == first.proof.number_hash
    issuer.supersede(first, replacement)

    # the v1 draw counts against the replacement: what is left is quantity - 1, no more
    left = quantity - parse_quantity("1")
    drawn = CertificateRegistryBinding(chain.client("sg-customs")).utilize(
        replacement, declaration="AFTER-1", quantity=str(Decimal(left) / 1000)
    )
    assert drawn.remaining.value == "0"
    with pytest.raises(ContractRevert, match="QuantityExceeded"):
        customs.utilize(replacement, declaration="AFTER-2", quantity="0.001")
    with pytest.raises(ContractRevert, match="DeclarationRecorded"):
        customs.utilize(replacement, declaration="BEFORE-1", quantity="0.001")


def test_propose_this_build_verify_it_from_the_sources_and_vote(cli: CliRunner) -> None:
    proposed = cli("upgrade", "propose", KIND, "--as", "cn-admin", "--json")
    assert proposed.exit_code == 0, proposed.stderr
    made = json.loads(proposed.stdout)
    assert made["executed"] is False
    # rebuilt from contracts/src now: the code deployed is the code in the sources
    checked = cli("upgrade", "verify", str(made["proposal_id"]))
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert f"{KIND:<20} {made['registry']}  MATCHES" in checked.stdout
    assert cli("consortium", "approve", str(made["proposal_id"]), "--as", "sg-admin").exit_code == 0
    shown = cli("upgrade", "status").stdout
    row = next(line.split() for line in shown.splitlines() if made["registry"] in line)
    assert row[:4] == [KIND, "v2", made["registry"], "active"]
    # roll back: the earlier version, proposed again, active for a second interval
    v1 = cli.chain.client().address_of(KIND)
    back = json.loads(cli("upgrade", "propose", KIND, "--address", v1, "--as", "cn-admin", "--json").stdout)
    assert cli("consortium", "approve", str(back["proposal_id"]), "--as", "sg-admin").exit_code == 0
    status = json.loads(cli("upgrade", "status", "--json").stdout)
    certificates = next(k for k in status["kinds"] if k["kind"] == KIND)
    assert certificates["active"] == v1
    assert len(certificates["versions"][0]["intervals"]) == 2
    stranger = cli("upgrade", "propose", KIND, "--address", made["registry"][:-4] + "0000", "--as", "cn-admin")
    assert stranger.exit_code != 0
    assert "not a CertificateRegistry the consortium listed before" in stranger.stderr
    refused = cli("upgrade", "propose", "Registry", "--as", "cn-admin")
    assert refused.exit_code != 0
    assert "is not a registry kind" in refused.stderr
