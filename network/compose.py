"""docker-compose.yml: every member's node from the official Besu image, on one docker host.

Each node mounts its member directory read-only at the same path its config.toml names, and
keeps its chain in a volume of its own. JSON-RPC and metrics are published on the host's
127.0.0.1 only. Members whose address lies in the compose network get it as a fixed address
(the whole consortium on one machine: a trial or a staging network; there the nodes can also
reach each other's JSON-RPC over the compose network); a member with an address elsewhere has
its P2P port published instead, for a host that runs just its own node.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import yaml

from network.layout import NODE_CONFIG_ROOT, node_config_dir, node_data_dir
from network.models import MemberNode

COMPOSE_SUBNET = ipaddress.ip_network("172.31.211.0/24")
FIRST_COMPOSE_HOST = 11
BESU_USER = "1000:1000"  # the `besu` user of the official image
VOLUMES_INIT = "volumes-init"


def compose_address(index: int) -> str:
    """The fixed address of the `index`-th node on the compose network."""
    return str(COMPOSE_SUBNET.network_address + FIRST_COMPOSE_HOST + index)


def in_compose_network(host: str) -> bool:
    return ipaddress.ip_address(host) in COMPOSE_SUBNET


def service_name(member: MemberNode) -> str:
    return f"besu-{member.slug}"


def _service(member: MemberNode, image: str) -> dict[str, Any]:
    config_dir = node_config_dir(member.slug)
    ports = [
        f"127.0.0.1:{member.rpc_port}:{member.rpc_port}",
        f"127.0.0.1:{member.metrics_port}:{member.metrics_port}",
    ]
    service: dict[str, Any] = {
        "image": image,
        "restart": "unless-stopped",
        "command": [f"--config-file={config_dir}/config.toml"],
        # inside the container the RPC and metrics listen on its own interface; the host
        # publishes them on 127.0.0.1 only (the image sets the RPC host too: this says so)
        "environment": {"BESU_RPC_HTTP_HOST": "0.0.0.0", "BESU_METRICS_HOST": "0.0.0.0"},
        "volumes": [f"./members/{member.slug}:{config_dir}:ro", f"{member.slug}-data:{node_data_dir(member.slug)}"],
        "ports": ports,
        "depends_on": {VOLUMES_INIT: {"condition": "service_completed_successfully"}},
        "security_opt": ["no-new-privileges:true"],
        "cap_drop": ["ALL"],
        "stop_grace_period": "2m",
    }
    if in_compose_network(member.host):
        service["networks"] = {"sanzhi": {"ipv4_address": member.host}}
    else:
        ports.append(f"{member.p2p_port}:{member.p2p_port}/tcp")
        service["networks"] = ["sanzhi"]
    return service


def render_compose(members: list[MemberNode], image: str) -> str:
    services: dict[str, Any] = {
        # a fresh volume belongs to root; the image runs Besu as its `besu` user
        VOLUMES_INIT: {
            "image": image,
            "user": "0:0",
            "entrypoint": ["chown", BESU_USER, *(node_data_dir(m.slug) for m in members)],
            "volumes": [f"{m.slug}-data:{node_data_dir(m.slug)}" for m in members],
            "network_mode": "none",
        }
    }
    services.update({service_name(m): _service(m, image) for m in members})
    document = {
        "name": "sanzhi-besu",
        "services": services,
        "networks": {"sanzhi": {"ipam": {"config": [{"subnet": str(COMPOSE_SUBNET)}]}}},
        "volumes": {f"{m.slug}-data": {} for m in members},
    }
    header = (
        "# sanzhi consortium nodes (Hyperledger Besu, QBFT), written by `sanzhi network`.\n"
        f"# Each node reads {NODE_CONFIG_ROOT}/<member>/ from ./members/<member>/ (read-only).\n"
        "# `docker compose up -d` runs them all; `docker compose up -d besu-cn` runs one.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, default_flow_style=False)
