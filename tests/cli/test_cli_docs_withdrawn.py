"""A party whose accreditation was withdrawn can no longer give anyone a document's key: `docs
share` refuses before it writes or sends anything, and the would-be reader still cannot read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ledger.errors import ContractRevert
from ledger.store.cid import ContentId
from ledger.store.registry import DocumentRegistryBinding
from tests.support import CliRunner, assert_clean_error


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "inspection-report.pdf"
    path.write_bytes(b"%PDF-1.7 inspection report " + os.urandom(3000))
    return path


def _put(cli: CliRunner, report: Path, *args: str) -> str:
    result = cli("docs", "put", str(report), "--for", "sg-customs", "--as", "cn-trader", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["cid"])


def _withdraw_cn_trader(cli: CliRunner) -> None:
    withdrawn = cli("consortium", "withdraw", "cn-trader", "--role", "trade", "--as", "cn-admin")
    assert withdrawn.exit_code == 0, withdrawn.stderr


@pytest.mark.parametrize("anchored", [True, False], ids=["anchored", "not-anchored"])
def test_a_withdrawn_party_cannot_share(cli: CliRunner, report: Path, tmp_path: Path, anchored: bool) -> None:
    cid = _put(cli, report, *(["--anchor"] if anchored else []))
    _withdraw_cn_trader(cli)
    store = cli.chain.data_dir / "store"
    before = {p: p.read_bytes() for p in store.rglob("*") if p.is_file()}
    result = cli("docs", "share", cid, "--with", "sg-trader", "--as", "cn-trader")
    assert result.exit_code == 1
    assert_clean_error(result, "can no longer grant access", "accreditation")
    after = {p: p.read_bytes() for p in store.rglob("*") if p.is_file()}
    assert after == before, "a refused share writes no envelope"
    got = cli("docs", "get", cid, "--as", "sg-trader", "--out", str(tmp_path / "x"))
    assert_clean_error(got, "is not a recipient")


def test_what_it_shared_before_stays_readable_and_a_standing_recipient_shares_on(
    cli: CliRunner, report: Path, tmp_path: Path
) -> None:
    cid = _put(cli, report, "--anchor")
    _withdraw_cn_trader(cli)
    assert cli("docs", "get", cid, "--as", "sg-customs", "--out", str(tmp_path / "a")).exit_code == 0
    shared = cli("docs", "share", cid, "--with", "sg-trader", "--as", "sg-customs")
    assert shared.exit_code == 0, shared.stderr
    assert cli("docs", "get", cid, "--as", "sg-trader", "--out", str(tmp_path / "b")).exit_code == 0
    assert (tmp_path / "b").read_bytes() == report.read_bytes()


def test_the_chain_itself_refuses_a_withdrawn_partys_envelope(cli: CliRunner, report: Path) -> None:
    """Whatever client a withdrawn party uses, the DocumentRegistry does not take its envelope."""
    cid = ContentId.parse(_put(cli, report, "--anchor"))
    _withdraw_cn_trader(cli)
    registry = DocumentRegistryBinding(cli.chain.client("cn-trader"))
    with pytest.raises(ContractRevert) as refused:
        registry.publish_envelope(cid.digest, cid.raw)
    assert refused.value.name == "DocumentRegistryNotAccredited"
