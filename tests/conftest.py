"""Session-scoped chain for the integration tests; every test gets fresh state.

One anvil node is started for the whole session (profile from SANZHI_TEST_NODE_PROFILE:
`dev`, or `besu` for gas price 0 and one-second blocks), the contracts are deployed and the
development consortium bootstrapped once; each test then runs between an `evm_snapshot` and
an `evm_revert` (anvil test RPC, used only here).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode, NodeProfile
from tests.support import Chain, CliRunner, free_port, make_network, rpc


@pytest.fixture(scope="session")
def session_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    profile = NodeProfile(os.environ.get("SANZHI_TEST_NODE_PROFILE", "dev"))
    data_dir = tmp_path_factory.mktemp("chain")
    node = EmbeddedNode(data_dir, port=free_port())
    info, _ = node.start(profile)
    chain = Chain(data_dir=data_dir, rpc_url=info.rpc_url, profile=profile)
    try:
        deploy_dev(
            rpc_client_for=chain.client,
            deployments_dir=chain.settings.resolved_deployments_dir,
            data_dir=data_dir,
        )
        yield chain
    finally:
        node.stop()


@pytest.fixture
def chain(session_chain: Chain) -> Iterator[Chain]:
    """The session chain, reverted to its freshly deployed state after the test; the issuer's
    record of issued numbers, which describes that chain, goes with it."""
    snapshot = rpc(session_chain.rpc_url, "evm_snapshot")
    try:
        yield session_chain
    finally:
        assert rpc(session_chain.rpc_url, "evm_revert", [snapshot]) is True
        shutil.rmtree(session_chain.data_dir / "issuer", ignore_errors=True)


@pytest.fixture
def cli(chain: Chain, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    return CliRunner(chain, capsys)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the chain carry the `chain` marker (`make test-besu` selects them)."""
    for item in items:
        if {"chain", "session_chain", "cli"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.chain)


@pytest.fixture
def feed_chain(chain: Chain) -> Iterator[Chain]:
    """The chain, with an empty shared oracle outbox before and after the test."""
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)
    yield chain
    shutil.rmtree(chain.data_dir / "oracles", ignore_errors=True)


@pytest.fixture
def network_dir(tmp_path: Path) -> Path:
    """A freshly generated four-member network (CN, SG, MY, TH) with plain node keys."""
    out = tmp_path / "net"
    make_network(out, plain_node_key=True)
    return out
