"""Check ports: a node's own three differ, nodes sharing a host differ, and the compose file
publishes no port twice on the docker host."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import yaml

from network.compose import service_name
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.report import Finding, error, ok

PORT_KEYS = ("p2p-port", "rpc-http-port", "metrics-port")
_PUBLISHED = re.compile(
    r"^(?:(?P<ip>[0-9.]+|\[[0-9a-fA-F:]+\]):)?(?P<host>\d+):(?P<container>\d+)(?:/(?P<proto>tcp|udp))?$"
)
MAX_COMPOSE_BYTES = 1024 * 1024


def check_ports(plan: NetworkPlan, configs: dict[str, dict[str, Any]]) -> list[Finding]:
    """Ports as each node's config.toml sets them (the plan's where a config is unreadable)."""
    by_host: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    findings: list[Finding] = []
    for m in plan.members:
        config = configs.get(m.member_id, {})
        host = str(config.get("p2p-host", m.host))
        planned = {"p2p-port": m.p2p_port, "rpc-http-port": m.rpc_port, "metrics-port": m.metrics_port}
        for key in PORT_KEYS:
            port = config.get(key, planned[key])
            if isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535:
                findings.append(error("ports", f"{m.member_id}: {key} {port!r} is not a port in 1024..65535"))
                continue
            by_host[host][port].append(f"{m.member_id} {key}")
    for host, ports in by_host.items():
        findings += [
            error("ports", f"port {port} on {host} is taken twice: {' and '.join(users)}")
            for port, users in sorted(ports.items())
            if len(users) > 1
        ]
    if not findings:
        findings.append(ok("ports", f"no port used twice on any of {len(by_host)} hosts"))
    return findings


def check_compose(layout: NetworkLayout, plan: NetworkPlan) -> list[Finding]:
    try:
        raw = layout.compose.read_bytes()
        document = yaml.safe_load(raw) if len(raw) <= MAX_COMPOSE_BYTES else None
    except (OSError, yaml.YAMLError) as exc:
        return [error("compose", f"docker-compose.yml is unreadable: {exc}")]
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        return [error("compose", "docker-compose.yml has no services")]
    findings = [
        error("compose", f"docker-compose.yml has no service {service_name(m)} for {m.member_id}")
        for m in plan.members
        if service_name(m) not in services
    ]
    published: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    addresses: dict[str, list[str]] = defaultdict(list)
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        for entry in service.get("ports") or []:
            match = _PUBLISHED.match(str(entry))
            if match is None:
                findings.append(error("compose", f"{name}: cannot read the port mapping {entry!r}"))
                continue
            published[(int(match["host"]), match["proto"] or "tcp")].append((name, match["ip"] or "0.0.0.0"))
        networks = service.get("networks")
        if isinstance(networks, dict):
            for network in networks.values():
                if isinstance(network, dict) and network.get("ipv4_address"):
                    addresses[str(network["ipv4_address"])].append(str(name))
    for (port, proto), users in sorted(published.items()):
        if _overlap(users):
            names = " and ".join(sorted({u for u, _ in users}))
            findings.append(error("compose", f"host port {port}/{proto} is published twice: {names}"))
    findings += [
        error("compose", f"address {a} is given to {' and '.join(names)}")
        for a, names in addresses.items()
        if len(names) > 1
    ]
    return findings or [ok("compose", f"{len(plan.members)} node services; no host port published twice")]


def _overlap(users: list[tuple[str, str]]) -> bool:
    """Two bindings of one port clash on the same IP, or when either binds every interface."""
    ips = [ip for _, ip in users]
    return len(ips) > 1 and ("0.0.0.0" in ips or len(set(ips)) < len(ips))
