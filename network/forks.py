"""Which Besu genesis milestones a contract's EVM version needs.

solc compiles for one EVM version (foundry.toml's `evm_version`, recorded in the compiled
artifacts); the chain must run that fork, and every fork before it, from the genesis block on.
Besu names the pre-merge forks by block (`londonBlock`) and the later ones by time
(`shanghaiTime`, `cancunTime` ...). A QBFT chain has no merge: solc's `paris` needs only London
(its one EVM change, PREVRANDAO, reuses DIFFICULTY's opcode).
"""

from __future__ import annotations

from typing import Any

from ledger.chain.evm_version import UnknownEvmVersion

# Besu's milestone keys in activation order
MILESTONES: tuple[str, ...] = (
    "homesteadBlock",
    "eip150Block",
    "eip155Block",
    "eip158Block",
    "byzantiumBlock",
    "constantinopleBlock",
    "petersburgBlock",
    "istanbulBlock",
    "berlinBlock",
    "londonBlock",
    "shanghaiTime",
    "cancunTime",
    "pragueTime",
    "osakaTime",
)
# solc's --evm-version names (ledger.chain.evm_version) -> the last milestone the bytecode needs
LAST_MILESTONE: dict[str, str] = {
    "homestead": "homesteadBlock",
    "tangerineWhistle": "eip150Block",
    "spuriousDragon": "eip158Block",
    "byzantium": "byzantiumBlock",
    "constantinople": "constantinopleBlock",
    "petersburg": "petersburgBlock",
    "istanbul": "istanbulBlock",
    "berlin": "berlinBlock",
    "london": "londonBlock",
    "paris": "londonBlock",
    "shanghai": "shanghaiTime",
    "cancun": "cancunTime",
    "prague": "pragueTime",
    "osaka": "osakaTime",
}


def required_milestones(evm_version: str | None) -> tuple[str, ...]:
    """The milestones, in order, that must be active from genesis for `evm_version`."""
    last = LAST_MILESTONE.get(evm_version or "")
    if last is None:
        raise UnknownEvmVersion(evm_version)
    return MILESTONES[: MILESTONES.index(last) + 1]


def genesis_milestones(evm_version: str | None) -> dict[str, int]:
    """The genesis `config` entries that activate `evm_version` at block 0 (and nothing newer)."""
    return dict.fromkeys(required_milestones(evm_version), 0)


def milestone_problems(config: dict[str, Any], evm_version: str | None) -> list[str]:
    """Why a genesis `config` cannot run code compiled for `evm_version`; empty if it can.

    Besu reads genesis item names case-insensitively, so `config`'s keys are compared so too.
    """
    by_name = {str(k).lower(): v for k, v in config.items()}
    problems = []
    for name in required_milestones(evm_version):
        value = by_name.get(name.lower())
        if value is None:
            problems.append(f"{name} is missing")
        elif isinstance(value, bool) or not isinstance(value, int) or value != 0:
            problems.append(f"{name} is {value!r}, not 0")
    if problems:
        return [f"the contracts are compiled for {evm_version}, which needs it from genesis: {p}" for p in problems]
    return []
