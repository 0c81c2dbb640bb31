"""One membership change at a time, and what an interrupted one leaves.

add-member and remove-member write a marker first and network.json last. network.json stays the
truth until the change is committed: after an interruption, the next run of the same change
undoes what was written (every shared file is rewritten from network.json) and starts again; a
run that finds the change already committed only finishes its tidying.
"""

from __future__ import annotations

import shutil
from typing import Literal

from pydantic import BaseModel, ValidationError

from ledger.files import move_names
from network.errors import ChangeUnfinished
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.writer import write_peer_files, write_text

Action = Literal["add", "remove"]


class PendingChange(BaseModel):
    action: Action
    member_id: str
    # the removed node's address, to retire its files if only that was left undone
    node_address: str | None = None

    def describe(self) -> str:
        return f"{'adding' if self.action == 'add' else 'removing'} {self.member_id}"


def read_pending(layout: NetworkLayout) -> PendingChange | None:
    path = layout.pending_change()
    if not path.exists():
        return None
    try:
        return PendingChange.model_validate_json(path.read_bytes())
    except ValidationError:
        return PendingChange(action="add", member_id=path.read_text(errors="replace").strip()[:32] or "?")


def begin(layout: NetworkLayout, change: PendingChange) -> None:
    write_text(layout.pending_change(), change.model_dump_json() + "\n")


def finish(layout: NetworkLayout) -> None:
    layout.pending_change().unlink(missing_ok=True)


def committed(plan: NetworkPlan, change: PendingChange) -> bool:
    present = plan.member(change.member_id) is not None
    return present if change.action == "add" else not present


def retire_member_files(layout: NetworkLayout, slug: str, node_address: str) -> None:
    """Move a removed member's node files and keystore under retired/, kept for audits (its old
    key signed blocks of the chain)."""
    target = layout.retired_dir(slug, node_address)
    target.mkdir(parents=True, exist_ok=True)
    for source in (layout.member_dir(slug), layout.node_keystore(slug), layout.unit(slug)):
        if source.exists():
            move_names(source.parent, target, [source.name])


def settle(layout: NetworkLayout, plan: NetworkPlan, requested: PendingChange) -> None:
    """Before `requested`: finish or undo an interrupted change, or refuse if it is another one."""
    pending = read_pending(layout)
    if pending is None:
        return
    if committed(plan, pending):
        if pending.action == "remove" and pending.node_address:
            retire_member_files(layout, pending.member_id.lower(), pending.node_address)
        finish(layout)
        return
    if (pending.action, pending.member_id) != (requested.action, requested.member_id):
        raise ChangeUnfinished(pending.describe(), pending.action, pending.member_id)
    if pending.action == "add":
        slug = pending.member_id.lower()
        shutil.rmtree(layout.member_dir(slug), ignore_errors=True)
        for leftover in (layout.node_keystore(slug), layout.unit(slug), layout.steps(pending.member_id)):
            leftover.unlink(missing_ok=True)
    write_peer_files(layout, plan)
    finish(layout)
