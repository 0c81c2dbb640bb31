"""The embedded node's snapshots: none while a sender sends, none that holds a transaction's
effects without its block (see ledger/devnet/checkpoint.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from ledger.devnet.checkpoint import NodeCheckpoint, consistent
from tests.support import free_port

SENDER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3"


def snapshot(nonce: int, transactions: int) -> dict[str, Any]:
    return {
        "accounts": {
            SENDER: {"nonce": nonce, "code": "0x"},
            CONTRACT: {"nonce": 1, "code": "0x6080"},  # a contract's nonce counts what it created
        },
        "transactions": [{"info": {"from": SENDER}} for _ in range(transactions)],
        "blocks": [{"transactions": [{}]} for _ in range(transactions)],
    }


def test_a_snapshot_whose_nonce_runs_ahead_of_its_blocks_is_refused() -> None:
    """The node's nonce for the snapshot's last block is the measure (a chain may hold an old gap
    of its own: the snapshot must only agree with it)."""
    assert consistent(snapshot(3, 3), {SENDER: 3})
    assert not consistent(snapshot(4, 3), {SENDER: 3})  # the effects of one whose block is missing
    assert consistent(snapshot(4, 3), {SENDER: 4})  # a gap the chain itself has
    receipt_without_block = snapshot(3, 3)
    receipt_without_block["blocks"].pop()
    assert not consistent(receipt_without_block, {SENDER: 3})


def test_no_snapshot_while_another_sender_holds_its_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locks = tmp_path / "locks"
    locks.mkdir()
    state = tmp_path / "state.json"
    state.write_text("{}")
    checkpoint = NodeCheckpoint(rpc_url=f"http://127.0.0.1:{free_port()}", state_file=state, lock_dir=locks)
    dumps: list[int] = []
    monkeypatch.setattr(checkpoint, "_dump", lambda: dumps.append(1) or b'{"best_block_number": 7}')
    with FileLock(str(locks / "0xabc.lock")):
        assert not checkpoint.take()  # another sender is sending: the node is not even asked
    assert (dumps, state.read_text()) == ([], "{}")
    assert checkpoint.take()  # free again
    assert (dumps, state.read_text()) == ([1], '{"best_block_number": 7}')
