"""Who a node talks to: the node allowlist (`permissions_config.toml`) and `static-nodes.json`.

Every member's allowlist holds every member's enode (itself included: Besu ignores its own), so
one file serves all nodes; static nodes are the other members, which Besu keeps dialling.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass

from network.besu_config import render_toml
from network.models import MemberNode, enode_host

_ENODE = re.compile(
    r"^enode://(?P<key>[0-9a-fA-F]{128})@(?:\[(?P<ip6>[0-9a-fA-F:.]+)\]|(?P<ip4>[0-9.]+)):(?P<port>[0-9]{1,5})"
    r"(?:\?discport=[0-9]{1,5})?$"
)


@dataclass(frozen=True)
class Enode:
    public_key: str
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"enode://{self.public_key}@{enode_host(self.host)}:{self.port}"


def parse_enode(url: str) -> Enode:
    """An enode URL with an IP address (Besu's allowlist matches IPs unless DNS is enabled)."""
    match = _ENODE.match(url) if isinstance(url, str) else None
    if match is None:
        raise ValueError(f"{url!r} is not an enode URL enode://<128 hex>@<ip>:<port>")
    try:
        host = str(ipaddress.ip_address(match["ip6"] or match["ip4"]))
    except ValueError:
        raise ValueError(f"{url!r}: the host is not an IP address") from None
    port = int(match["port"])
    if not 0 < port < 65536:
        raise ValueError(f"{url!r}: port {port} is out of range")
    return Enode(public_key=match["key"].lower(), host=host, port=port)


def render_allowlist(members: list[MemberNode]) -> str:
    return render_toml(
        [
            "Nodes this node may talk to: every sanzhi consortium member's node.",
            ("nodes-allowlist", [m.enode for m in members]),
        ]
    )


def render_static_nodes(members: list[MemberNode], own: MemberNode) -> str:
    return json.dumps([m.enode for m in members if m.member_id != own.member_id], indent=2) + "\n"
