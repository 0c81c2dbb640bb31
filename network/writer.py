"""Writing node files from the plan: init writes them all; add-member writes the new node's and
rewrites only what every node shares (allowlists, static nodes, the compose file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.files import write_atomic
from network.besu_config import render_config
from network.compose import render_compose
from network.layout import NetworkLayout
from network.models import MemberNode, NetworkPlan
from network.permissions import render_allowlist, render_static_nodes
from network.systemd import render_unit


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def genesis_text(genesis: dict[str, Any]) -> str:
    return json.dumps(genesis, indent=2) + "\n"


def write_member_files(layout: NetworkLayout, member: MemberNode, genesis: str) -> None:
    """The files of `member`'s node alone: its config, its copy of the genesis, its unit."""
    write_text(layout.config(member.slug), render_config(member))
    write_text(layout.member_genesis(member.slug), genesis)
    write_text(layout.unit(member.slug), render_unit(member))


def write_peer_files(layout: NetworkLayout, plan: NetworkPlan) -> None:
    """What names every member: each node's allowlist and static nodes, and the compose file."""
    for member in plan.members:
        write_text(layout.permissions(member.slug), render_allowlist(plan.members))
        write_text(layout.static_nodes(member.slug), render_static_nodes(plan.members, member))
    write_text(layout.compose, render_compose(plan.members, plan.besu_image))


def write_node_files(layout: NetworkLayout, plan: NetworkPlan, genesis: str) -> None:
    """Every node's files, from `plan`."""
    for member in plan.members:
        write_member_files(layout, member, genesis)
    write_peer_files(layout, plan)
