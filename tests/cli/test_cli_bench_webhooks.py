"""`sanzhi bench webhooks`, small: every expected webhook arrives, signed, though the deliverer
is killed with SIGKILL mid-stream; the figures are written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import run_cli


def test_a_killed_deliverer_loses_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "webhooks.json"
    result = run_cli(
        capsys, "bench", "webhooks", "--subscriptions", "2", "--events", "4", "--burst", "30",
        "--out", str(out), "--workdir", str(tmp_path), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    figures = json.loads(out.read_text())
    assert json.loads(result.stdout) == figures
    assert figures["expected"] == 2 * (1 + 4 + 30 + 30)  # a warm-up, the latency events, two bursts
    assert figures["lost"] == 0
    assert figures["received_unique"] == figures["expected"]
    assert figures["refused_signatures"] == 0
    assert figures["received_at_kill"] < 2 * 30  # killed mid-stream, not after the end
    assert 0 < figures["latency_p50_ms"] <= figures["latency_p99_ms"]
    assert figures["deliveries_per_s"] > 0
