"""`sanzhi up` says how long a slow step has taken, so a first run is never silent for long."""

from __future__ import annotations

import threading

from cli.up_runtime import progress


def test_a_slow_step_prints_a_line_every_interval_and_stops_when_done() -> None:
    said: list[str] = []
    enough = threading.Event()

    def say(line: str) -> None:
        said.append(line)
        if len(said) == 3:
            enough.set()

    with progress("indexing the chain", every=0.01, say=say):
        assert enough.wait(timeout=30)  # the step "runs" until three lines were said
    assert said[:3] == ["  indexing the chain: 0 s"] * 3  # whole seconds: 0.01 s each here
    # once the step is done its ticker is gone: nothing more is said
    assert "progress" not in [thread.name for thread in threading.enumerate()]


def test_a_quick_step_says_nothing() -> None:
    said: list[str] = []
    with progress("deploying", every=60, say=said.append):
        pass
    assert said == []
