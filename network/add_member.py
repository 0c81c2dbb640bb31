"""`network add-member`: a new member's node files and key, every node's allowlist and static
nodes updated, and the steps that bring the node in (votes, consortium proposal).

The genesis does not change: a validator joins a running QBFT chain by the existing validators'
votes, not by a new genesis. The other members' config.toml and units are left as they are.
A marker is written first and network.json last (network.changes): an interrupted run is
undone and redone by running it again.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ledger.model_files import write_model
from network.changes import PendingChange, begin, finish, settle
from network.check import check_network, load_plan
from network.compose import in_compose_network
from network.errors import (
    InvalidHost,
    InvalidMembers,
    InvalidNodeId,
    MemberAlreadyInNetwork,
    NetworkCheckFailed,
)
from network.keys import check_node_id, check_password
from network.layout import NetworkLayout
from network.models import MemberNode, NetworkPlan
from network.nodes import make_member
from network.plan import check_host, parse_member_ids
from network.steps import add_member_steps, render_steps
from network.writer import write_member_files, write_peer_files, write_text


class AddedMember(BaseModel):
    member: MemberNode
    plan: NetworkPlan
    steps: list[str]
    steps_file: str


def add_member(
    *,
    root: Path,
    member_id: str,
    host: str | None,
    password: str,
    evm_version: str,
    node_id: str | None = None,
    plain_node_key: bool = False,
    scrypt_n: int | None = None,
) -> AddedMember:
    """Add `member_id` to the network in `root`; refuses a network that fails its check."""
    plan = load_plan(root)
    layout = NetworkLayout(root)
    settle(layout, plan, PendingChange(action="add", member_id=member_id.strip().upper()))
    new_id = _new_member_id(plan, member_id)
    if node_id is not None:
        node_id = check_node_id(node_id)
        holder = next((m.member_id for m in plan.members if m.node_public_key == node_id), None)
        if holder is not None:
            raise InvalidNodeId(node_id, f"{holder}'s node already has it")
    else:
        check_password(password)
    report = check_network(root, evm_version=evm_version)
    if not report.passed:
        raise NetworkCheckFailed(root, [f.message for f in report.errors])
    if host is not None:
        host = check_host(f"{new_id}={host}", host)
    elif not all(in_compose_network(m.host) for m in plan.members):
        raise InvalidHost(new_id, "give the new node's address (--host IP): the members run on their own servers")
    begin(layout, PendingChange(action="add", member_id=new_id))
    member = make_member(
        layout=layout,
        members=plan.members,
        member_id=new_id,
        host=host,
        node_id=node_id,
        password=password,
        plain_node_key=plain_node_key,
        genesis_validator=False,
        scrypt_n=scrypt_n,
    )
    extended = plan.model_copy(update={"members": [*plan.members, member]})
    write_member_files(layout, member, layout.genesis.read_text(encoding="utf-8"))
    write_peer_files(layout, extended)
    steps_path = layout.steps(member.member_id)
    write_text(steps_path, render_steps(extended, member))
    write_model(layout.plan, extended)
    finish(layout)
    return AddedMember(
        member=member, plan=extended, steps=add_member_steps(extended, member), steps_file=str(steps_path)
    )


def _new_member_id(plan: NetworkPlan, member_id: str) -> str:
    normalized = member_id.strip().upper()
    if plan.member(normalized) is not None:
        raise MemberAlreadyInNetwork(normalized)
    ids = parse_member_ids(normalized, existing=[m.member_id for m in plan.members])
    if len(ids) != 1:
        raise InvalidMembers("add one member at a time")
    return ids[0]
