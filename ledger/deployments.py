"""Deployment records: contract addresses and deployment blocks per chain id."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ledger.errors import ConfigurationError


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
    path = deployment_path(deployments_dir, chain_id)
    if not path.exists():
        return None
    try:
        return Deployment.model_validate_json(path.read_text())
    except (ValidationError, OSError) as exc:
        raise ConfigurationError(f"deployments file {path} is unreadable: {exc}") from exc


def save_deployment(deployments_dir: Path, deployment: Deployment) -> Path:
    """Write atomically, so a crash never leaves half a file."""
    deployments_dir.mkdir(parents=True, exist_ok=True)
    path = deployment_path(deployments_dir, deployment.chain_id)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(deployment.model_dump(), indent=2) + "\n")
    os.replace(tmp, path)
    return path
