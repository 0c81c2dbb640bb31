"""scripts/step: the long setup steps say how far they are, and a failure shows why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

STEP = ROOT / "scripts" / "step"


def test_a_long_step_prints_progress_with_its_latest_line_until_it_is_done(tmp_path: Path) -> None:
    release = tmp_path / "release"
    os.mkfifo(release)
    # the step's command says what it is doing, then blocks on the pipe until the test, having
    # seen progress, writes to it
    child = f"print('Collecting web3', flush=True)\nopen({str(release)!r}).read()\nprint('installed', flush=True)\n"
    log = tmp_path / "logs" / "pip.log"
    step = subprocess.Popen(
        [sys.executable, STEP, "Python packages", log, "--every", "0.05", "--", sys.executable, "-c", child],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert step.stdout is not None
    seen = [step.stdout.readline(), step.stdout.readline()]
    while "Collecting web3" not in seen[-1]:
        line = step.stdout.readline()
        assert line, f"step ended before it showed the command's progress: {seen}"
        seen.append(line)
    release.write_text("go")
    rest, _ = step.communicate(timeout=60)
    assert step.returncode == 0
    assert seen[0] == f"Python packages: started (output in {log})\n"
    assert seen[-1].startswith("Python packages: ")
    assert seen[-1].endswith(" s, Collecting web3\n")
    assert rest.splitlines()[-1].startswith("Python packages: done in ")
    assert log.read_text() == "Collecting web3\ninstalled\n"


def test_a_failed_step_exits_with_its_status_and_shows_the_end_of_its_output(tmp_path: Path) -> None:
    child = "import sys\nfor n in range(100): print(f'line {n}')\nsys.exit(3)\n"
    log = tmp_path / "npm.log"
    run = subprocess.run(
        [sys.executable, STEP, "Node packages", log, "--", sys.executable, "-c", child],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 3
    shown = run.stderr.splitlines()
    assert shown[0] == "line 60"  # the last 40 lines, then what failed and where the rest is
    assert shown[-2] == "line 99"
    assert shown[-1].startswith("Node packages: FAILED after ")
    assert f"exit 3; whole output in {log}" in shown[-1]
    assert "done in" not in run.stdout


def test_every_installer_of_the_setup_runs_through_step() -> None:
    """pip, npm and the compiler are the minutes of a first run: none may run silent."""
    recipes = (ROOT / "Makefile").read_text().replace("\\\n", " ").splitlines()
    for installer in ("pip install -e", "npm ci", "build --use"):
        (line,) = [line for line in recipes if installer in line]
        assert line.lstrip().startswith("@$(STEP) "), line
