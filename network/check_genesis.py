"""Check the genesis: chain id, QBFT, validators in extraData against the node keys, forks, free
gas, and that every node holds the same genesis."""

from __future__ import annotations

from collections import Counter
from typing import Any

from network.errors import ExtraDataInvalid
from network.extradata import decode_extra_data
from network.forks import milestone_problems
from network.genesis import QBFT_MIX_HASH
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.report import Finding, Severity, error, ok, warning


def check_genesis(genesis: dict[str, Any], plan: NetworkPlan, *, evm_version: str) -> list[Finding]:
    config = genesis.get("config")
    if not isinstance(config, dict):
        return [error("genesis", "genesis.json has no config object")]
    lowered = Counter(str(k).lower() for k in config)
    repeated = sorted(k for k, n in lowered.items() if n > 1)
    by_name = {str(k).lower(): v for k, v in config.items()}
    findings: list[Finding] = []
    if repeated:  # Besu reads genesis item names case-insensitively: which one would it take?
        findings.append(error("genesis", f"config names {', '.join(repeated)} more than once (case-insensitively)"))
    if by_name.get("chainid") != plan.chain_id:
        findings.append(error("genesis", f"chainId is {by_name.get('chainid')!r}, the network's is {plan.chain_id}"))
    if not isinstance(by_name.get("qbft"), dict) or {"ibft2", "clique", "ethash"} & set(by_name):
        findings.append(error("genesis", "the consensus is not QBFT (config.qbft alone)"))
    if str(genesis.get("mixHash", "")).lower() != QBFT_MIX_HASH:
        findings.append(error("genesis", f"mixHash is not QBFT's {QBFT_MIX_HASH}"))
    if not findings:
        findings.append(ok("genesis", f"chain {plan.chain_id}, QBFT"))
    return findings + _forks(by_name, genesis, evm_version)


def _forks(config: dict[str, Any], genesis: dict[str, Any], evm_version: str) -> list[Finding]:
    findings = [error("forks", p) for p in milestone_problems(config, evm_version)]
    if "londonblock" in config:
        if config.get("zerobasefee") is not True:
            findings.append(error("gas", "London without zeroBaseFee: a base fee above 0 refuses gas price 0"))
        base_fee = genesis.get("baseFeePerGas", "0x0")
        if _hex_int(base_fee) != 0:
            findings.append(error("gas", f"baseFeePerGas is {base_fee!r}, not 0x0"))
    if not findings:
        findings.append(ok("forks", f"every fork up to {evm_version} from genesis; zero base fee"))
    return findings


def check_validators(genesis: dict[str, Any], plan: NetworkPlan, node_keys: dict[str, str]) -> list[Finding]:
    """The validators encoded in extraData are exactly the members' node keys."""
    try:
        extra = decode_extra_data(str(genesis.get("extraData", "")))
    except ExtraDataInvalid as exc:
        return [error("extradata", f"genesis extraData: {exc.reason}")]
    findings: list[Finding] = []
    if extra.vote is not None or extra.round != 0 or extra.seals:
        findings.append(error("extradata", "a genesis block carries no vote, round or commit seals"))
    counts = Counter(extra.validators)
    findings += [error("extradata", f"names validator {a} {n} times") for a, n in counts.items() if n > 1]
    founders = [m for m in plan.members if m.genesis_validator]
    keys = {m.member_id: node_keys.get(m.member_id, m.node_address) for m in founders}
    findings += [
        error("extradata", f"{member}'s node key {address} is not a validator in genesis extraData")
        for member, address in keys.items()
        if address not in counts
    ]
    recorded = set(plan.genesis_validators)
    strangers = sorted(set(counts) - recorded - set(keys.values()))
    findings += [
        error("extradata", f"validator {a} in genesis extraData is no founding member's node key") for a in strangers
    ]
    findings += [
        error("extradata", f"genesis extraData lacks validator {a}, which network.json records")
        for a in sorted(recorded - set(counts))
    ]
    n = len(counts)
    faulty = (n - 1) // 3 if n else 0
    if n and n < 4:
        findings.append(warning("extradata", f"{n} validators tolerate no faulty one; QBFT needs 4 to tolerate 1"))
    if not any(f.severity is Severity.ERROR for f in findings):
        findings.append(ok("extradata", f"{n} validators at genesis, the founding members' keys; {faulty} may fail"))
    joined = [m.member_id for m in plan.members if not m.genesis_validator]
    if joined:
        findings.append(ok("extradata", f"joined after genesis, validators by vote: {', '.join(joined)}"))
    current = {m.node_address for m in plan.members}
    left = sorted(recorded - current)
    if left:
        findings.append(ok("extradata", f"genesis validators since removed by vote: {', '.join(left)}"))
    return findings


def check_genesis_copies(layout: NetworkLayout, plan: NetworkPlan) -> list[Finding]:
    reference = layout.genesis.read_bytes()
    findings = []
    for m in plan.members:
        copy = layout.member_genesis(m.slug)
        if not copy.exists():
            findings.append(error("genesis", f"members/{m.slug}/genesis.json is missing"))
        elif copy.read_bytes() != reference:
            findings.append(
                error("genesis", f"members/{m.slug}/genesis.json differs: {m.member_id}'s node would run another chain")
            )
    return findings or [ok("genesis", "every node holds the same genesis.json")]


def _hex_int(value: Any) -> int | None:
    if not isinstance(value, str) or not value.startswith("0x"):
        return None
    try:
        return int(value, 16)
    except ValueError:
        return None
