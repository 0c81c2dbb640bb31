"""`network check`: read a network directory back and check that its files agree.

The genesis extraData is decoded back to validator addresses and compared with the node keys;
every allowlist and static-nodes file with the members' enodes; each config.toml with the plan
and the settings sanzhi needs; ports for collisions; the genesis forks with the EVM version of
the compiled contracts. Nothing is decrypted: keystores state their address in clear.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ledger.errors import InvalidJson
from ledger.jsonfiles import load_strict
from network.changes import read_pending
from network.check_config import check_configs, read_configs
from network.check_genesis import check_genesis, check_genesis_copies, check_validators
from network.check_keys import check_keys
from network.check_peers import check_allowlists, check_static_nodes
from network.check_ports import check_compose, check_ports
from network.errors import NotANetworkDir
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.report import Finding, NetworkReport, error

MAX_GENESIS_BYTES = 16 * 1024 * 1024
MAX_PLAN_BYTES = 1024 * 1024


def load_plan(root: Path) -> NetworkPlan:
    """The plan in `root`/network.json; a missing or unreadable one says the directory is no network."""
    path = NetworkLayout(root).plan
    if not path.is_file():
        raise NotANetworkDir(root, "no network.json")
    try:
        return NetworkPlan.model_validate(load_strict(path, max_bytes=MAX_PLAN_BYTES))
    except OSError as exc:
        raise NotANetworkDir(root, f"network.json is unreadable: {exc.strerror or exc}") from None
    except InvalidJson as exc:
        raise NotANetworkDir(root, f"network.json: {exc.reason}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NotANetworkDir(root, f"network.json: {where}: {first['msg']}") from None


def check_network(root: Path, *, evm_version: str) -> NetworkReport:
    """Every check on the network in `root`; `evm_version` is what the compiled contracts need."""
    layout = NetworkLayout(root)
    plan = load_plan(root)
    findings: list[Finding] = []
    pending = read_pending(layout)
    if pending is not None:
        action = f"{pending.action}-member {pending.member_id}"
        findings.append(error("network", f"{pending.describe()} did not finish: run {action} again"))
    key_findings, node_keys = check_keys(layout, plan)
    findings += key_findings
    try:
        genesis = load_strict(layout.genesis, max_bytes=MAX_GENESIS_BYTES)
    except OSError as exc:
        findings.append(error("genesis", f"genesis.json is unreadable: {exc.strerror or exc}"))
    except InvalidJson as exc:
        findings.append(error("genesis", f"genesis.json: {exc.reason}"))
    else:
        if isinstance(genesis, dict):
            findings += check_genesis(genesis, plan, evm_version=evm_version)
            findings += check_validators(genesis, plan, node_keys)
            findings += check_genesis_copies(layout, plan)
        else:
            findings.append(error("genesis", "genesis.json is not a JSON object"))
    findings += check_allowlists(layout, plan)
    findings += check_static_nodes(layout, plan)
    config_findings, configs = read_configs(layout, plan)
    findings += config_findings
    findings += check_configs(plan, configs)
    findings += check_ports(plan, configs)
    findings += check_compose(layout, plan)
    return NetworkReport(path=str(root), findings=findings)
