"""Session-scoped chain for the integration tests; every test gets fresh state.

One anvil node is started for the whole session (profile from SANZHI_TEST_NODE_PROFILE:
`dev`, or `besu` for gas price 0 and one-second blocks), the contracts are deployed and the
development consortium bootstrapped once; each test then runs between an `evm_snapshot` and
an `evm_revert` (anvil test RPC, used only here).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ledger.cli.main import run
from ledger.client import LedgerClient
from ledger.dev_consortium import deploy_dev
from ledger.factory import build_client
from ledger.node import EmbeddedNode, NodeProfile
from ledger.settings import LedgerSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rpc(url: str, method: str, params: list[object] | None = None) -> object:
    response = requests.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}, timeout=10
    )
    body = response.json()
    assert "error" not in body, body
    return body["result"]


@dataclass
class Chain:
    """The session node and the settings that reach it."""

    data_dir: Path
    rpc_url: str
    profile: NodeProfile

    @property
    def settings(self) -> LedgerSettings:
        return LedgerSettings(data_dir=self.data_dir, rpc_url=self.rpc_url)

    def client(self, profile: str | None = None) -> LedgerClient:
        return build_client(self.settings, profile)


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
    """The session chain, reverted to its freshly deployed state after the test."""
    snapshot = rpc(session_chain.rpc_url, "evm_snapshot")
    try:
        yield session_chain
    finally:
        assert rpc(session_chain.rpc_url, "evm_revert", [snapshot]) is True


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(chain: Chain, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    return CliRunner(chain, capsys)


class CliRunner:
    """Runs `sanzhi` in-process against the session chain."""

    def __init__(self, chain: Chain, capsys: pytest.CaptureFixture[str]) -> None:
        self.chain = chain
        self.capsys = capsys

    def __call__(self, *args: str) -> CliResult:
        self.capsys.readouterr()
        code = run(["--data-dir", str(self.chain.data_dir), "--rpc-url", self.chain.rpc_url, *args])
        out, err = self.capsys.readouterr()
        return CliResult(code, out, err)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the chain carry the `chain` marker (`make test-besu` selects them)."""
    for item in items:
        if {"chain", "session_chain", "cli"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.chain)
