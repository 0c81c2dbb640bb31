"""Chain ids: the ones a consortium's chain must not share, and how `network init` picks its own.

EIP-155 binds a transaction's signature to the chain id alone, so a chain that shares its id
with another network shares its signed transactions too: one replayed there (or from there)
is valid. The ids below are the ones a signer is most likely to also hold keys for.
"""

from __future__ import annotations

import random

# Public networks and their live test networks: refused even when given (`--chain-id`).
PUBLIC_CHAIN_IDS = frozenset(
    {
        1,  # Ethereum
        10,  # Optimism
        56,  # BNB Smart Chain
        100,  # Gnosis
        137,  # Polygon
        8453,  # Base
        17000,  # Holesky
        42161,  # Arbitrum One
        59144,  # Linea
        80002,  # Polygon Amoy
        84532,  # Base Sepolia
        421614,  # Arbitrum Sepolia
        560048,  # Hoodi
        11155111,  # Sepolia
        11155420,  # OP Sepolia
        1313161554,  # Aurora
        1313161555,  # Aurora testnet
        1666600000,  # Harmony
        1666700000,  # Harmony testnet
    }
)
# Development tools' defaults and retired test networks: never picked; kept with a warning
# when given, as a throwaway trial may want one.
DEVELOPMENT_CHAIN_IDS = frozenset(
    {
        3,  # Ropsten (retired)
        4,  # Rinkeby (retired)
        5,  # Goerli (retired)
        42,  # Kovan (retired)
        1337,  # Geth --dev, Ganache, many Besu examples
        1338,  # Ganache's second default
        2018,  # Besu --network=dev
        31337,  # Hardhat, Anvil (Foundry)
        1337802,  # Kiln (retired)
    }
)
# Where `network init` draws a chain id when none is given: ten-digit ids, far above the small
# numbers people choose by hand and tools default to, and below 2^31 so that every wallet and
# signer that keeps a chain id in a 32-bit integer handles it. Two consortia drawing from it
# collide about once in a billion.
CHAIN_ID_RANGE = range(1_000_000_000, 2**31)


def pick_chain_id(rng: random.Random | None = None) -> int:
    """A chain id drawn at random from CHAIN_ID_RANGE that is no known network's."""
    draw = rng or random.SystemRandom()
    while True:
        chain_id = draw.randrange(CHAIN_ID_RANGE.start, CHAIN_ID_RANGE.stop)
        if chain_id not in PUBLIC_CHAIN_IDS | DEVELOPMENT_CHAIN_IDS:
            return chain_id
