"""`network remove-member`: every remaining node's allowlist and static nodes without the member,
its compose service gone, its files and key retired, and the steps (consortium proposal, votes).

Like add-member: a marker first, network.json last, an interrupted run undone and redone.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ledger.model_files import write_model
from network.changes import PendingChange, begin, finish, retire_member_files, settle
from network.check import check_network, load_plan
from network.errors import LastMember, NetworkCheckFailed, UnknownMember
from network.layout import NetworkLayout
from network.models import MemberNode, NetworkPlan
from network.steps import remove_member_steps, render_removal
from network.writer import write_peer_files, write_text


class RemovedMember(BaseModel):
    member: MemberNode
    plan: NetworkPlan
    steps: list[str]
    steps_file: str


def remove_member(*, root: Path, member_id: str, evm_version: str) -> RemovedMember:
    """Remove `member_id` from the network in `root`; refuses a network that fails its check."""
    plan = load_plan(root)
    layout = NetworkLayout(root)
    requested = member_id.strip().upper()
    settle(layout, plan, PendingChange(action="remove", member_id=requested))
    gone = plan.member(requested)
    if gone is None:
        raise UnknownMember(requested, [m.member_id for m in plan.members])
    if len(plan.members) == 1:
        raise LastMember(gone.member_id)
    report = check_network(root, evm_version=evm_version)
    if not report.passed:
        raise NetworkCheckFailed(root, [f.message for f in report.errors])
    reduced = plan.model_copy(update={"members": [m for m in plan.members if m.member_id != gone.member_id]})
    begin(layout, PendingChange(action="remove", member_id=gone.member_id, node_address=gone.node_address))
    write_peer_files(layout, reduced)
    steps_path = layout.steps(gone.member_id, "remove")
    write_text(steps_path, render_removal(reduced, gone))
    write_model(layout.plan, reduced)
    retire_member_files(layout, gone.slug, gone.node_address)
    finish(layout)
    return RemovedMember(
        member=gone, plan=reduced, steps=remove_member_steps(reduced, gone), steps_file=str(steps_path)
    )
