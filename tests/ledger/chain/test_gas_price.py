"""The price the client offers: pipelined batches with room for the base fee do not drive up the
price every sender pays (on a node of their own: a climbing price would hurt the session's)."""

from __future__ import annotations

from pathlib import Path

from ledger.accounts.keys import dev_account
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.devnet.node import EmbeddedNode
from tests.support import free_port

ROUNDS = 16


def test_batches_priced_with_room_for_the_base_fee_leave_the_suggested_price_in_bounds(tmp_path: Path) -> None:
    """An oracle's rounds, each a batch with room for a rising base fee, among other senders'
    transactions at the suggested price: the suggestion stays within a few base fees of where
    it began (a batch priced at twice the suggestion doubled it round after round)."""
    node = EmbeddedNode(tmp_path, port=free_port())
    info, _ = node.start()
    try:
        artifacts = Artifacts(DEFAULT_ARTIFACTS_DIR)
        oracle = LedgerClient(rpc_url=info.rpc_url, artifacts=artifacts, account=dev_account(5))
        other = LedgerClient(rpc_url=info.rpc_url, artifacts=artifacts, account=dev_account(13))
        before = other.gas_price()
        for _ in range(ROUNDS):
            oracle.wait_many(oracle.send_batch([{"to": other.address, "value": 1}], gas=21_000, base_fee_room=True))
            other.send({"to": oracle.address, "value": 1}, gas=21_000)
        assert other.gas_price() < 4 * before
    finally:
        node.stop()
