"""`sanzhi apikey create|list|revoke` and `sanzhi serve` (uvicorn in a child process)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from api.workers import STARTUP_SECONDS, supervise
from ledger.errors import LedgerError
from tests.support import Chain, assert_clean_error, child_processes, free_port, run_cli, wait_until


def test_a_trader_key_names_its_account_and_operator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, account = ["--data-dir", str(tmp_path)], "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"
    trader = [*data, "apikey", "create", "--org", "CN", "--role", "trader", "--account", account, "--label", "party"]
    created = run_cli(capsys, *trader, "--operator", "usci:91330200ma2ab1cd2x")
    assert created.exit_code == 0, created.stderr
    assert f"account {account}, operator USCI:91330200MA2AB1CD2X" in created.stdout
    listed = run_cli(capsys, *data, "apikey", "list")
    assert "USCI:91330200MA2AB1CD2X" in listed.stdout
    no_scheme = run_cli(capsys, *trader, "--operator", "91330200MA2AB1CD2X")
    assert_clean_error(no_scheme, "has no scheme")
    assert no_scheme.exit_code == 2
    customs = [*data, "apikey", "create", "--org", "CN", "--role", "customs", "--label", "x"]
    assert_clean_error(run_cli(capsys, *customs, "--operator", "USCI:1"), "only a trader key names an operator")


def test_create_list_and_revoke_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    created = run_cli(capsys, *data, "apikey", "create", "--org", "sg", "--role", "customs", "--label", "desk 4",
                      "--json")  # fmt: skip
    assert created.exit_code == 0, created.stderr
    body = json.loads(created.stdout)
    key_id, token = body["key"]["key_id"], body["token"]
    assert token.startswith(f"szk_{key_id}_")
    assert (tmp_path / "index.sqlite").exists()
    listed = run_cli(capsys, *data, "apikey", "list")
    assert key_id in listed.stdout
    assert token.split("_")[2] not in listed.stdout
    revoked = run_cli(capsys, *data, "apikey", "revoke", key_id)
    assert revoked.exit_code == 0
    assert "revoked" in revoked.stdout
    active = json.loads(run_cli(capsys, *data, "apikey", "list", "--active", "--json").stdout)
    assert active == []
    assert_clean_error(run_cli(capsys, *data, "apikey", "revoke", key_id), "was revoked at")
    assert_clean_error(run_cli(capsys, *data, "apikey", "revoke", "0" * 16), "not found")
    assert_clean_error(
        run_cli(capsys, *data, "apikey", "create", "--org", "CN", "--role", "root", "--label", "x"), "unknown role"
    )


def test_a_trader_key_names_its_account_by_address_or_profile(
    chain: Chain, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ["--data-dir", str(chain.data_dir)]
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.sqlite'}")
    create = [*data, "apikey", "create", "--org", "CN", "--label", "desk"]
    by_profile = run_cli(capsys, *create, "--role", "trader", "--account", "cn-trader", "--json")
    assert by_profile.exit_code == 0, by_profile.stderr
    address = chain.client("cn-trader").address
    assert json.loads(by_profile.stdout)["key"]["account"] == address
    by_address = run_cli(capsys, *create, "--role", "trader", "--account", address.lower())
    assert by_address.exit_code == 0
    assert f"account {address}" in by_address.stdout
    listed = run_cli(capsys, *data, "apikey", "list")
    assert "ACCOUNT" in listed.stdout
    assert listed.stdout.count(address) == 2
    assert_clean_error(run_cli(capsys, *create, "--role", "trader"), "acts for one party account")
    assert_clean_error(run_cli(capsys, *create, "--role", "customs", "--account", "cn-trader"), "only a trader key")
    assert_clean_error(run_cli(capsys, *create, "--role", "trader", "--account", "nobody"), "neither an account")


def test_serve_refuses_bad_settings_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert_clean_error(run_cli(capsys, *data, "serve", "--signer", "issuer"), "ROLE=PROFILE")
    assert_clean_error(run_cli(capsys, *data, "serve", "--signer", "issuer=cn-issuer"), "no organisation")
    assert_clean_error(run_cli(capsys, *data, "serve", "--org", "CN", "--signer", "boss=cn-admin"),
                       "unknown signer role")  # fmt: skip


@contextmanager
def _serving(
    chain: Chain, tmp_path: Path, port: int, workers: int, startup_seconds: float | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    sanzhi = Path(sys.executable).with_name("sanzhi")
    env = {**os.environ, "SANZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'service.sqlite'}"}
    if startup_seconds is not None:
        env["SANZHI_API_WORKER_STARTUP_SECONDS"] = str(startup_seconds)
    command = [str(sanzhi), "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, "serve", "--org", "CN",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_healthy(port, server)
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=40)
        if server.stderr:
            server.stderr.close()


def _wait_healthy(port: int, server: subprocess.Popen[bytes]) -> requests.Response:
    def health() -> requests.Response | None:
        try:
            return requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
        except requests.RequestException:  # not listening yet, or a worker still starting on a busy machine
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            return None

    return wait_until(health, timeout=60, failure="the service did not answer")


def _listening(port: int) -> int:
    """How many sockets listen on `port` (each worker has its own: SO_REUSEPORT), from /proc."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                count += state == "0A" and int(local.rsplit(":", 1)[1], 16) == port
    return count


