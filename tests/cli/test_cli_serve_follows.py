"""`sanzhi serve` follows the chain into the audit index itself, and an issuance's numbers reach
the index as they are written: an auditor finds a number issued a moment ago."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy.exc import OperationalError

from cli.up_runtime import start_follower
from ledger.index import Follower
from tests.support import CliRunner, free_port, wait_until


@contextmanager
def _serving(data_dir: Path, rpc_url: str, database: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    env = {**os.environ, "SANZHI_DATABASE_URL": f"sqlite:///{database}"}
    command = [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(data_dir), "--rpc-url", rpc_url,
               "serve", "--org", "CN", "--port", str(port), "--interval", "0.2", *extra]  # fmt: skip
    database.parent.mkdir(parents=True, exist_ok=True)
    log = database.with_suffix(".stderr").open("w")  # a file, not a pipe: a long log never blocks it
    server = subprocess.Popen(command, env=env, stderr=log, text=True, start_new_session=True)
    try:

        def healthy() -> bool:
            assert server.poll() is None, database.with_suffix(".stderr").read_text()
            try:
                return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code in (200, 503)
            except requests.ConnectionError:
                return False

        wait_until(healthy, timeout=60, failure="the service did not answer")
        yield server, port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=40)
        log.close()


def _stderr(database: Path) -> str:
    return database.with_suffix(".stderr").read_text()


def test_serve_follows_by_default_and_a_number_issued_from_the_cli_is_found(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "index" / "audit.sqlite"
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{database}")
    with _serving(cli.chain.data_dir, cli.chain.rpc_url, database, "--workers", "2") as (server, _):
        # the service's follower creates and fills the index: no `sanzhi index`
        wait_until(lambda: cli("audit", "search", "--org", "CN", "--json").exit_code == 0, timeout=60,
                   failure="the service never indexed the chain")  # fmt: skip
        assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "docs"), "--seed", "21").exit_code == 0
        issued = cli("cert", "issue", str(tmp_path / "docs"), "--as", "cn-issuer", "--out", str(tmp_path / "w"))
        assert issued.exit_code == 0, issued.stderr
        assert "audit index: 1 certificate number(s) recorded" in issued.stdout
        [wrapped] = (tmp_path / "w").glob("*.json")
        number = json.loads(wrapped.read_text())["data"]["certificate_number"]

        def found() -> list[str]:
            answer = cli("audit", "search", "--certificate", number, "--json")
            assert answer.exit_code == 0, answer.stderr  # the number is known at once
            return [item["event"] for item in json.loads(answer.stdout)["items"]]

        assert wait_until(found, timeout=60, failure="the follower never indexed the issue") == ["CertificatesIssued"]
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(timeout=40) == 0  # stopping the service stops its follower
    said = _stderr(database)
    assert "following the chain into the audit index" in said
    assert "warning" not in said


def test_serve_without_an_index_database_issues_and_says_where_the_numbers_will_come_from(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "none" / "audit.sqlite"
    monkeypatch.setenv("SANZHI_DATABASE_URL", f"sqlite:///{database}")
    assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "docs"), "--seed", "22").exit_code == 0
    issued = cli("cert", "issue", str(tmp_path / "docs"), "--as", "cn-issuer", "--out", str(tmp_path / "w"), "--json")
    assert issued.exit_code == 0, issued.stderr
    assert json.loads(issued.stdout)["index"]["indexed"] is False
    assert "`sanzhi index`" in json.loads(issued.stdout)["index"]["note"]
    assert not database.exists()  # an issuance creates no index


def test_no_follow_is_said_and_a_failing_follower_does_not_stop_the_service(tmp_path: Path) -> None:
    nothing = f"http://127.0.0.1:{free_port()}"  # no node answers there
    with _serving(tmp_path / "data", nothing, tmp_path / "a.sqlite", "--no-follow") as (server, _):
        pass
    assert "not following the chain (--no-follow)" in _stderr(tmp_path / "a.sqlite")
    assert server.returncode == 0
    with _serving(tmp_path / "data", nothing, tmp_path / "b.sqlite") as (server, port):
        wait_until(lambda: "warning: index:" in _stderr(tmp_path / "b.sqlite"), timeout=30, failure="no warning")
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()["chain_reachable"] is False
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(timeout=40) == 0
    said = _stderr(tmp_path / "b.sqlite")
    assert "warning: index:" in said
    assert "retrying" in said


def test_a_follower_that_cannot_be_built_yet_is_built_again(capsys: pytest.CaptureFixture[str]) -> None:
    """A database that is not up yet (any error, not only the library's) is retried, never the
    end of the follower thread."""
    stop = threading.Event()
    attempts: list[int] = []

    def build() -> Follower:
        attempts.append(1)
        if len(attempts) == 2:
            stop.set()
        raise OperationalError("connect", {}, ConnectionRefusedError("database not up"))

    start_follower(follower=build, stop=stop, poll_seconds=0.01).join(timeout=30)
    assert len(attempts) == 2
    assert capsys.readouterr().err.count("warning: index: ") == 2
