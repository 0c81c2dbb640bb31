"""DocumentRegistry upgraded by vote (`sanzhi upgrade propose`, checked, approved) on the test's
own snapshot of the session chain (the `chain` fixture reverts it, listing included): what v1
anchored is still found, verified and read; new anchors land on v2; keys registered on v1 stay
in force without registering again; a key and an envelope change on the version that holds them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ledger.chain.contract import ContractBinding
from ledger.errors import ContractRevert
from ledger.store.cid import ContentId
from ledger.store.errors import NoEncryptionKey
from ledger.store.registry import DocumentRegistryBinding
from tests.support import CliRunner, upgrade_by_vote

KIND = "DocumentRegistry"


def put(cli: CliRunner, file: Path, *args: str) -> str:
    result = cli("docs", "put", str(file), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["cid"])


def verified(cli: CliRunner, cid: str) -> dict[str, object]:
    result = cli("docs", "verify", cid, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return dict(json.loads(result.stdout))


def read(cli: CliRunner, cid: str, profile: str, out: Path) -> bytes:
    result = cli("docs", "get", cid, "--as", profile, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def envelope_on(cli: CliRunner, registry: str, digest: bytes, publisher: str) -> bool:
    """Whether `registry` (one version, read alone) holds an envelope of `publisher` for the document."""
    return bool(ContractBinding(cli.chain.client(), KIND, registry).call("envelopeOf", digest, publisher))


def upgrade(cli: CliRunner) -> str:
    return upgrade_by_vote(cli, KIND)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "inspection-report.pdf"
    path.write_bytes(b"%PDF-1.7 inspection report " + os.urandom(3000))
    return path


def test_documents_and_keys_of_v1_serve_on_after_an_upgrade(cli: CliRunner, report: Path, tmp_path: Path) -> None:
    chain = cli.chain
    v1 = chain.client().address_of(KIND)
    before = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    assert verified(cli, before)["registry"] == v1

    v2 = upgrade(cli)
    assert v2 != v1
    status = json.loads(cli("upgrade", "status", "--json").stdout)
    assert next(k for k in status["kinds"] if k["kind"] == KIND)["active"] == v2

    # what v1 anchored is still found and verified, and read through its envelope on v1
    found = verified(cli, before)
    assert (found["valid"], found["registry"], found["member_id"]) == (True, v1, "CN")
    assert read(cli, before, "sg-customs", tmp_path / "before.pdf") == report.read_bytes()
    # sharing it after the upgrade publishes the new envelope on v1, where the document is
    shared = cli("docs", "share", before, "--with", "sg-trader", "--as", "sg-customs", "--json")
    assert shared.exit_code == 0, shared.stderr
    assert json.loads(shared.stdout)["published_tx"]
    sg_customs = chain.client("sg-customs").address
    digest = ContentId.parse(before).digest
    assert [envelope_on(cli, v, digest, sg_customs) for v in (v1, v2)] == [True, False]
    assert read(cli, before, "sg-trader", tmp_path / "shared.pdf") == report.read_bytes()

    # a new anchor lands on v2; cn-trader's key, registered on v1, serves without registering again
    trader = DocumentRegistryBinding(chain.client("cn-trader"))
    assert trader.key_in_force(trader.client.address) == (v1, 1)
    after = put(cli, report, "--for", "sg-customs", "--as", "cn-trader", "--anchor")
    assert verified(cli, after)["registry"] == v2
    assert read(cli, after, "sg-customs", tmp_path / "after.pdf") == report.read_bytes()

    # a document is anchored once over every version: v2 refuses v1's
    with pytest.raises(ContractRevert.for_error("DocumentRegistryAnchoredOnOtherVersion")):
        trader.anchor(digest)

    # a rotation lands on v2 and numbers on from v1's key; the new key reads its documents
    rotated = cli("docs", "register-key", "--as", "sg-trader", "--json")
    assert rotated.exit_code == 0, rotated.stderr
    assert json.loads(rotated.stdout)["version"] == 2
    sg_trader = DocumentRegistryBinding(chain.client("sg-trader"))
    assert sg_trader.key_in_force(sg_trader.client.address) == (v2, 2)
    for_rotated = put(cli, report, "--for", "sg-trader", "--as", "cn-trader", "--anchor")
    assert read(cli, for_rotated, "sg-trader", tmp_path / "rotated.pdf") == report.read_bytes()

    # cn-trader's key is revoked on v1, which holds it: gone for every version
    revoked = trader.revoke_key()
    assert revoked.receipt["to"] == v1
    with pytest.raises(NoEncryptionKey):
        trader.key_of(trader.client.address)
    refused = cli("docs", "put", str(report), "--for", "cn-trader", "--as", "sg-customs")
    assert refused.exit_code != 0
    assert "has no document encryption key" in refused.stderr
    # registering again numbers on from the revoked key (2, on v2), and the key derived for
    # that number is the one the chain holds: cn-trader reads what is put for it
    again = cli("docs", "register-key", "--as", "cn-trader", "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["version"] == 2
    for_trader = put(cli, report, "--for", "cn-trader", "--as", "sg-customs")
    assert read(cli, for_trader, "cn-trader", tmp_path / "again.pdf") == report.read_bytes()
