"""Check each node's config.toml against the plan, and the settings sanzhi relies on."""

from __future__ import annotations

import ipaddress
from typing import Any

from network.besu_config import read_toml
from network.errors import NetworkFileInvalid
from network.layout import NetworkLayout, node_config_dir
from network.models import MemberNode, NetworkPlan
from network.report import Finding, error, ok, warning


def read_configs(layout: NetworkLayout, plan: NetworkPlan) -> tuple[list[Finding], dict[str, dict[str, Any]]]:
    findings, configs = [], {}
    for m in plan.members:
        try:
            configs[m.member_id] = read_toml(layout.config(m.slug))
        except NetworkFileInvalid as exc:
            findings.append(error("config", exc.message))
    return findings, configs


def check_configs(plan: NetworkPlan, configs: dict[str, dict[str, Any]]) -> list[Finding]:
    findings: list[Finding] = []
    for m in plan.members:
        config = configs.get(m.member_id)
        if config is None:
            continue
        where = f"members/{m.slug}/config.toml"
        problems = [f"{where}: {p}" for p in _problems(m, config)]
        findings += [error("config", p) for p in problems]
        findings += [warning("config", f"{where}: {w}") for w in _warnings(config)]
        if not problems:
            findings.append(ok("config", f"{m.member_id}: peers, permissions, free gas, unbounded log queries"))
    return findings


def _problems(m: MemberNode, config: dict[str, Any]) -> list[str]:
    node_dir = node_config_dir(m.slug)
    expected: dict[str, object] = {
        "p2p-host": m.host,
        "p2p-port": m.p2p_port,
        "rpc-http-port": m.rpc_port,
        "metrics-port": m.metrics_port,
        "genesis-file": f"{node_dir}/genesis.json",
        "node-private-key-file": f"{node_dir}/key",
        "static-nodes-file": f"{node_dir}/static-nodes.json",
        "permissions-nodes-config-file": f"{node_dir}/permissions_config.toml",
        "permissions-nodes-config-file-enabled": True,
        "rpc-http-enabled": True,
    }
    problems = [
        f"{key} is {config.get(key)!r}, expected {value!r}"
        for key, value in expected.items()
        if config.get(key) != value
    ]
    if config.get("min-gas-price") != 0:
        problems.append(
            f"min-gas-price is {config.get('min-gas-price')!r}: transactions at gas price 0 would wait forever"
        )
    if config.get("rpc-max-logs-range") != 0:
        problems.append(
            f"rpc-max-logs-range is {config.get('rpc-max-logs-range')!r}, not 0: "
            "sanzhi's event queries from its deployment block fail once the chain is longer"
        )
    apis = config.get("rpc-http-api")
    if not isinstance(apis, list) or "ETH" not in apis:
        problems.append("rpc-http-api lacks ETH, which sanzhi uses")
    return problems


def _warnings(config: dict[str, Any]) -> list[str]:
    found = []
    for key in ("rpc-http-host", "metrics-host"):
        try:
            loopback = ipaddress.ip_address(str(config.get(key))).is_loopback
        except ValueError:
            loopback = config.get(key) == "localhost"
        if not loopback:
            found.append(f"{key} is {config.get(key)!r}: reachable beyond this machine")
    if config.get("discovery-enabled", True) is not False:
        found.append("discovery is on: the node looks for peers beyond the consortium's static nodes")
    if "QBFT" not in (config.get("rpc-http-api") or []):
        found.append("rpc-http-api lacks QBFT: validators cannot be voted in or out on this node")
    return found
