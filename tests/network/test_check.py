"""`network check`: a generated network passes; what is no network is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from network.errors import NotANetworkDir
from network.layout import NetworkLayout
from network.report import Severity
from tests.support import edit_json, network_errors, network_report


def test_a_generated_network_passes_everynetwork_report(network_dir: Path) -> None:
    report = network_report(network_dir)
    assert report.passed, report.errors
    checks = {f.check for f in report.findings}
    assert checks == {
        "keys",
        "genesis",
        "forks",
        "extradata",
        "allowlist",
        "static-nodes",
        "config",
        "ports",
        "compose",
    }
    assert not [f for f in report.findings if f.severity is Severity.WARNING]


def test_a_directory_without_a_plan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotANetworkDir, match=r"no network\.json"):
        network_report(tmp_path)


def test_an_invalid_plan_is_one_line(network_dir: Path) -> None:
    edit_json(NetworkLayout(network_dir).plan, lambda p: p["members"][0].update(host="node.example"))
    with pytest.raises(NotANetworkDir) as caught:
        network_report(network_dir)
    assert "members.0.host" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_plan_that_is_not_json_is_refused(network_dir: Path) -> None:
    NetworkLayout(network_dir).plan.write_text(json.dumps({"format": 2})[:-1])
    with pytest.raises(NotANetworkDir, match=r"network\.json"):
        network_report(network_dir)


def test_an_unfinished_membership_change_is_found(network_dir: Path) -> None:
    NetworkLayout(network_dir).pending_change().write_text('{"action": "remove", "member_id": "SG"}')
    assert network_errors(network_dir, "network") == ["removing SG did not finish: run remove-member SG again"]
