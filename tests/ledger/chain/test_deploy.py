"""Deployment: dependency order, recorded per chain id, idempotent, redeploys after a reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.accounts.keys import dev_account
from ledger.chain.deploy import CONTRACTS, Founder, deploy_all
from ledger.chain.deployments import load_deployment
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput
from tests.support import Chain


def test_second_deploy_deploys_nothing(chain: Chain, tmp_path: Path) -> None:
    client = chain.client("deployer")
    founders = [Founder(member_id="CN", name="China Customs", admin=dev_account(1).address)]
    first = deploy_all(client=client, deployments_dir=tmp_path, founders=founders, threshold=1)
    built = [s.name for s in CONTRACTS if client.artifacts.has(s.name)]
    assert first.deployed == built
    assert list(first.deployment.contracts) == built
    second = deploy_all(client=client, deployments_dir=tmp_path, founders=founders, threshold=1)
    assert second.deployed == []
    assert second.deployment == first.deployment
    recorded = load_deployment(tmp_path, 31337)
    assert recorded is not None
    assert recorded.deployment_block == first.deployment.contracts["Consortium"].block


def test_stale_deployments_file_is_replaced(chain: Chain, tmp_path: Path) -> None:
    client = chain.client("deployer")
    founders = [Founder(member_id="CN", name="China Customs", admin=dev_account(1).address)]
    first = deploy_all(client=client, deployments_dir=tmp_path, founders=founders, threshold=1)
    stale = first.deployment.model_copy(deep=True)
    stale.contracts["Consortium"].address = "0x" + "33" * 20  # no code there
    (tmp_path / "31337.json").write_text(stale.model_dump_json())
    again = deploy_all(client=client, deployments_dir=tmp_path, founders=founders, threshold=1)
    assert "Consortium" in again.deployed
    assert [m.id for m in ConsortiumBinding(client).members()] == ["CN"]


def test_founders_and_threshold_are_checked(chain: Chain, tmp_path: Path) -> None:
    client = chain.client("deployer")
    with pytest.raises(InvalidInput, match="at least one founding member"):
        deploy_all(client=client, deployments_dir=tmp_path, founders=[], threshold=1)
    founders = [Founder(member_id="CN", name="China Customs", admin=dev_account(1).address)]
    with pytest.raises(InvalidInput, match="threshold must be between 1 and 1"):
        deploy_all(client=client, deployments_dir=tmp_path, founders=founders, threshold=2)
