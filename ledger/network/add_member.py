"""`network add-member`: a new member's node files and key, every node's allowlist and static
nodes updated, and the steps that bring the node in (votes, consortium proposal).

The genesis does not change: a validator joins a running QBFT chain by the existing validators'
votes, not by a new genesis. network.json is written last, so an interrupted run is simply run
again (its half-written files are replaced).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ledger.model_files import write_model
from ledger.network.check import check_network, load_plan
from ledger.network.compose import compose_address, in_compose_network
from ledger.network.errors import InvalidHost, MemberAlreadyInNetwork, NetworkCheckFailed
from ledger.network.keys import check_password, new_node_key, public_key_hex, write_node_keystore, write_plain_key
from ledger.network.layout import NetworkLayout
from ledger.network.models import MemberNode, NetworkPlan
from ledger.network.plan import check_host, free_index, parse_member_ids, ports_for
from ledger.network.steps import add_member_steps, render_steps
from ledger.network.writer import write_node_files, write_text


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
    plain_node_key: bool = False,
    scrypt_n: int | None = None,
) -> AddedMember:
    """Add `member_id` to the network in `root`; refuses a network that fails its check."""
    plan = load_plan(root)
    normalized = member_id.strip().upper()
    if plan.member(normalized) is not None:
        raise MemberAlreadyInNetwork(normalized)
    [normalized] = parse_member_ids(normalized, existing=[m.member_id for m in plan.members])
    check_password(password)
    report = check_network(root, evm_version=evm_version)
    if not report.passed:
        raise NetworkCheckFailed(root, [f.message for f in report.errors])
    if host is not None:
        host = check_host(f"{normalized}={host}", host)
    elif not all(in_compose_network(m.host) for m in plan.members):
        raise InvalidHost(normalized, "give the new node's address (--host IP): the members run on their own servers")
    index = free_index(plan.members, compose=host is None)
    key = new_node_key()
    p2p, rpc, metrics = ports_for(index)
    member = MemberNode(
        member_id=normalized,
        host=host or compose_address(index),
        p2p_port=p2p,
        rpc_port=rpc,
        metrics_port=metrics,
        node_address=key.address,
        node_public_key=public_key_hex(key),
        genesis_validator=False,
    )
    layout = NetworkLayout(root)
    write_node_keystore(layout.node_keystore(member.slug), key, password, scrypt_n=scrypt_n)
    stale_key = layout.plain_key(member.slug)
    if plain_node_key:
        write_plain_key(stale_key, key)
    elif stale_key.exists():  # left by an interrupted run: it belongs to a key now replaced
        stale_key.unlink()
    extended = plan.model_copy(update={"members": [*plan.members, member]})
    write_node_files(layout, extended, layout.genesis.read_text(encoding="utf-8"))
    steps_path = layout.steps(member.member_id)
    write_text(steps_path, render_steps(extended, member))
    write_model(layout.plan, extended)
    return AddedMember(
        member=member, plan=extended, steps=add_member_steps(extended, member), steps_file=str(steps_path)
    )
