"""`network export-key`: materialise a member's plain `key` file (what Besu reads) on its node,
from the encrypted keystore, for an operator who did not generate with --plain-node-key."""

from __future__ import annotations

from pathlib import Path

from ledger.network.check import load_plan
from ledger.network.errors import KeyFileMismatch, NetworkFileInvalid, UnknownMember
from ledger.network.keys import plain_key_public_key, public_key_hex, unlock_keystore, write_plain_key
from ledger.network.layout import NetworkLayout


def export_node_key(*, root: Path, member_id: str, password: str, out: Path) -> Path:
    """Decrypt `member_id`'s node keystore into Besu's key file `out` (0600). An existing file is
    left alone if it holds the same key, and refused if it holds another: replacing a node's key
    would make it another node, no validator."""
    plan = load_plan(root)
    member = plan.member(member_id.strip().upper())
    if member is None:
        raise UnknownMember(member_id, [m.member_id for m in plan.members])
    account = unlock_keystore(NetworkLayout(root).node_keystore(member.slug), password)
    if account.address != member.node_address or public_key_hex(account) != member.node_public_key:
        raise NetworkFileInvalid(NetworkLayout(root).node_keystore(member.slug), "not the key network.json names")
    if out.exists():
        if plain_key_public_key(out) != member.node_public_key:
            raise KeyFileMismatch(out, member.member_id)
        return out
    return write_plain_key(out, account)
