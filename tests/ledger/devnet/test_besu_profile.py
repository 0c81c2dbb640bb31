"""The embedded node's Besu profile runs the fork a generated Besu genesis enables, no newer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.evm_version import compiled_evm_version
from ledger.devnet.node import EmbeddedNode, NodeProfile, anvil_command
from tests.support import free_port, rpc


def _command(profile: NodeProfile) -> list[str]:
    return anvil_command(host="127.0.0.1", port=1, profile=profile, state_file=Path("s.json"), chain_id=1)


def test_the_besu_profile_pins_the_contracts_fork_and_the_dev_profile_does_not() -> None:
    besu = _command(NodeProfile.BESU)
    assert besu[besu.index("--hardfork") + 1] == compiled_evm_version(Artifacts(DEFAULT_ARTIFACTS_DIR))
    assert "--hardfork" not in _command(NodeProfile.DEV)


@pytest.fixture
def besu_node(tmp_path: Path) -> Iterator[str]:
    node = EmbeddedNode(tmp_path, port=free_port())
    info, _ = node.start(NodeProfile.BESU)
    yield info.rpc_url
    node.stop()


def test_blocks_are_cancun_blocks_with_a_zero_base_fee(besu_node: str) -> None:
    block = rpc(besu_node, "eth_getBlockByNumber", ["latest", False])
    assert isinstance(block, dict)
    assert "parentBeaconBlockRoot" in block  # Cancun
    assert "requestsHash" not in block  # no Prague
    assert int(block["baseFeePerGas"], 16) == 0
    assert rpc(besu_node, "eth_gasPrice") == "0x0"
