"""`make analyze` fails on a High or Medium Slither finding the triage file does not list with a
reason, and on a triage entry that matches nothing any more; Low findings do not count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT, load_script


def finding(check: str, impact: str, contract: str, signature: str) -> dict[str, Any]:
    function = {
        "type": "function",
        "name": signature.split("(")[0],
        "type_specific_fields": {"parent": {"type": "contract", "name": contract}, "signature": signature},
    }
    return {"check": check, "impact": impact, "description": f"{contract}.{signature} ...\n", "elements": [function]}


def gate(tmp_path: Path, findings: list[dict[str, Any]], triage: list[dict[str, str]]) -> int:
    results, triage_file = tmp_path / "results.json", tmp_path / "triage.json"
    results.write_text(json.dumps({"success": True, "error": None, "results": {"detectors": findings}}))
    triage_file.write_text(json.dumps({"findings": triage}))
    code: int = load_script("slither_gate").main(str(results), str(triage_file))
    return code


DIVIDE = finding("divide-before-multiply", "Medium", "StatisticsRegistry", "_periodOf(uint64)")
REASON = {
    "detector": "divide-before-multiply",
    "where": "StatisticsRegistry._periodOf(uint64)",
    "count": 1,
    "reason": "calendar",
}


def test_a_triaged_finding_passes(tmp_path: Path) -> None:
    assert gate(tmp_path, [DIVIDE], [REASON]) == 0


def test_an_untriaged_high_finding_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    high = finding("uninitialized-state", "High", "CertificateRegistry", "issue(bytes32)")
    assert gate(tmp_path, [DIVIDE, high], [REASON]) == 1
    assert "uninitialized-state at CertificateRegistry.issue(bytes32)" in capsys.readouterr().err


def test_low_findings_do_not_count(tmp_path: Path) -> None:
    assert gate(tmp_path, [finding("timestamp", "Low", "AeoRegistry", "_now(uint64)")], []) == 0


def test_a_stale_entry_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate(tmp_path, [], [REASON]) == 1
    assert "matches no finding" in capsys.readouterr().err


def test_one_more_finding_in_a_triaged_place_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate(tmp_path, [DIVIDE, DIVIDE], [REASON]) == 1
    assert "has 2 findings, 1 triaged" in capsys.readouterr().err
    assert gate(tmp_path, [DIVIDE, DIVIDE], [{**REASON, "count": 2}]) == 0


def test_fewer_findings_than_triaged_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate(tmp_path, [DIVIDE], [{**REASON, "count": 2}]) == 1
    assert "set count to it" in capsys.readouterr().err


def test_an_entry_without_count_fails(tmp_path: Path) -> None:
    assert gate(tmp_path, [DIVIDE], [{k: v for k, v in REASON.items() if k != "count"}]) == 1


def test_an_entry_without_reason_fails(tmp_path: Path) -> None:
    assert gate(tmp_path, [DIVIDE], [{**REASON, "reason": " "}]) == 1


def test_the_repository_triage_gives_every_entry_a_reason() -> None:
    triage = json.loads((ROOT / "contracts" / "slither-triage.json").read_text())["findings"]
    assert triage
    assert all(entry["reason"].strip() and entry["detector"] and entry["where"] and entry["count"] for entry in triage)
