"""Check who each node talks to: its allowlist and static nodes against the members' enodes."""

from __future__ import annotations

from pathlib import Path

from ledger.errors import InvalidJson
from ledger.jsonfiles import load_strict
from network.besu_config import read_toml
from network.errors import NetworkFileInvalid
from network.layout import NetworkLayout
from network.models import MemberNode, NetworkPlan
from network.permissions import Enode, parse_enode
from network.report import Finding, error, ok

MAX_STATIC_NODES_BYTES = 1024 * 1024


def check_allowlists(layout: NetworkLayout, plan: NetworkPlan) -> list[Finding]:
    findings: list[Finding] = []
    for m in plan.members:
        path = layout.permissions(m.slug)
        try:
            entries = read_toml(path).get("nodes-allowlist")
        except NetworkFileInvalid as exc:
            findings.append(error("allowlist", exc.message))
            continue
        if not isinstance(entries, list):
            findings.append(error("allowlist", f"members/{m.slug}/permissions_config.toml has no nodes-allowlist"))
            continue
        where = f"members/{m.slug}/permissions_config.toml"
        problems = _compare(where, entries, plan.members, f"{m.member_id}'s node refuses it")
        findings += [error("allowlist", p) for p in problems]
        if not problems:
            findings.append(ok("allowlist", f"{m.member_id} allows exactly the {len(plan.members)} members' nodes"))
    return findings


def check_static_nodes(layout: NetworkLayout, plan: NetworkPlan) -> list[Finding]:
    findings: list[Finding] = []
    for m in plan.members:
        path = layout.static_nodes(m.slug)
        where = f"members/{m.slug}/static-nodes.json"
        try:
            entries = _read_json_list(path)
        except NetworkFileInvalid as exc:
            findings.append(error("static-nodes", exc.message))
            continue
        others = [o for o in plan.members if o.member_id != m.member_id]
        own = [e for e in entries if isinstance(e, str) and e.startswith(f"enode://{m.node_public_key}@")]
        rest = [e for e in entries if e not in own]
        problems = _compare(where, rest, others, f"{m.member_id}'s node never dials it")
        findings += [error("static-nodes", p) for p in problems]
        if not problems:
            findings.append(ok("static-nodes", f"{m.member_id} dials the {len(others)} other members' nodes"))
    return findings


def _compare(where: str, entries: list[object], members: list[MemberNode], consequence: str) -> list[str]:
    """What differs between the enodes in `entries` and those of `members`."""
    problems: list[str] = []
    listed: dict[str, Enode] = {}
    for entry in entries:
        try:
            enode = parse_enode(str(entry))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if enode.public_key in listed:
            problems.append(f"{where}: lists node {enode.public_key[:12]}... twice")
        listed[enode.public_key] = enode
    known = {m.node_public_key: m for m in members}
    for member in members:
        found = listed.get(member.node_public_key)
        if found is None:
            problems.append(f"{where}: {member.member_id}'s node ({member.enode}) is missing: {consequence}")
        elif (found.host, found.port) != (member.host, member.p2p_port):
            problems.append(
                f"{where}: lists {member.member_id}'s node at {found.host}:{found.port}, "
                f"but it is at {member.host}:{member.p2p_port}"
            )
    problems += [f"{where}: {e.url} is no member's node" for key, e in listed.items() if key not in known]
    return problems


def _read_json_list(path: Path) -> list[object]:
    try:
        data = load_strict(path, max_bytes=MAX_STATIC_NODES_BYTES)
    except OSError as exc:
        raise NetworkFileInvalid(path, f"unreadable: {exc.strerror or exc}") from None
    except InvalidJson as exc:
        raise NetworkFileInvalid(path, exc.reason) from None
    if not isinstance(data, list):
        raise NetworkFileInvalid(path, "not a JSON list of enode URLs")
    return data
