"""The soak's system, part by part: each one started, killed with SIGKILL, started again, and
asked whether it serves again (the recovery the soak measures).

- node: the data directory's embedded anvil node, restarted from its state file (and its journal
  of sent transactions, ledger/chain/sent_journal.py);
- worker: one of the two worker processes of `sanzhi serve --workers 2` (its supervisor starts
  another); the service runs without its own follower or deliverer, which are parts of their own;
- follower: `sanzhi index --follow`;
- deliverer: the service's webhook loop (benchmarks/webhook_deliverer.py);
- oracle: CN's AEO feed (`sanzhi oracle aeo-feed --watch`) on a CSV file the soak rewrites.
"""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import Engine

from ledger.devnet.node import EmbeddedNode
from ledger.errors import LedgerError
from ledger.parallel import die_with_parent, stop_process_group

POLL_SECONDS = 0.05
START_SECONDS = 90.0


def sanzhi(data_dir: Path, *args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("sanzhi")), "--data-dir", str(data_dir), *args]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Poll `condition` until it holds; the monotonic time it did. LedgerError on timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise LedgerError(f"the soak timed out waiting for {what}")
        time.sleep(POLL_SECONDS)
    return time.monotonic()


@dataclass
class Child:
    """A child process of the soak, its output in a log file; killed with the soak."""

    argv: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        parent = os.getpid()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env,
                                            preexec_fn=lambda: die_with_parent(parent),
                                            start_new_session=True)  # fmt: skip

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL, and reap it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM to its process group (its own children too), SIGKILL after 20 s."""
        if self.process is not None:
            stop_process_group(self.process)

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()


class Node:
    """The embedded node; a kill loses the blocks since its last state write, which the restart
    sends again from the journal."""

    name = "node"

    def __init__(self, data_dir: Path, port: int) -> None:
        self.node = EmbeddedNode(data_dir, port=port)
        self.resent = 0  # transactions the restarts sent again from the journal
        self.refused = 0  # journalled transactions the restarted node refused (a nonce taken meanwhile)
        self.refusals: list[str] = []  # the node's words for them

    def kill(self) -> None:
        info = self.node.status().info
        if info is None:
            raise LedgerError("the soak's node has no record of its process")
        os.kill(info.pid, signal.SIGKILL)
        wait_until(lambda: not self.node.status().running, timeout=10, what="the killed node to end")

    def restart(self) -> None:
        self.node.start()
        if self.node.replayed:
            self.resent += self.node.replayed.resent
            self.refused += self.node.replayed.refused
            self.refusals += self.node.replayed.reasons

    def serving(self) -> bool:
        return self.node.status().block_number is not None


class Service:
    """`sanzhi serve --workers 2` for CN: the supervisor and its two workers."""

    name = "worker"

    def __init__(self, data_dir: Path, port: int, logs: Path, *, seed: int) -> None:
        self.port = port
        self.rng = random.Random(seed)  # which of the two workers dies
        self.child = Child(sanzhi(data_dir, "serve", "--org", "CN", "--port", str(port), "--workers", "2",
                                  "--no-follow", "--no-webhooks", "--public-rate", "0", "--key-rate", "0"),
                           logs / "service.log")  # fmt: skip
        self.killed: int | None = None

    def start(self) -> None:
        self.child.start()
        wait_until(self.serving, timeout=START_SECONDS, what="the service's two workers")

    def workers(self) -> list[int]:
        """The supervisor's live worker processes (multiprocessing's resource tracker, its other
        child, is not one)."""
        try:
            text = Path(f"/proc/{self.child.pid}/task/{self.child.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split() if _running(int(p)) and _worker(int(p))]

    def kill(self) -> None:
        workers = self.workers()
        if not workers:
            raise LedgerError("the soak's service has no worker to kill")
        self.killed = self.rng.choice(sorted(workers))
        os.kill(self.killed, signal.SIGKILL)

    def restart(self) -> None:
        return None  # the supervisor starts another worker

    def serving(self) -> bool:
        """Two workers listen again (the one killed is not among them) and /health answers."""
        workers = self.workers()
        if len(workers) < 2 or self.killed in workers or _listening(self.port) < 2:
            return False
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False


class Follower:
    """`sanzhi index --follow`: serving again once its checkpoint reached the head at its restart."""

    name = "follower"

    def __init__(self, data_dir: Path, engine: Engine, head: Callable[[], int], logs: Path) -> None:
        self.child = Child(sanzhi(data_dir, "index", "--follow", "--interval", "0.2"), logs / "follower.log")
        self.engine = engine
        self.head = head
        self.target = 0

    def start(self) -> None:
        self.child.start()

    def kill(self) -> None:
        self.child.kill()

    def restart(self) -> None:
        self.target = self.head()
        self.child.start()

    def checkpoint(self) -> int:
        from ledger.index.state import read_checkpoint

        with self.engine.connect() as connection:
            found = read_checkpoint(connection)
        return found.block if found else -1

    def serving(self) -> bool:
        return self.checkpoint() >= self.target


class Deliverer:
    """The webhook deliverer: serving again once it holds the lease and delivers."""

    name = "deliverer"

    def __init__(self, database_url: str, key: bytes, delivered: Callable[[], int], logs: Path) -> None:
        env = {
            **os.environ,
            "SANZHI_BENCH_DATABASE_URL": database_url,
            "SANZHI_BENCH_WEBHOOK_KEY": base64.b64encode(key).decode(),
            "SANZHI_BENCH_POLL_SECONDS": "0.2",
        }
        self.child = Child([sys.executable, "-m", "benchmarks.webhook_deliverer"], logs / "deliverer.log", env)
        self.delivered = delivered
        self.before = 0

    def start(self) -> None:
        self.child.start()

    def kill(self) -> None:
        self.child.kill()

    def restart(self) -> None:
        self.before = self.delivered()
        self.child.start()

    def serving(self) -> bool:
        """A delivery arrived since the restart (the soak's evidence client keeps them coming)."""
        return self.delivered() > self.before


class Oracle:
    """CN's AEO feed: serving again once it has completed a cycle after its restart."""

    name = "oracle"

    def __init__(self, data_dir: Path, source: Path, logs: Path) -> None:
        self.log = logs / "oracle.log"
        self.child = Child(sanzhi(data_dir, "oracle", "aeo-feed", "--as", "cn-oracle", "--source", str(source),
                                  "--watch", "--interval", "1", "--json"), self.log)  # fmt: skip
        self.cycles_before = 0

    def cycles(self) -> int:
        try:
            return self.log.read_bytes().count(b'"records"')
        except OSError:
            return 0

    def start(self) -> None:
        self.child.start()

    def kill(self) -> None:
        self.child.kill()

    def restart(self) -> None:
        self.cycles_before = self.cycles()
        self.child.start()

    def serving(self) -> bool:
        return self.cycles() > self.cycles_before


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _worker(pid: int) -> bool:
    try:
        return b"--multiprocessing-fork" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _listening(port: int) -> int:
    """How many sockets listen on `port` (IPv4), from /proc/net/tcp."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            count += 1
    return count
