"""A short chaos soak of the whole system: parts are killed, nothing acknowledged is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.soak.run import run_soak

pytestmark = pytest.mark.soak


def test_a_short_chaos_soak_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    report = run_soak(minutes=0.25, chaos=True, seed=7, workdir=tmp_path)
    assert report.kills > 0
    assert report.acknowledged > 0
    assert (report.lost, report.duplicated, report.http_5xx, report.quantities.mismatches) == (0, 0, 0, 0), (
        report.writes.details,
        report.errors.details,
        report.quantities.details,
    )
    assert report.kills_unrecovered == 0
    assert report.webhooks.expected > 0
