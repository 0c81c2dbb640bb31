"""Deploy every sanzhi contract in dependency order; idempotent per chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ledger.chain.client import LedgerClient
from ledger.chain.deployments import ContractDeployment, Deployment, load_deployment, save_deployment
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes


class Founder(BaseModel):
    """A founding member of the consortium."""

    member_id: str
    name: str
    admin: str


@dataclass(frozen=True)
class ContractSpec:
    name: str
    constructor_args: Callable[[dict[str, str], list[Founder], int], list[Any]]


def _consortium_args(_: dict[str, str], founders: list[Founder], threshold: int) -> list[Any]:
    return [
        [member_id_bytes(f.member_id) for f in founders],
        [f.name for f in founders],
        [f.admin for f in founders],
        threshold,
    ]


def _needs_consortium(addresses: dict[str, str], _: list[Founder], __: int) -> list[Any]:
    return [addresses["Consortium"]]


# Dependency order. A contract whose build output does not exist yet is skipped, so the list
# can name contracts that later work adds.
CONTRACTS: tuple[ContractSpec, ...] = (
    ContractSpec("Consortium", _consortium_args),
    ContractSpec("CertificateRegistry", _needs_consortium),
    ContractSpec("AeoRegistry", _needs_consortium),
    ContractSpec("EvidenceRegistry", _needs_consortium),
    ContractSpec("DocumentRegistry", _needs_consortium),
    ContractSpec("StatisticsRegistry", _needs_consortium),
    ContractSpec("AlertRegistry", _needs_consortium),
    ContractSpec("AssessmentRegistry", _needs_consortium),
)


class DeployResult(BaseModel):
    deployment: Deployment
    deployed: list[str]
    path: str
    # the founding vote, once proposed: its proposal and whether it carried (the consortium
    # lists these registries then; until it does they take no issuance)
    founding_proposal: int | None = None
    founding_listed: bool = False


def deploy_all(
    *,
    client: LedgerClient,
    deployments_dir: Path,
    founders: list[Founder],
    threshold: int,
    dev: bool = False,
) -> DeployResult:
    """Deploy what is missing on this chain and record it; a second run deploys nothing."""
    if not founders:
        raise InvalidInput("a consortium needs at least one founding member", path="member")
    if not 1 <= threshold <= len(founders):
        raise InvalidInput(f"threshold must be between 1 and {len(founders)}", path="threshold")
    chain_id = client.chain_id
    existing = load_deployment(deployments_dir, chain_id)
    if existing is not None and not _all_have_code(client, existing):
        existing = None  # the chain was reset under the file: start again
    contracts = dict(existing.contracts) if existing else {}
    deployed: list[str] = []
    for spec in CONTRACTS:
        if spec.name in contracts or not client.artifacts.has(spec.name):
            continue
        addresses = {name: c.address for name, c in contracts.items()}
        address, sent = client.deploy(spec.name, spec.constructor_args(addresses, founders, threshold))
        contracts[spec.name] = ContractDeployment(address=address, block=sent.block_number, tx_hash=sent.tx_hash)
        deployed.append(spec.name)
    deployment = Deployment(
        chain_id=chain_id,
        deployment_block=min(c.block for c in contracts.values()),
        contracts=contracts,
        dev=dev or (existing.dev if existing else False),
    )
    path = save_deployment(deployments_dir, deployment)
    client.deployment = deployment
    return DeployResult(deployment=deployment, deployed=deployed, path=str(path))


def _all_have_code(client: LedgerClient, deployment: Deployment) -> bool:
    return all(
        len(client.rpc(lambda a=c.address: client.w3.eth.get_code(a))) > 0  # type: ignore[misc]
        for c in deployment.contracts.values()
    )
