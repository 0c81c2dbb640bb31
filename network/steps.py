"""The ordered steps that bring a new member's node into a running network (add-member writes
them beside the network, with every address, port and enode filled in)."""

from __future__ import annotations

import json

from network.compose import in_compose_network, service_name
from network.layout import node_config_dir, unit_name
from network.models import MemberNode, NetworkPlan


def votes_needed(validators: int) -> int:
    """QBFT adds or removes a validator once more than half of the current ones voted for it."""
    return validators // 2 + 1


def _rpc(member: MemberNode, method: str, params: list[object]) -> str:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    return f"curl -s -H 'Content-Type: application/json' --data '{body}' http://127.0.0.1:{member.rpc_port}"


def add_member_steps(plan: NetworkPlan, new: MemberNode) -> list[str]:
    """Markdown paragraphs, in order; `plan` already includes `new`."""
    existing = [m for m in plan.members if m.member_id != new.member_id]
    needed = votes_needed(len(existing))
    start = (
        f"`docker compose up -d {service_name(new)}`"
        if in_compose_network(new.host)
        else f"`systemctl enable --now {unit_name(new.slug)}` (or `docker compose up -d {service_name(new)}`)"
    )
    compose = in_compose_network(new.host)
    if compose:
        files = (
            f"**{new.member_id}'s node files** are in `members/{new.slug}/`, which compose mounts at "
            f"`{node_config_dir(new.slug)}/`. Write its node key there: "
            f"`sanzhi network export-key DIR --member {new.member_id} --out DIR/members/{new.slug}/key` "
            "(owned by uid 1000, the image's besu user, mode 0600)."
        )
        copy = "compose mounts the updated files; "
    else:
        files = (
            f"**Give {new.member_id} its node files.** Copy `members/{new.slug}/` to `{node_config_dir(new.slug)}/` "
            f"on {new.member_id}'s server and materialise its node key there: "
            f"`sanzhi network export-key DIR --member {new.member_id} --out {node_config_dir(new.slug)}/key` "
            f"(owned by the besu user, mode 0600). Open TCP port {new.p2p_port} on {new.host} to the other "
            "members' addresses only."
        )
        copy = (
            "copy each `members/<member>/permissions_config.toml` and `static-nodes.json` "
            "to `/etc/besu/<member>/`, then "
        )
    return [
        files,
        "**Update the allowlist and static nodes on every existing node**, before the new node dials them: "
        + copy
        + "on each node reload the allowlist and dial the newcomer:\n"
        + "\n".join(
            f"    {m.member_id}: {_rpc(m, 'perm_reloadPermissionsFromFile', [])}\n"
            f"        {_rpc(m, 'admin_addPeer', [new.enode])}"
            for m in existing
        ),
        f"**Start {new.member_id}'s node**: {start}. It syncs from genesis as a non-validator; wait until "
        f"`{_rpc(new, 'eth_syncing', [])}` answers false and its block number matches the others'.",
        f"**Vote it in as a validator.** At least {needed} of the {len(existing)} current validators run "
        f"(more than half must):\n"
        + "\n".join(
            f"    {m.member_id}: {_rpc(m, 'qbft_proposeValidatorVote', [new.node_address, True])}" for m in existing
        ),
        f"**Confirm and discard the votes.** When "
        f"`{_rpc(existing[0], 'qbft_getValidatorsByBlockNumber', ['latest'])}` lists {new.node_address}, "
        "each voter discards its proposal:\n"
        + "\n".join(f"    {m.member_id}: {_rpc(m, 'qbft_discardValidatorVote', [new.node_address])}" for m in existing),
        f"**Admit {new.member_id} to the consortium on chain** (its governance admin key is not its node key): "
        f'`sanzhi consortium propose add-member {new.member_id} --name "..." --admin 0xADMIN --as <member>-admin`, '
        "then `sanzhi consortium approve <proposal> --as <member>-admin` by members up to the threshold.",
        f"**Check**: `sanzhi network check DIR`, and on every node `net_peerCount` is {len(plan.members) - 1}.",
    ]


def render_steps(plan: NetworkPlan, new: MemberNode) -> str:
    header = (
        f"# Adding {new.member_id} to the sanzhi network (chain {plan.chain_id})\n\n"
        f"Node and validator address {new.node_address}, enode `{new.enode}`.\n\n"
    )
    return header + "\n\n".join(f"{i}. {s}" for i, s in enumerate(add_member_steps(plan, new), start=1)) + "\n"


def remove_member_steps(plan: NetworkPlan, gone: MemberNode) -> list[str]:
    """Markdown paragraphs, in order; `plan` no longer includes `gone`."""
    remaining = plan.members
    validators = len(remaining) + 1
    needed = votes_needed(validators)
    after = len(remaining)
    caution = (
        f" With {after} validators left the network tolerates no faulty one."
        if after < 4
        else f" {after} validators remain: {(after - 1) // 3} may fail."
    )
    stop = (
        f"`docker compose rm -s -f {service_name(gone)}`"
        if in_compose_network(gone.host)
        else f"`systemctl disable --now {unit_name(gone.slug)}`"
    )
    return [
        f"**Decide on chain first**: `sanzhi consortium propose remove-member {gone.member_id} --as <member>-admin`, "
        "then `sanzhi consortium approve <proposal> --as <member>-admin` by members up to the threshold.",
        f"**Vote its node out.** At least {needed} of the {validators} current validators (the leaving one "
        f"counts and may vote too) run:\n"
        + "\n".join(
            f"    {m.member_id}: {_rpc(m, 'qbft_proposeValidatorVote', [gone.node_address, False])}" for m in remaining
        )
        + caution,
        f"**Confirm and discard the votes.** When "
        f"`{_rpc(remaining[0], 'qbft_getValidatorsByBlockNumber', ['latest'])}` no longer lists "
        f"{gone.node_address}, each voter runs "
        f"`qbft_discardValidatorVote` with {gone.node_address}.",
        "**Update the allowlist and static nodes on every remaining node** (copy each "
        "`members/<member>/permissions_config.toml` and `static-nodes.json` to `/etc/besu/<member>/` unless "
        "compose mounts them), then:\n"
        + "\n".join(
            f"    {m.member_id}: {_rpc(m, 'perm_reloadPermissionsFromFile', [])}\n"
            f"        {_rpc(m, 'admin_removePeer', [gone.enode])}"
            for m in remaining
        ),
        f"**Stop {gone.member_id}'s node**: {stop}. Its files and encrypted key are kept in "
        f"`retired/{gone.slug}-{gone.node_address.lower()}/`: its key signed blocks of this chain, keep it as "
        "long as the chain's records are kept, then destroy it.",
        f"**Check**: `sanzhi network check DIR`; on every node `net_peerCount` is {after - 1}.",
    ]


def render_removal(plan: NetworkPlan, gone: MemberNode) -> str:
    header = (
        f"# Removing {gone.member_id} from the sanzhi network (chain {plan.chain_id})\n\n"
        f"Its node and validator address {gone.node_address}.\n\n"
    )
    return header + "\n\n".join(f"{i}. {s}" for i, s in enumerate(remove_member_steps(plan, gone), start=1)) + "\n"
