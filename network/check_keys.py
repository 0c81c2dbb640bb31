"""Check the node keys: keystores, the plan's node ids, and plain key files where present."""

from __future__ import annotations

from network.errors import NetworkFileInvalid
from network.keys import address_of_public_key, keystore_address, plain_key_public_key, readable_by_others
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.report import Finding, error, ok

CHECK = "keys"


def check_keys(layout: NetworkLayout, plan: NetworkPlan) -> tuple[list[Finding], dict[str, str]]:
    """Findings, and each member's node address as its keystore states it."""
    findings: list[Finding] = []
    addresses: dict[str, str] = {}
    for m in plan.members:
        problems = []
        if address_of_public_key(m.node_public_key) != m.node_address:
            problems.append(f"network.json: {m.member_id}'s node id does not belong to its address {m.node_address}")
        keystore = layout.node_keystore(m.slug)
        try:
            if m.key_held_by_member and not keystore.exists():
                addresses[m.member_id] = m.node_address  # the member keeps its keystore
            else:
                addresses[m.member_id] = keystore_address(keystore)
        except NetworkFileInvalid as exc:
            problems.append(exc.message)
        else:
            if addresses[m.member_id] != m.node_address:
                problems.append(
                    f"{keystore.name} holds the key of {addresses[m.member_id]}, "
                    f"but {m.member_id}'s node is {m.node_address}"
                )
        plain = layout.plain_key(m.slug)
        if plain.exists():
            try:
                if plain_key_public_key(plain) != m.node_public_key:
                    problems.append(f"members/{m.slug}/key is not {m.member_id}'s node key: its node would be another")
            except NetworkFileInvalid as exc:
                problems.append(exc.message)
            if readable_by_others(plain):
                problems.append(f"members/{m.slug}/key is readable by other users: chmod 600 it")
        findings += [error(CHECK, p) for p in problems]
        if not problems:
            checked = "held by the member" if m.key_held_by_member else "keystore"
            checked += ", node id" + (", key file" if plain.exists() else "")
            findings.append(ok(CHECK, f"{m.member_id}: node key {m.node_address} ({checked})"))
    return findings, addresses
