"""Build a LedgerClient from settings and a profile name: where the library's parts meet."""

from __future__ import annotations

from ledger.accounts.profiles import resolve_account
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.chain.deployments import load_deployment
from ledger.chain.sent_journal import SentJournal
from ledger.devnet.checkpoint import NodeCheckpoint
from ledger.devnet.node import read_node_info, sent_journal_path, state_file_path
from ledger.settings import DEFAULT_RPC_URL, LedgerSettings


def rpc_url(settings: LedgerSettings) -> str:
    """The configured RPC URL, else the embedded node's, else the default local port."""
    if settings.rpc_url:
        return settings.rpc_url
    info = read_node_info(settings.node_dir)
    return info.rpc_url if info else DEFAULT_RPC_URL


def build_client(settings: LedgerSettings, profile: str | None = None, *, connect: bool = True) -> LedgerClient:
    """A client for the configured node, signing as `profile` (or the env key), if any.

    The deployment is looked up by the node's chain id; it stays None when there is none yet,
    and without `connect` (nothing is asked of the node: a service starts while it is down).
    """
    url = rpc_url(settings)
    client = LedgerClient(
        rpc_url=url,
        artifacts=Artifacts(settings.artifacts_dir or DEFAULT_ARTIFACTS_DIR),
        account=resolve_account(settings, profile),
        expected_chain_id=settings.chain_id,
        lock_dir=settings.data_dir / "locks",
        tx_timeout_seconds=settings.tx_timeout_seconds,
        sent_journal=embedded_journal(settings, url),
        checkpoint=embedded_checkpoint(settings, url),
    )
    if connect:
        load_deployment_of(client, settings)
    return client


def embedded_journal(settings: LedgerSettings, url: str) -> SentJournal | None:
    """The journal of the data directory's embedded node when `url` is that node (see
    ledger/chain/sent_journal.py); None for any other node, which keeps its own blocks."""
    info = read_node_info(settings.node_dir)
    if info is None or info.rpc_url != url:
        return None
    return SentJournal(sent_journal_path(settings.node_dir))


def embedded_checkpoint(settings: LedgerSettings, url: str) -> NodeCheckpoint | None:
    """The snapshots of the data directory's embedded node when `url` is that node (see
    ledger/devnet/checkpoint.py); None for any other node."""
    info = read_node_info(settings.node_dir)
    if info is None or info.rpc_url != url:
        return None
    state_file = state_file_path(settings.node_dir)
    return NodeCheckpoint(rpc_url=url, state_file=state_file, lock_dir=settings.data_dir / "locks")


def load_deployment_of(client: LedgerClient, settings: LedgerSettings) -> None:
    """Give `client` the deployment record of the chain it reaches (None when there is none)."""
    client.deployment = load_deployment(settings.resolved_deployments_dir, client.chain_id)
