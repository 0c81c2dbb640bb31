"""Node keys outside `init`: `network new-key` for a member that generates its key itself, and
`network export-key`, which materialises Besu's plain `key` file on the node from a keystore."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from network.check import load_plan
from network.errors import KeyFileMismatch, KeyHeldByMember, KeystoreExists, NetworkFileInvalid, UnknownMember
from network.keys import (
    new_node_key,
    plain_key_public_key,
    public_key_hex,
    unlock_keystore,
    write_node_keystore,
    write_plain_key,
)
from network.layout import NetworkLayout


class NewNodeKey(BaseModel):
    keystore: str
    node_address: str
    node_id: str


def new_key(*, out: Path, password: str, scrypt_n: int | None = None) -> NewNodeKey:
    """A node key made on the member's own machine: the keystore stays there, the node id (public)
    goes to whoever runs `network init --node-id` or `add-member --node-id`."""
    if out.exists():
        raise KeystoreExists(out)
    account = new_node_key()
    write_node_keystore(out, account, password, scrypt_n=scrypt_n)
    return NewNodeKey(keystore=str(out), node_address=str(account.address), node_id=public_key_hex(account))


def export_node_key(*, root: Path, member_id: str, password: str, out: Path, keystore: Path | None = None) -> Path:
    """Decrypt `member_id`'s node keystore (the network's, or `keystore`) into Besu's key file
    `out` (0600). An existing file is left alone if it holds the same key, and refused if it
    holds another: replacing a node's key would make it another node, no validator."""
    plan = load_plan(root)
    member = plan.member(member_id.strip().upper())
    if member is None:
        raise UnknownMember(member_id, [m.member_id for m in plan.members])
    source = keystore or NetworkLayout(root).node_keystore(member.slug)
    if keystore is None and member.key_held_by_member and not source.exists():
        raise KeyHeldByMember(member.member_id)
    account = unlock_keystore(source, password)
    if account.address != member.node_address or public_key_hex(account) != member.node_public_key:
        raise NetworkFileInvalid(source, f"not the node key network.json names for {member.member_id}")
    if out.exists():
        if plain_key_public_key(out) != member.node_public_key:
            raise KeyFileMismatch(out, member.member_id)
        return out
    return write_plain_key(out, account)
