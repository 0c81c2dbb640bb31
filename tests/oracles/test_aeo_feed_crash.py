"""kill -9 the feed process mid-submission, restart it: the chain ends exactly as the file says."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from oracles.aeo_feed import outbox_path
from oracles.outbox import Outbox
from tests.support import Chain, CliRunner, chain_view, make_feed, wait_until, write_source

# Transactions sent and not yet mined when the feed dies (for up to a second on the Besu-like
# node, an instant on the dev one), reconciled by nonce on restart.
pytestmark = pytest.mark.besu

SANZHI = Path(sys.executable).parent / "sanzhi"
FEED = ("oracle", "aeo-feed", "--as", "cn-oracle", "--batch-size", "4", "--pipeline", "2")


def start_feed(chain: Chain, source: Path) -> subprocess.Popen[bytes]:
    """The feed in a process of its own, to be killed."""
    log = source.with_suffix(".log").open("ab")
    try:
        command = [str(SANZHI), "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, *FEED]
        return subprocess.Popen([*command, "--source", str(source)], stdout=log, stderr=log)
    finally:
        log.close()


def finish(cli: CliRunner, source: Path) -> str:
    """The feed run to its end in this process (nothing kills it); its report line."""
    result = cli(*FEED, "--source", str(source))
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def batch_states(chain: Chain) -> dict[str, int]:
    path = outbox_path(chain.settings)
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return dict(db.execute("SELECT state, count(*) FROM batches GROUP BY state").fetchall())
    except sqlite3.OperationalError:
        return {}


def kill_when(chain: Chain, process: subprocess.Popen[bytes], ready: str, done_at_least: int) -> None:
    """SIGKILL the feed as soon as a batch is `ready` (submitting/submitted) and enough are done
    (the outbox is read every 2 ms: a batch is `submitting` only for a moment)."""

    def due() -> bool:
        assert process.poll() is None, f"the feed finished before it could be killed: {batch_states(chain)}"
        states = batch_states(chain)
        return bool(states.get(ready, 0)) and states.get("done", 0) >= done_at_least

    wait_until(due, timeout=60, interval=0.002, failure=lambda: f"the feed stalled: {batch_states(chain)}")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_killed_feed_resumes_without_losing_or_doubling_a_change(
    feed_chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = CliRunner(feed_chain, capsys)
    source = tmp_path / "aeo.csv"
    ops = write_source(source, 120)
    kill_when(feed_chain, start_feed(feed_chain, source), "submitted", 1)
    kill_when(feed_chain, start_feed(feed_chain, source), "submitting", 6)
    killed_states = batch_states(feed_chain)
    # killed mid-run, with batches left to finish (how many were done by then depends on how soon
    # the 2 ms poll saw a batch submitting: under load, late)
    assert killed_states.get("done", 0) < sum(killed_states.values())
    finish(cli, source)
    view = chain_view(feed_chain, ops)
    # Exactly as the file says, and every change applied once (history length).
    assert all(view[op] == ("suspended", "advanced", 2) for op in ops[::7])
    assert all(view[op] == ("active", "advanced", 1) for i, op in enumerate(ops) if i % 7)
    assert "0 new changes, 0 applied in 0 transactions" in finish(cli, source)


class Killed(BaseException):
    """Stands in for kill -9 at one exact point (BaseException: nothing catches it)."""


def test_crash_between_send_and_record_is_reconciled_by_nonce(
    feed_chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "aeo.csv"
    ops = write_source(source, 10)
    sent: list[str] = []

    def die(self: Outbox, rows: list[tuple[str, str]]) -> None:
        sent.extend(tx for _, tx in rows)
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(Outbox, "record_submitted", die)
        with pytest.raises(Killed):
            make_feed(feed_chain, batch_size=5, pipeline=2).run(str(source))
    assert len(sent) == 2  # the first two of three batches were sent and mined, unrecorded
    restarted = make_feed(feed_chain).run(str(source))
    # The third batch is sent; the first two are found applied by their used nonces (before
    # sending, or, where they were still unmined at the restart, by the contract's refusal).
    assert (restarted.new_changes, restarted.done_changes) == (0, 12)
    with sqlite3.connect(outbox_path(feed_chain.settings)) as db:
        notes = sorted(str(r[0]) for r in db.execute("SELECT error FROM batches WHERE state='done'"))
    assert notes[0] == "None"
    assert len(notes) == 3
    assert all("nonce" in note.lower() for note in notes[1:]), notes
    view = chain_view(feed_chain, ops)
    assert view[ops[0]] == ("suspended", "advanced", 2)
    assert view[ops[1]] == ("active", "advanced", 1)


def test_watch_mode_follows_a_changing_export(feed_chain: Chain, tmp_path: Path) -> None:
    source = tmp_path / "aeo.csv"
    ops = write_source(source, 3)
    log = source.with_suffix(".log").open("ab")
    try:
        process = subprocess.Popen(
            [str(SANZHI), "--data-dir", str(feed_chain.data_dir), "--rpc-url", feed_chain.rpc_url, "oracle",
             "aeo-feed", "--source", str(source), "--as", "cn-oracle", "--watch", "--interval", "0.3"],
            stdout=log,
            stderr=log,
            # a runner started in the background ignores SIGINT, and its children inherit that: the
            # feed gets the default handler, as in a terminal
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
    finally:
        log.close()
    try:
        wait_until(lambda: chain_view(feed_chain, ops)[ops[1]] == ("active", "advanced", 1), timeout=30)
        row = f"{ops[1]},advanced,2025-01-01,,"
        source.write_text(source.read_text().replace(row + "active", row + "revoked"))
        wait_until(lambda: chain_view(feed_chain, ops)[ops[1]] == ("revoked", "advanced", 2), timeout=30)
        source.write_text("")  # an unreadable export: reported, and the feed keeps running
        output = source.with_suffix(".log")
        wait_until(lambda: "the CSV has no header row (retrying in 0.3s)" in output.read_text(), timeout=30)
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
