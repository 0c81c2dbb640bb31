"""The Besu QBFT genesis file: chain id, forks, free gas, validators in extraData, the deployer."""

from __future__ import annotations

from typing import Any

from network.extradata import genesis_extra_data
from network.forks import genesis_milestones

# QBFT's fixed mixHash: "ctical byzantine fault tolerance" in ASCII, which Besu requires
QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365"
EPOCH_LENGTH = 30_000
# Enough for the largest sanzhi batch several times over in one block; with a gas price of 0
# the limit only bounds how long a validator spends on one block.
GAS_LIMIT = 100_000_000
# A gas price of 0 makes the balance irrelevant; it is there so that tools which check a
# balance before they sign, and a later move to priced gas, find the deployer funded.
DEPLOYER_BALANCE_WEI = 10**6 * 10**18


def request_timeout_seconds(block_period: int) -> int:
    """Round timeout: at least twice the block period (Besu's advice), and never below 4 s."""
    return max(4, 2 * block_period)


def build_genesis(
    *,
    chain_id: int,
    block_period: int,
    validators: list[str],
    deployer: str,
    evm_version: str,
    timestamp: int,
) -> dict[str, Any]:
    """The genesis of a free-gas QBFT network running `evm_version` from block 0."""
    milestones = genesis_milestones(evm_version)
    # free gas on London and later: every block's base fee is 0 (Besu's zeroBaseFee), from genesis on
    london = "londonBlock" in milestones
    config: dict[str, Any] = {
        "chainId": chain_id,
        **milestones,
        **({"zeroBaseFee": True} if london else {}),
        "qbft": {
            "blockperiodseconds": block_period,
            "epochlength": EPOCH_LENGTH,
            "requesttimeoutseconds": request_timeout_seconds(block_period),
        },
    }
    genesis: dict[str, Any] = {
        "config": config,
        "nonce": "0x0",
        "timestamp": hex(timestamp),
        "gasLimit": hex(GAS_LIMIT),
        "difficulty": "0x1",
        "mixHash": QBFT_MIX_HASH,
        "coinbase": "0x" + "00" * 20,
        **({"baseFeePerGas": "0x0"} if london else {}),
        "alloc": {deployer.removeprefix("0x").lower(): {"balance": hex(DEPLOYER_BALANCE_WEI)}},
        "extraData": genesis_extra_data(validators),
    }
    return genesis
