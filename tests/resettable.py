"""A development chain of a test's own that can be reset (a new genesis) and deployed again:
the same contracts at the same addresses on another chain, as a restarted dev network has."""

from __future__ import annotations

from pathlib import Path

from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode
from ledger.settings import LedgerSettings
from tests.support import free_port, rpc


class ResettableChain:
    """An embedded node in `data_dir`; `start` deploys on it, `reset` replaces it by a new chain."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.settings = LedgerSettings(data_dir=data_dir, database_url=database_url)
        self.node = EmbeddedNode(data_dir, port=free_port())
        self.resets = 0

    def client(self, profile: str | None = None) -> LedgerClient:
        return build_client(self.settings, profile)

    def start(self) -> None:
        info, _ = self.node.start()
        # anvil's blocks are deterministic from the same keys at the same second: move the clock
        # so that a reset chain is another chain, as a restarted network's is
        rpc(info.rpc_url, "evm_increaseTime", [3600 * self.resets])
        deploy_dev(
            rpc_client_for=self.client,
            deployments_dir=self.settings.resolved_deployments_dir,
            data_dir=self.settings.data_dir,
        )

    def reset(self) -> None:
        """Stop the node, forget its chain and start a new one with the same deployment."""
        self.node.stop()
        self.node.state_file.unlink()
        self.resets += 1
        self.start()

    def stop(self) -> None:
        self.node.stop()
