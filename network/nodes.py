"""A new member node: its key (generated here, or the node id the member sent), address and ports."""

from __future__ import annotations

from network.compose import compose_address
from network.keys import (
    address_of_public_key,
    new_node_key,
    public_key_hex,
    write_node_keystore,
    write_plain_key,
)
from network.layout import NetworkLayout
from network.models import MemberNode
from network.plan import free_index, ports_for


def make_member(
    *,
    layout: NetworkLayout,
    members: list[MemberNode],
    member_id: str,
    host: str | None,
    node_id: str | None,
    password: str,
    plain_node_key: bool,
    genesis_validator: bool,
    scrypt_n: int | None,
) -> MemberNode:
    """The node of `member_id`, next to `members`. Without `node_id` a key is generated and kept
    in an encrypted keystore (and Besu's plain key file if asked); with it, the member holds its
    key and nothing secret is written."""
    index = free_index(members, compose=host is None)
    p2p, rpc, metrics = ports_for(index)
    key = None if node_id is not None else new_node_key()
    public_key = public_key_hex(key) if key is not None else str(node_id)
    member = MemberNode(
        member_id=member_id,
        host=host or compose_address(index),
        p2p_port=p2p,
        rpc_port=rpc,
        metrics_port=metrics,
        node_address=address_of_public_key(public_key),
        node_public_key=public_key,
        genesis_validator=genesis_validator,
        key_held_by_member=key is None,
    )
    if key is not None:
        write_node_keystore(layout.node_keystore(member.slug), key, password, scrypt_n=scrypt_n)
        if plain_node_key:
            write_plain_key(layout.plain_key(member.slug), key)
    return member
