"""Deployment records: contract addresses and deployment blocks per chain id."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ledger.model_files import read_model, write_model


class ContractDeployment(BaseModel):
    """Where one contract lives."""

    address: str
    block: int
    tx_hash: str


class Deployment(BaseModel):
    """Every sanzhi contract on one chain; `deployment_block` is where indexers start."""

    chain_id: int
    deployment_block: int
    contracts: dict[str, ContractDeployment]
    dev: bool = False


def deployment_path(deployments_dir: Path, chain_id: int) -> Path:
    return deployments_dir / f"{chain_id}.json"


def load_deployment(deployments_dir: Path, chain_id: int) -> Deployment | None:
    return read_model(deployment_path(deployments_dir, chain_id), Deployment, "deployments")


def save_deployment(deployments_dir: Path, deployment: Deployment) -> Path:
    return write_model(deployment_path(deployments_dir, deployment.chain_id), deployment)
