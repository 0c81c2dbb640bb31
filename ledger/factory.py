"""Build a LedgerClient from settings and a profile name."""

from __future__ import annotations

from ledger.artifacts import Artifacts
from ledger.client import LedgerClient
from ledger.deployments import load_deployment
from ledger.profiles import resolve_account
from ledger.settings import LedgerSettings


def build_client(settings: LedgerSettings, profile: str | None = None) -> LedgerClient:
    """A client for the configured node, signing as `profile` (or the env key), if any.

    The deployment is looked up by the node's chain id; it stays None when there is none yet.
    """
    client = LedgerClient(
        rpc_url=settings.resolved_rpc_url(),
        artifacts=Artifacts(settings.artifacts_dir),
        account=resolve_account(settings, profile),
        expected_chain_id=settings.chain_id,
        lock_dir=settings.data_dir / "locks",
        tx_timeout_seconds=settings.tx_timeout_seconds,
    )
    client.deployment = load_deployment(settings.resolved_deployments_dir, client.chain_id)
    return client
