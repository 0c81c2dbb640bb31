"""`sanzhi ipfs start|stop|status`: the address to export, reuse, and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.devnet.ipfs import EmbeddedIpfs
from tests.support import assert_clean_error, free_port, run_cli


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    EmbeddedIpfs(tmp_path).stop()  # `ipfs start` leaves the node running in the background


@pytest.mark.ipfs
def test_start_status_stop(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--data-dir", str(data_dir), "ipfs")
    stopped = run_cli(capsys, *base, "status")
    assert stopped.exit_code == 1
    assert "not running (start it with `sanzhi ipfs start`)" in stopped.stdout

    port = free_port()
    started = run_cli(capsys, *base, "start", "--port", str(port))
    assert started.exit_code == 0, started.stderr
    api = f"/ip4/127.0.0.1/tcp/{port}"
    assert f"ipfs started: API {api} (js-ipfs 0.18.1" in started.stdout
    assert f"export SANZHI_IPFS_API={api}" in started.stdout

    again = json.loads(run_cli(capsys, *base, "start", "--json").stdout)
    assert again["api"] == api
    assert again["started"] is False

    running = run_cli(capsys, *base, "status")
    assert running.exit_code == 0
    assert running.stdout.startswith(f"running  API {api}  js-ipfs 0.18.1  pid ")
    assert json.loads(run_cli(capsys, *base, "status", "--json").stdout)["running"] is True

    assert run_cli(capsys, *base, "stop").stdout.strip() == "ipfs stopped"
    assert run_cli(capsys, *base, "stop").stdout.strip() == "ipfs was not running"
    assert run_cli(capsys, *base, "status").exit_code == 1


def test_start_without_js_ipfs_is_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANZHI_JSIPFS", str(data_dir / "missing" / "cli.js"))
    result = run_cli(capsys, "--data-dir", str(data_dir), "ipfs", "start")
    assert_clean_error(result, "js-ipfs not found", "run `make setup`")


def test_a_port_out_of_range_is_a_usage_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--data-dir", str(data_dir), "ipfs", "start", "--port", "70000")
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.stderr
