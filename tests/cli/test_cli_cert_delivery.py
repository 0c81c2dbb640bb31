"""Certificates reach the destination: `cert issue --deliver` puts each certificate into the
document store for the destination's customs, which lists it (`cert destined`), fetches it
(`docs get`) and verifies it; without a customs key to encrypt for, the issuance stands and the
delivery is reported not possible, to be done later by `cert deliver` (once: a rerun says so)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.store.registry import DocumentRegistryBinding, register_own_key
from tests.support import CliRunner, assert_clean_error


@pytest.fixture
def index_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's index, in this test's directory (SANZHI_DATABASE_URL)."""
    path = tmp_path / "index" / "audit.sqlite"
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{path}")
    return path


def samples(cli: CliRunner, where: Path, count: int = 2, seed: int = 81) -> Path:
    made = cli("cert", "sample", "--count", str(count), "--seed", str(seed), "--out", str(where))
    assert made.exit_code == 0, made.stderr
    return where


def test_sg_customs_gets_the_certificates_and_they_verify(cli: CliRunner, tmp_path: Path, index_file: Path) -> None:
    out = tmp_path / "wrapped"
    issued = cli("cert", "issue", str(samples(cli, tmp_path / "docs")), "--as", "cn-issuer", "--out", str(out),
                 "--deliver")  # fmt: skip
    assert issued.exit_code == 0, issued.stderr
    assert "2 certificates for SG" in issued.stdout
    assert "delivered 2 certificate(s) to SG's customs" in issued.stdout

    assert cli("index").exit_code == 0
    listed = cli("cert", "destined", "--as", "sg-customs", "--json")
    assert listed.exit_code == 0, listed.stderr
    [batch] = json.loads(listed.stdout)["items"]
    assert (batch["destination"], batch["issuing_member"], batch["count"]) == ("SG", "CN", 2)
    wrapped = sorted(out.glob("*.json"))
    for delivered in batch["delivered"]:
        fetched = tmp_path / "received" / f"{delivered['leaf']}.json"
        fetched.parent.mkdir(exist_ok=True)
        got = cli("docs", "get", delivered["document"], "--out", str(fetched), "--as", "sg-customs")
        assert got.exit_code == 0, got.stderr
        assert fetched.read_bytes() in {p.read_bytes() for p in wrapped}  # the certificate itself
        verdict = cli("cert", "verify", str(fetched))
        assert verdict.exit_code == 0, verdict.stdout
        assert "destined to SG" in verdict.stdout
    assert len(batch["delivered"]) == 2
    text = cli("cert", "destined", "--as", "sg-customs")
    assert "2 certificate-of-origin for SG from CN" in text.stdout
    assert text.stdout.count(" delivered bafk") == 2

    # the issuing member lists nothing destined to itself; an issuer key is no customs
    assert json.loads(cli("cert", "destined", "--as", "cn-customs", "--json").stdout)["items"] == []
    assert_clean_error(cli("cert", "destined", "--as", "sg-issuer"), "neither a customs key nor a member's admin")


def test_without_a_customs_key_the_issuance_stands_and_delivery_waits(cli: CliRunner, tmp_path: Path) -> None:
    sg_customs = cli.chain.client("sg-customs")
    DocumentRegistryBinding(sg_customs).revoke_key()
    out = tmp_path / "wrapped"
    issued = cli("cert", "issue", str(samples(cli, tmp_path / "docs", seed=82)), "--as", "cn-issuer", "--out",
                 str(out), "--deliver", "--json")  # fmt: skip
    assert issued.exit_code == 0, issued.stderr
    body = json.loads(issued.stdout)
    assert [b["destination"] for b in body["batches"]] == ["SG"]
    assert {c["status"] for c in body["delivery"]["certificates"]} == {"not-possible"}
    reason = body["delivery"]["certificates"][0]["reason"]
    assert "no customs account of SG has a registered document key" in reason
    assert "sanzhi cert deliver" in reason
    assert len(list(out.glob("*.json"))) == 2  # nothing already recorded is lost

    still = cli("cert", "deliver", str(out), "--as", "cn-issuer")
    assert still.exit_code == 1
    assert "not delivered: no customs account of SG" in still.stdout

    register_own_key(sg_customs, sg_customs.account)  # type: ignore[arg-type]
    # the destination's side cannot deliver (nor announce a delivery of) CN's batch
    refused = cli("cert", "deliver", str(out), "--as", "sg-issuer")
    assert refused.exit_code == 1
    assert refused.stdout.count("not delivered: ") == 2
    assert "acts for another member than the one that issued" in refused.stdout
    assert "NotBatchIssuer" in refused.stdout
    later = cli("cert", "deliver", str(out), "--as", "cn-issuer")
    assert later.exit_code == 0, later.stderr
    assert later.stdout.count("delivered to SG  bafk") == 2
    again = cli("cert", "deliver", str(out), "--as", "cn-issuer")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.count("already delivered to SG") == 2


def test_a_refused_batch_leaves_the_batches_delivered_before_it_delivered(cli: CliRunner, tmp_path: Path) -> None:
    cn_out, sg_out = tmp_path / "cn-wrapped", tmp_path / "sg-wrapped"
    cn = cli("cert", "issue", str(samples(cli, tmp_path / "cn-docs", seed=83)), "--as", "cn-issuer", "--out",
             str(cn_out))  # fmt: skip
    assert cn.exit_code == 0, cn.stderr
    sg_docs = tmp_path / "sg-docs"
    made = cli("cert", "sample", "--count", "1", "--seed", "84", "--origin", "SG", "--destination", "CN",
               "--out", str(sg_docs))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    sg = cli("cert", "issue", str(sg_docs), "--as", "sg-issuer", "--out", str(sg_out))
    assert sg.exit_code == 0, sg.stderr

    # CN's batch first, then SG's, which CN's issuer may not deliver: CN's stays delivered
    mixed = cli("cert", "deliver", str(cn_out), str(sg_out), "--as", "cn-issuer", "--json")
    assert mixed.exit_code == 1, mixed.stderr
    by_destination: dict[str, list[dict[str, str]]] = {}
    for c in json.loads(mixed.stdout)["certificates"]:
        by_destination.setdefault(c["destination"], []).append(c)
    assert [c["status"] for c in by_destination["SG"]] == ["delivered", "delivered"]
    [refused] = by_destination["CN"]
    assert refused["status"] == "not-possible"
    assert "NotBatchIssuer" in refused["reason"]
    assert "sanzhi cert deliver" in refused["reason"]
    again = cli("cert", "deliver", str(cn_out), "--as", "cn-issuer")
    assert again.stdout.count("already delivered to SG") == 2


def test_delivering_many_certificates_awaits_no_transaction_per_certificate(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "wrapped"
    issued = cli("cert", "issue", str(samples(cli, tmp_path / "docs", count=4, seed=85)), "--as", "cn-issuer",
                 "--out", str(out))  # fmt: skip
    assert issued.exit_code == 0, issued.stderr
    awaited: list[str] = []
    wait = LedgerClient.wait

    def counted(self: LedgerClient, tx_hash: str, tx: dict[str, object] | None = None) -> SentTransaction:
        awaited.append(tx_hash)
        return wait(self, tx_hash, tx)

    monkeypatch.setattr(LedgerClient, "wait", counted)
    delivered = cli("cert", "deliver", str(out), "--as", "cn-issuer")
    assert delivered.exit_code == 0, delivered.stderr
    assert delivered.stdout.count("delivered to SG  bafk") == 4
    # the one recordDeliveries; the 4 anchors and 4 envelopes went out together, awaited together
    assert len(awaited) == 1