def _workers(supervisor: int) -> set[int]:
    """The supervisor's worker processes (multiprocessing's resource tracker aside)."""
    return {p for p in child_processes(supervisor) if "resource_tracker" not in Path(f"/proc/{p}/cmdline").read_text()}


def test_serve_answers_on_its_port_with_two_workers(chain: Chain, tmp_path: Path) -> None:
    port = free_port()
    with _serving(chain, tmp_path, port, workers=2) as server:
        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["organisation"] == "CN"
        refused = requests.get(f"http://127.0.0.1:{port}/consortium/members", timeout=5)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert len(_workers(server.pid)) == 2
    assert server.returncode == 0
    assert child_processes(server.pid) == set()  # every worker stopped with it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_that_dies_is_replaced_and_a_second_service_cannot_share_the_port(
    chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    # no start-up window: a worker's death is replaced at once, without waiting for the window
    # to pass (test_the_supervisor_replaces_a_worker_only_after_the_start_up_window checks it)
    with _serving(chain, tmp_path, port, workers=2, startup_seconds=0) as server:
        # another service on the same port would silently take half the connections: refused
        second = run_cli(capsys, "--data-dir", str(tmp_path / "other"), "serve", "--port", str(port), "--workers", "2")
        assert_clean_error(second, f"cannot listen on 127.0.0.1:{port}")
        # both workers listening: the service answered once, when the first of them was
        wait_until(lambda: _listening(port) == 2, timeout=30, failure=lambda: f"{_listening(port)} listening")
        victim = min(wait_until(lambda: _workers(server.pid), timeout=30))
        os.kill(victim, signal.SIGKILL)

        def replaced() -> bool:
            assert server.poll() is None, "the service stopped"
            workers = _workers(server.pid)
            return victim not in workers and len(workers) == 2

        wait_until(replaced, timeout=30, interval=0.1, failure=lambda: f"workers: {_workers(server.pid)}")
        for _ in range(6):  # every request answered while the new worker starts
            assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


class _Process:
    """A stand-in for a worker process, alive until the test ends it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exitcode: int | None = None

    def is_alive(self) -> bool:
        return self.exitcode is None


def _supervised(script: list[Callable[[list[tuple[_Process, float]]], None]]) -> tuple[list[int], list[float]]:
    """Run the supervisor of two stand-in workers on a fake clock that a 0.2 s nap moves on by
    one second; before each nap, the next step of `script` acts on the running workers.
    The pids started, and the clock's time at each nap."""
    now = [100.0]
    started: list[int] = []
    naps: list[float] = []
    running: list[tuple[_Process, float]] = []

    def start() -> _Process:
        started.append(len(started) + 1)
        return _Process(started[-1])

    def nap(seconds: float) -> None:
        assert seconds == 0.2
        naps.append(now[0])
        now[0] += 1.0
        if len(naps) <= len(script):
            script[len(naps) - 1](running)

    supervise(running, start, 2, stopping=lambda: len(naps) > len(script), clock=lambda: now[0], sleep=nap)
    return started, naps


def _end_first(running: list[tuple[_Process, float]]) -> None:
    running[0][0].exitcode = -9


def _nothing(running: list[tuple[_Process, float]]) -> None:
    return


def test_the_supervisor_replaces_a_worker_only_after_the_start_up_window() -> None:
    assert STARTUP_SECONDS == 5.0
    # ended 5 s after its start (the window has passed): replaced by a third worker
    started, naps = _supervised([_nothing, _nothing, _nothing, _nothing, _end_first, _nothing])
    assert started == [1, 2, 3]
    assert naps == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0]
    # ended 1 s after its start: the service stops rather than start it again and again
    with pytest.raises(LedgerError, match=r"a service worker stopped while starting \(exit code -9\)"):
        _supervised([_end_first, _nothing])
