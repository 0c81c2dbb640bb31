"""kill -9 the feed process mid-submission, restart it: the chain ends exactly as the file says."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from oracles.aeo_feed import outbox_path
from tests.conftest import Chain
from tests.oracles.conftest import chain_view
from tests.oracles.test_aeo_quorum_feed import write_source

SANZHI = Path(sys.executable).parent / "sanzhi"


def start_feed(chain: Chain, source: Path) -> subprocess.Popen[bytes]:
    log = source.with_suffix(".log").open("ab")
    try:
        return subprocess.Popen(
            [str(SANZHI), "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, "oracle", "aeo-feed",
             "--source", str(source), "--as", "cn-oracle", "--batch-size", "4", "--pipeline", "2"],
            stdout=log,
            stderr=log,
        )  # fmt: skip
    finally:
        log.close()


def finish(process: subprocess.Popen[bytes], source: Path) -> str:
    assert process.wait(timeout=120) == 0, source.with_suffix(".log").read_text()
    lines = source.with_suffix(".log").read_text().splitlines()
    return lines[-1] if lines else ""


def batch_states(chain: Chain) -> dict[str, int]:
    path = outbox_path(chain.settings)
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return dict(db.execute("SELECT state, count(*) FROM batches GROUP BY state").fetchall())
    except sqlite3.OperationalError:
        return {}


def reconciled(chain: Chain) -> int:
    """Batches found already applied (used nonce) when a restarted feed reconciled them."""
    with sqlite3.connect(outbox_path(chain.settings), timeout=5) as db:
        return int(db.execute("SELECT count(*) FROM batches WHERE error LIKE 'nonce already used%'").fetchone()[0])


def kill_when(chain: Chain, process: subprocess.Popen[bytes], ready: str, done_at_least: int) -> None:
    """SIGKILL the feed as soon as a batch is `ready` (submitting/submitted) and enough are done."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        states = batch_states(chain)
        if states.get(ready, 0) and states.get("done", 0) >= done_at_least:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.002)
    raise AssertionError(f"the feed finished or stalled before it could be killed: {batch_states(chain)}")


def test_killed_feed_resumes_without_losing_or_doubling_a_change(feed_chain: Chain, tmp_path: Path) -> None:
    source = tmp_path / "aeo.csv"
    ops = write_source(source, 120)
    kill_when(feed_chain, start_feed(feed_chain, source), "submitted", 1)
    kill_when(feed_chain, start_feed(feed_chain, source), "submitting", 6)
    killed_states = batch_states(feed_chain)
    assert killed_states.get("done", 0) < 30
    finish(start_feed(feed_chain, source), source)
    # The killed processes' last transactions were mined: found applied by nonce, not resent.
    assert reconciled(feed_chain) >= 1
    view = chain_view(feed_chain, ops)
    # Exactly as the file says, and every change applied once (history length).
    assert all(view[op] == ("suspended", "advanced", 2) for op in ops[::7])
    assert all(view[op] == ("active", "advanced", 1) for i, op in enumerate(ops) if i % 7)
    assert "0 new changes, 0 applied in 0 transactions" in finish(start_feed(feed_chain, source), source)
