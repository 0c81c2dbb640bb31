"""Which chain and deployment a node serves: its genesis block and the block the deployment
starts at, by hash. A reset development chain redeploys the same contracts at the same
addresses under the same chain id; only these hashes tell the two chains apart."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.chain import history
from ledger.chain.client import LedgerClient
from ledger.errors import NotDeployed, TransactionFailed


@dataclass(frozen=True)
class DeploymentIdentity:
    """One deployment on one chain."""

    genesis_hash: bytes
    deployment_block: int
    deployment_hash: bytes

    def describe(self) -> str:
        """One line for messages: the genesis and deployment block, hashes shortened."""
        return (
            f"genesis 0x{self.genesis_hash.hex()[:12]}…, deployment at block {self.deployment_block} "
            f"(0x{self.deployment_hash.hex()[:12]}…)"
        )


def deployment_identity(client: LedgerClient) -> DeploymentIdentity:
    """The identity of the deployment `client`'s record names, as its node has it (one batch of two
    header reads)."""
    deployment = client.deployment
    if deployment is None or deployment.chain_id != client.chain_id:
        raise NotDeployed(client.chain_id, "no deployment record for this chain")
    block = deployment.deployment_block
    found = history.headers(client, [0, block])
    if 0 not in found or block not in found:
        raise TransactionFailed(f"the node has no block {block}, where the deployment record says it starts")
    return DeploymentIdentity(genesis_hash=found[0].hash, deployment_block=block, deployment_hash=found[block].hash)
