"""Timing commands as a user starts them: each one's wall time and peak memory, measured from a
small launcher process.

Linux counts in a process's peak memory the peak of the process it was started from (exec
records the old address space's high-water mark in the new program's): a command started by a
benchmark that holds web3 and a chain's state is charged 100 MB it never used. So a benchmark
starts this module (`python -m benchmarks.processes`: the standard library and the error
classes, a few MB), and it starts the commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

from ledger.errors import LedgerError


@dataclass(frozen=True)
class ProcessRun:
    wall_ms: float
    max_rss_mb: float


def measure(commands: dict[str, list[str]], *, runs: int, env: dict[str, str]) -> dict[str, list[ProcessRun]]:
    """Each command run `runs` times by a launcher process with the environment `env`; the
    commands take turns, so a burst of load on a shared machine spreads over all of them."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.processes"],
        input=json.dumps({"commands": commands, "runs": runs}),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise LedgerError(done.stderr.strip()[-800:] or f"the launcher exited with status {done.returncode}")
    measured: dict[str, list[dict[str, float]]] = json.loads(done.stdout)
    return {name: [ProcessRun(**run) for run in measured[name]] for name in commands}


def run_process(argv: list[str], env: dict[str, str]) -> ProcessRun:
    """Run `argv` to its end (output discarded); its wall time and peak resident memory. A
    non-zero exit is an error: the figure would time a failure."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2),
            ],
        )
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            shown = stderr.read().decode(errors="replace").strip()[-800:]
            raise LedgerError(f"{' '.join(argv[1:])} failed (status {status}): {shown or 'no output'}")
    return ProcessRun(wall_ms=wall * 1000, max_rss_mb=usage.ru_maxrss / 1024)  # ru_maxrss: KiB on Linux


def _launch() -> None:
    """The launcher: a job (commands, runs) on stdin, the runs of each command as JSON on stdout."""
    job = json.load(sys.stdin)
    commands: dict[str, list[str]] = job["commands"]
    measured: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(job["runs"]):
        for name, argv in commands.items():
            measured[name].append(asdict(run_process(argv, dict(os.environ))))
    json.dump(measured, sys.stdout)


if __name__ == "__main__":
    try:
        _launch()
    except LedgerError as exc:
        sys.exit(exc.message)
