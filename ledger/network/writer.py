"""Writing the files of every node from the plan (init writes them all; add-member rewrites them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.model_files import write_text_atomic
from ledger.network.besu_config import render_config
from ledger.network.compose import render_compose
from ledger.network.layout import NetworkLayout
from ledger.network.models import NetworkPlan
from ledger.network.permissions import render_allowlist, render_static_nodes
from ledger.network.systemd import render_unit


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)


def genesis_text(genesis: dict[str, Any]) -> str:
    return json.dumps(genesis, indent=2) + "\n"


def write_node_files(layout: NetworkLayout, plan: NetworkPlan, genesis: str) -> None:
    """Every member's node directory, its systemd unit and the compose file, from `plan`."""
    for member in plan.members:
        write_text(layout.config(member.slug), render_config(member))
        write_text(layout.member_genesis(member.slug), genesis)
        write_text(layout.permissions(member.slug), render_allowlist(plan.members))
        write_text(layout.static_nodes(member.slug), render_static_nodes(plan.members, member))
        write_text(layout.unit(member.slug), render_unit(member))
    write_text(layout.compose, render_compose(plan.members, plan.besu_image))
