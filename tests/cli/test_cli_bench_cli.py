"""`sanzhi bench cli`: the plumbing (processes started and measured, figures written), not the
timings."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from benchmarks.cli import GOALS
from benchmarks.processes import measure, run_process
from ledger.errors import LedgerError
from tests.support import run_cli


def test_bench_cli_writes_every_figure_with_its_goal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    result = run_cli(capsys, "bench", "cli", "--runs", "2", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    figures = json.loads(out.read_text())
    assert json.loads(result.stdout) == figures
    assert figures["runs"] == 2
    assert figures["goals"] == GOALS
    assert set(figures["meets_goals"]) == set(GOALS)
    for name in GOALS:
        assert figures[name] > 0, name


def test_a_failing_command_is_an_error_not_a_figure() -> None:
    with pytest.raises(LedgerError, match="said no"):
        run_process([sys.executable, "-c", "import sys; sys.exit('said no')"], dict(os.environ))
    with pytest.raises(LedgerError, match="said no"):
        measure({"no": [sys.executable, "-c", "import sys; sys.exit('said no')"]}, runs=1, env=dict(os.environ))


CHILD = """
import sys, time
started = time.monotonic()
held = bytearray(80 << 20)  # zero-filled: every page touched
ended = time.monotonic()
open(sys.argv[1], "w").write(f"{started} {ended}")
"""


def test_a_process_is_measured_to_its_end(tmp_path: Path) -> None:
    # the child says when its own work began and ended (CLOCK_MONOTONIC is the same clock in
    # every process): the measured wall time covers it, and its peak memory is the 80 MB it held
    run = run_process([sys.executable, "-c", CHILD, str(tmp_path / "span")], dict(os.environ))
    started, ended = (float(v) for v in (tmp_path / "span").read_text().split())
    assert run.wall_ms >= (ended - started) * 1000
    assert run.max_rss_mb >= 80


def test_a_measured_process_is_not_charged_with_the_memory_of_the_one_measuring() -> None:
    held = bytearray(300 << 20)  # a process started from this one would count it in its peak
    [run] = measure({"empty": [sys.executable, "-c", "pass"]}, runs=1, env=dict(os.environ))["empty"]
    assert run.max_rss_mb < 100
    assert len(held) == 300 << 20
