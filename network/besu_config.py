"""A member node's Besu `config.toml`, and reading Besu's TOML files back.

Besu's configuration files are flat TOML tables of strings, integers, booleans and arrays of
strings. Python reads TOML (tomllib) but has no writer; for that flat shape a writer is a few
lines, where a dependency would be another package to pin for the same output. Strings are
written with json.dumps: JSON string escapes are valid TOML basic-string escapes.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from network.errors import NetworkFileInvalid
from network.layout import node_config_dir, node_data_dir
from network.models import MemberNode

TomlValue = str | int | bool | list[str]
# every JSON-RPC API a sanzhi process or an operator needs; reachable on the node's loopback only
RPC_APIS = ["ETH", "NET", "WEB3", "QBFT", "ADMIN", "PERM", "TXPOOL"]
MAX_TOML_BYTES = 1024 * 1024


def toml_value(value: TomlValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"


def render_toml(entries: list[tuple[str, TomlValue] | str]) -> str:
    """A flat TOML document; a plain string in `entries` is a comment line."""
    lines = []
    for entry in entries:
        if isinstance(entry, str):
            lines.append(f"# {entry}" if entry else "")
        else:
            key, value = entry
            lines.append(f"{key}={toml_value(value)}")
    return "\n".join(lines) + "\n"


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; unreadable or invalid files are a NetworkFileInvalid."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise NetworkFileInvalid(path, f"unreadable: {exc.strerror or exc}") from None
    if len(raw) > MAX_TOML_BYTES:
        raise NetworkFileInvalid(path, f"larger than {MAX_TOML_BYTES} bytes")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NetworkFileInvalid(path, f"not valid TOML: {exc}") from None


def render_config(member: MemberNode) -> str:
    """config.toml for `member`'s node; paths are the node's (see network.layout)."""
    config_dir, data_dir = node_config_dir(member.slug), node_data_dir(member.slug)
    return render_toml(
        [
            f"Besu node of sanzhi member {member.member_id}, written by `sanzhi network`.",
            f"Node (and QBFT validator) address {member.node_address}.",
            "",
            ("identity", f"sanzhi-{member.member_id}"),
            ("data-path", data_dir),
            ("genesis-file", f"{config_dir}/genesis.json"),
            ("node-private-key-file", f"{config_dir}/key"),
            ("logging", "INFO"),
            "Full sync keeps every block; Bonsai keeps recent state (eth_getProof near the head).",
            ("sync-mode", "FULL"),
            ("data-storage-format", "BONSAI"),
            "",
            "Peers: the consortium's nodes only, by their enode, at fixed addresses.",
            ("p2p-host", member.host),
            ("p2p-interface", "0.0.0.0"),
            ("p2p-port", member.p2p_port),
            ("nat-method", "NONE"),
            ("discovery-enabled", False),
            ("static-nodes-file", f"{config_dir}/static-nodes.json"),
            ("permissions-nodes-config-file-enabled", True),
            ("permissions-nodes-config-file", f"{config_dir}/permissions_config.toml"),
            "",
            "JSON-RPC for this member's sanzhi service and operators: loopback only.",
            ("rpc-http-enabled", True),
            ("rpc-http-host", "127.0.0.1"),
            ("rpc-http-port", member.rpc_port),
            ("rpc-http-api", RPC_APIS),
            ("host-allowlist", ["localhost", "127.0.0.1"]),
            "sanzhi reads events from its deployment block on: no cap on eth_getLogs' block range.",
            ("rpc-max-logs-range", 0),
            ("revert-reason-enabled", True),
            "",
            "Free gas: transactions at a gas price of 0 are mined (with zeroBaseFee in genesis).",
            ("min-gas-price", 0),
            "",
            ("metrics-enabled", True),
            ("metrics-host", "127.0.0.1"),
            ("metrics-port", member.metrics_port),
        ]
    )
