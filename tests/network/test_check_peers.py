"""`network check` of who talks to whom: allowlists and static nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from network.layout import NetworkLayout
from tests.support import edit_toml, network_errors, network_plan

OTHER_NODE = "enode://" + "ab" * 64 + "@198.51.100.9:30303"


def test_an_allowlist_without_a_member_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).permissions("sg")
    plan = network_plan(network_dir)
    edit_toml(path, nodes_allowlist=[m.enode for m in plan.members if m.member_id != "TH"])
    [problem] = network_errors(network_dir, "allowlist")
    assert "permissions_config.toml: TH's node" in problem
    assert "SG's node refuses it" in problem


def test_an_allowlist_with_a_stranger_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).permissions("my")
    edit_toml(path, nodes_allowlist=[*(m.enode for m in network_plan(network_dir).members), OTHER_NODE])
    assert network_errors(network_dir, "allowlist") == [
        f"members/my/permissions_config.toml: {OTHER_NODE} is no member's node"
    ]


def test_an_allowlist_with_a_members_old_address_is_found(network_dir: Path) -> None:
    plan = network_plan(network_dir)
    moved = [m.enode.replace(f"@{m.host}:", "@10.9.9.9:") if m.member_id == "CN" else m.enode for m in plan.members]
    edit_toml(NetworkLayout(network_dir).permissions("th"), nodes_allowlist=moved)
    [problem] = network_errors(network_dir, "allowlist")
    assert f"lists CN's node at 10.9.9.9:30303, but it is at {plan.members[0].host}:30303" in problem


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('nodes-allowlist=["enode://abc@1.2.3.4:30303"]\n', "is not an enode URL"),
        ('nodes-allowlist=["enode://' + "ab" * 64 + '@node.example:30303"]\n', "is not an enode URL"),
        ('nodes-allowlist=["enode://' + "ab" * 64 + '@1.2.3.4:70000"]\n', "out of range"),
        ("nodes-allowlist=[\n", "not valid TOML"),
        ('other="x"\n', "has no nodes-allowlist"),
    ],
)
def test_an_unreadable_allowlist_is_found(network_dir: Path, content: str, fragment: str) -> None:
    NetworkLayout(network_dir).permissions("cn").write_text(content)
    assert any(fragment in e for e in network_errors(network_dir, "allowlist"))


def test_static_nodes_missing_a_member_or_naming_a_stranger_are_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    nodes = json.loads(layout.static_nodes("cn").read_text())
    layout.static_nodes("cn").write_text(json.dumps([*nodes[1:], OTHER_NODE]))
    errors = network_errors(network_dir, "static-nodes")
    assert any("SG's node" in e and "CN's node never dials it" in e for e in errors)
    assert any(OTHER_NODE in e for e in errors)
    layout.static_nodes("sg").write_text("{not json")
    assert any(
        "members/sg/static-nodes.json" in e or "static-nodes.json" in e
        for e in network_errors(network_dir, "static-nodes")
    )
