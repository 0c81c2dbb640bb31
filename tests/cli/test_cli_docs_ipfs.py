"""`sanzhi docs` with IPFS: a document put on one machine is read on another through a real
js-ipfs node, and a node that is down loses nothing (`sanzhi docs sync` pushes it later)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ledger.store.cid import ContentId
from ledger.store.ipfs import IpfsBackend
from tests.support import CliRunner, free_port, run_cli

pytestmark = pytest.mark.ipfs


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "supervision.mp4"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 17))  # several IPFS chunks and several cipher chunks
    return path


def other_machine(cli: CliRunner, tmp_path: Path) -> Path:
    """A second data directory that knows the chain and the profiles, but has no stored blob."""
    other = tmp_path / "sg-machine"
    other.mkdir()
    shutil.copytree(cli.chain.data_dir / "deployments", other / "deployments")
    shutil.copy(cli.chain.data_dir / "profiles.json", other / "profiles.json")
    return other


def test_a_document_crosses_machines_through_ipfs(
    cli: CliRunner, ipfs_api: str, video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANZHI_IPFS_API", ipfs_api)
    put = cli("docs", "put", str(video), "--for", "sg-customs", "--as", "cn-trader", "--anchor", "--json")
    assert put.exit_code == 0, put.stderr
    body = json.loads(put.stdout)
    assert body["pending_push"] is None
    cid = ContentId.parse(body["cid"])
    assert cid.codec == "dag-pb"
    assert {cid, ContentId.parse(body["envelope"])} <= IpfsBackend(ipfs_api).pinned()

    other = other_machine(cli, tmp_path)
    out = tmp_path / "received.mp4"
    got = run_cli(
        cli.capsys, "--data-dir", str(other), "--rpc-url", cli.chain.rpc_url,
        "docs", "get", cid.text, "--as", "sg-customs", "--out", str(out),
    )  # fmt: skip
    assert got.exit_code == 0, got.stderr
    assert out.read_bytes() == video.read_bytes()
    verify = run_cli(cli.capsys, "--data-dir", str(other), "--rpc-url", cli.chain.rpc_url, "docs", "verify", cid.text)
    assert verify.exit_code == 0, verify.stdout + verify.stderr


def test_a_node_that_is_down_loses_nothing(
    cli: CliRunner, ipfs_api: str, video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANZHI_IPFS_API", f"/ip4/127.0.0.1/tcp/{free_port()}")
    put = cli("docs", "put", str(video), "--for", "sg-customs", "--as", "cn-trader", "--anchor", "--json")
    assert put.exit_code == 0, put.stderr
    body = json.loads(put.stdout)
    assert "not answering" in body["pending_push"]
    assert "sanzhi docs sync" in put.stderr
    cid = ContentId.parse(body["cid"])
    assert not IpfsBackend(ipfs_api).has(cid)

    still_down = cli("docs", "sync")
    assert still_down.exit_code == 1
    assert "not answering" in still_down.stderr

    monkeypatch.setenv("SANZHI_IPFS_API", ipfs_api)
    synced = cli("docs", "sync", "--json")
    assert synced.exit_code == 0, synced.stderr
    assert set(json.loads(synced.stdout)["pushed"]) >= {body["cid"], body["envelope"]}
    assert cid in IpfsBackend(ipfs_api).pinned()
    again = cli("docs", "sync", "--json")
    assert json.loads(again.stdout)["pushed"] == []
