"""`sanzhi up` as a newcomer runs it (`make run`): a subprocess on a data directory of its own,
with its own ports; up, used, stopped with SIGINT, and up again on the same data."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from demo.seed import SeedRecord, marker_path
from ledger.devnet.node import read_node_info
from tests.support import ROOT, free_port

SANZHI = str(Path(sys.executable).with_name("sanzhi"))
STARTUP_SECONDS = 90
STOP_SECONDS = 45


class Up:
    """A running `sanzhi up`; its output read line by line by a thread (a select on a buffered
    pipe would miss lines already in the buffer)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def read_until(self, pattern: str, seconds: float) -> re.Match[str]:
        """The first output line matching `pattern` (the lines before it are kept)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.output.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.output))

    def token(self, role: str) -> str:
        found = next(re.search(r"szk_\w+", line) for line in self.output if line.strip().startswith(f"CN {role}"))
        assert found is not None
        return found.group(0)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=STOP_SECONDS)
        self._reader.join(timeout=10)
        while not self._lines.empty():
            line = self._lines.get()
            if line is not None:
                self.output.append(line)
        return code


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Up]]:
    started: list[Up] = []

    def run(data_dir: Path, *options: str) -> Up:
        process = subprocess.Popen(
            [SANZHI, "--data-dir", str(data_dir), "up", *options],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "SANZHI_RPC_URL": "http://127.0.0.1:9"},
        )
        up = Up(process)
        started.append(up)
        return up

    yield run
    for up in started:  # a failed test leaves nothing running either
        up.close()
    info = read_node_info(tmp_path / "data" / "node")
    if info is not None and alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)


def test_up_serves_the_seeded_demo_stops_cleanly_and_finds_it_again(start: Callable[..., Up], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run = start
    # something else holds the ports asked for: the node and the service move to free ones
    with socket.socket() as node_port, socket.socket() as api_port:
        for held in (node_port, api_port):
            held.bind(("127.0.0.1", 0))
            held.listen()
        asked_node, asked_api = node_port.getsockname()[1], api_port.getsockname()[1]
        first: Up = run(data_dir, "--port", str(asked_node), "--api-port", str(asked_api))
        portal = first.read_until(r"Portal: (http://127\.0\.0\.1:\d+)/", STARTUP_SECONDS).group(1)
    text = "\n".join(first.output)
    assert f"port {asked_node} is taken" in text
    assert f"port {asked_api} is taken" in text
    assert "demo data seeded" in text
    assert f":{asked_api}/" not in portal + "/"
    first.read_until(r"Ctrl-C stops everything", 5)
    info = read_node_info(data_dir / "node")
    assert info is not None
    assert info.port != asked_node
    assert alive(info.pid)
    seeded = SeedRecord.model_validate_json(marker_path(data_dir).read_text())
    keys = data_dir / "dev-api-keys.json"
    assert keys.stat().st_mode & 0o777 == 0o600
    auditor = first.token("auditor")
    assert auditor in keys.read_text()

    with httpx.Client(base_url=portal, timeout=20) as http:
        assert http.get("/health").status_code == 200
        home = http.get("/")
        assert home.status_code == 200
        assert "<form" in home.text
        search = http.get(
            "/audit/events", params={"certificate": seeded.numbers[-1]}, headers={"Authorization": f"Bearer {auditor}"}
        )
        assert search.status_code == 200, search.text
        events = {item["event"] for item in search.json()["items"]}
        assert {"CertificatesIssued", "CertificateRevoked"} <= events
        recognition = http.get(
            "/aeo/recognition",
            params={"operator": "USCI:91310000MA1FL8XQ30", "certified_by": "CN", "recognised_by": "SG"},
        )
        assert recognition.status_code == 200
        assert recognition.json()["recognized"] is True

    # a second `sanzhi up` on the same data directory meanwhile: refused in one line
    second = subprocess.run(
        [SANZHI, "--data-dir", str(data_dir), "up", "--port", str(free_port()), "--api-port", str(free_port())],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"error: `sanzhi up` already runs on {data_dir} (pid {first.process.pid}); stop it first (Ctrl-C)"
    ]

    assert first.stop(signal.SIGINT) == 0, "\n".join(first.output)
    assert not alive(info.pid), "the node is still running"
    assert any(line.startswith("stopped;") for line in first.output)

    # again on the same data: nothing seeded, the same certificates, the same keys; SIGTERM stops it
    again: Up = run(data_dir, "--port", str(free_port()), "--api-port", str(free_port()))
    portal = again.read_until(r"Portal: (http://127\.0\.0\.1:\d+)/", STARTUP_SECONDS).group(1)
    text = "\n".join(again.output)
    assert "demo data already on this chain" in text
    assert "anchored" not in text
    assert SeedRecord.model_validate_json(marker_path(data_dir).read_text()) == seeded
    again.read_until(r"Ctrl-C stops everything", 5)
    assert again.token("auditor") == auditor
    with httpx.Client(base_url=portal, timeout=20) as http:
        assert http.get("/health").status_code == 200
        history = http.get(
            "/audit/events", params={"certificate": seeded.numbers[0]}, headers={"Authorization": f"Bearer {auditor}"}
        )
        assert history.status_code == 200
        assert history.json()["items"]
    info = read_node_info(data_dir / "node")
    assert info is not None
    assert again.stop(signal.SIGTERM) == 0, "\n".join(again.output)
    assert not alive(info.pid)
    assert json.loads(keys.read_text())["keys"][0]["token"] == auditor


def test_a_reset_chain_is_seeded_and_indexed_afresh(start: Callable[..., Up], tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start(data_dir, "--port", str(free_port()), "--api-port", str(free_port()))
    first.read_until(r"Ctrl-C stops everything", STARTUP_SECONDS)
    assert first.stop() == 0
    seeded = SeedRecord.model_validate_json(marker_path(data_dir).read_text())
    (data_dir / "node" / "state.json").unlink()  # the chain is gone; the index and keys stay

    again = start(data_dir, "--port", str(free_port()), "--api-port", str(free_port()))
    again.read_until(r"Ctrl-C stops everything", STARTUP_SECONDS)
    text = "\n".join(again.output)
    assert "demo data seeded" in text
    assert "indexing this one afresh" in text
    reseeded = SeedRecord.model_validate_json(marker_path(data_dir).read_text())
    assert reseeded.chain.deployment_block_hash != seeded.chain.deployment_block_hash
    assert set(reseeded.numbers).isdisjoint(seeded.numbers)
    assert all(Path(p).exists() for p in seeded.certificates)  # the old chain's files are kept
    assert again.stop() == 0
