"""The embedded node: start/stop/status, one node per data dir, state kept across restarts."""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ledger.accounts.keys import dev_account
from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.checkpoint import NodeCheckpoint
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode, NodeProfile, NodeStartFailed, keep_first_genesis
from ledger.settings import LedgerSettings
from tests.support import free_port, wait_until

LOAD_SENDS = 300


@pytest.fixture
def node(tmp_path: Path) -> Iterator[EmbeddedNode]:
    embedded = EmbeddedNode(tmp_path, port=free_port())
    yield embedded
    embedded.stop()


def test_start_status_second_start_reports_running_node(node: EmbeddedNode) -> None:
    assert not node.status().running
    info, started = node.start()
    assert started
    again, started_again = node.start()
    assert not started_again
    assert again.pid == info.pid
    status = node.status()
    assert status.running
    assert status.block_number == 0
    assert status.info is not None
    assert status.info.chain_id == 31337


def test_nothing_recorded_is_lost_across_restart(node: EmbeddedNode, tmp_path: Path) -> None:
    node.start()
    settings = LedgerSettings(data_dir=tmp_path)
    deploy_dev(
        rpc_client_for=lambda p: build_client(settings, p),
        deployments_dir=settings.resolved_deployments_dir,
        data_dir=tmp_path,
    )
    cn = ConsortiumBinding(build_client(settings, "cn-admin"))
    proposal = cn.propose_threshold(1)
    block_before = build_client(settings).block_number()
    assert node.stop()
    assert not node.status().running
    assert node.state_file.exists()

    node.start()
    client = build_client(settings)
    assert client.block_number() == block_before
    assert [m.id for m in ConsortiumBinding(client).members()] == ["CN", "SG"]
    assert ConsortiumBinding(client).proposal(proposal.proposal_id).approvals == 1
    receipt = client.w3.eth.get_transaction_receipt(proposal.tx_hash)
    assert receipt["status"] == 1


def test_port_taken_by_another_node_is_refused(node: EmbeddedNode, tmp_path: Path) -> None:
    info, _ = node.start()
    other = EmbeddedNode(tmp_path / "other", port=info.port)
    with pytest.raises(NodeStartFailed, match="already has a node"):
        other.start()


def test_besu_profile_has_zero_gas_price_and_timed_blocks(node: EmbeddedNode, tmp_path: Path) -> None:
    info, _ = node.start(NodeProfile.BESU)
    client = build_client(LedgerSettings(data_dir=tmp_path))
    assert client.w3.eth.gas_price == 0
    first = client.block_number()
    # a block comes every second whether or not a transaction waits (nothing is sent here)
    wait_until(lambda: client.block_number() > first, timeout=5, failure="no block mined within 5 s")
    assert info.profile is NodeProfile.BESU


def test_stop_when_not_running_says_so(node: EmbeddedNode) -> None:
    assert node.stop() is False


def test_a_killed_node_comes_back_with_every_acknowledged_transaction(node: EmbeddedNode, tmp_path: Path) -> None:
    """anvil writes its state every few seconds: SIGKILLed, it would come back without the blocks
    mined since, receipts already handed out included. The journal of sent transactions brings
    them back (the same hashes), each once, and later transactions go on from there."""
    info, _ = node.start()
    settings = LedgerSettings(data_dir=tmp_path)
    deploy_dev(rpc_client_for=lambda p: build_client(settings, p), deployments_dir=settings.resolved_deployments_dir,
               data_dir=tmp_path)  # fmt: skip
    assert node.stop()  # the deployment in the state file: what follows is only in the journal
    info, _ = node.start()
    cn = ConsortiumBinding(build_client(settings, "cn-admin"))
    proposals = [cn.propose_threshold(1) for _ in range(3)]
    head = build_client(settings).block_number()
    os.kill(info.pid, signal.SIGKILL)
    wait_until(lambda: not node.status().running, timeout=10, failure="the killed node did not end")

    node.start()
    client = build_client(settings)
    assert client.block_number() == head
    for proposal in proposals:
        assert client.w3.eth.get_transaction_receipt(proposal.tx_hash)["status"] == 1
    assert node.replayed is not None
    assert node.replayed.resent == 3
    assert ConsortiumBinding(client).proposal(proposals[-1].proposal_id).approvals == 1
    later = ConsortiumBinding(build_client(settings, "cn-admin")).propose_threshold(1)
    assert later.proposal_id not in {p.proposal_id for p in proposals}
    node.start()  # running: nothing sent again
    assert node.stop()
    assert not node.journal.path.exists()  # a clean stop wrote the whole state


def test_the_state_file_keeps_one_genesis_block_the_first(tmp_path: Path) -> None:
    """anvil adds a block 0 of its own at every start; which one the next start serves would be a
    matter of order, and a new genesis hash looks like a reset chain to the index."""

    def block(number: int, timestamp: int) -> dict[str, dict[str, str]]:
        return {"header": {"number": hex(number), "timestamp": hex(timestamp)}}

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"blocks": [block(0, 300), block(1, 150), block(0, 100), block(0, 200)]}))
    keep_first_genesis(state)
    assert json.loads(state.read_text())["blocks"] == [block(1, 150), block(0, 100)]


def test_the_genesis_block_survives_restarts_and_kills(node: EmbeddedNode, tmp_path: Path) -> None:
    info, _ = node.start()
    client = build_client(LedgerSettings(data_dir=tmp_path))
    genesis = client.w3.eth.get_block(0)["hash"]
    for _ in range(3):
        assert node.stop()
        info, _ = node.start()
    os.kill(info.pid, signal.SIGKILL)
    wait_until(lambda: not node.status().running, timeout=10, failure="the killed node did not end")
    node.start()
    assert build_client(LedgerSettings(data_dir=tmp_path)).w3.eth.get_block(0)["hash"] == genesis


def test_a_node_killed_under_load_comes_back_with_every_transaction_and_its_event(
    node: EmbeddedNode, tmp_path: Path
) -> None:
    """Two senders send as fast as they can, taking the node's snapshots as they go (a clock that
    makes one due every twenty sends or so); then the node is SIGKILLed. It comes back with every
    transaction sent, each with its receipt, and no account's state ahead of its blocks. (anvil's
    own timed snapshots read the blocks and then the accounts while it went on mining: after such
    a kill an account's nonce was ahead of its last block, and the journal could not send the
    missing transactions again.)"""
    info, _ = node.start()
    written = node.state_file.stat().st_mtime_ns

    def client(index: int) -> LedgerClient:
        ticks = itertools.count(time.time(), 0.25)  # a quarter of a second a reading
        snapshots = NodeCheckpoint(rpc_url=info.rpc_url, state_file=node.state_file, lock_dir=node.lock_dir,
                                   clock=lambda: next(ticks))  # fmt: skip
        artifacts = Artifacts(DEFAULT_ARTIFACTS_DIR)
        return LedgerClient(rpc_url=info.rpc_url, artifacts=artifacts, account=dev_account(index),
                            lock_dir=node.lock_dir, sent_journal=node.journal, checkpoint=snapshots)  # fmt: skip

    senders = [client(1), client(2)]
    sent: dict[str, list[str]] = {s.address: [] for s in senders}

    def send_many(sender: LedgerClient) -> None:
        for _ in range(LOAD_SENDS):
            # calldata of 2,000 bytes: a state that takes anvil a while to write out
            tx = {"to": sender.address, "data": "0x" + "ab" * 2000}
            sent[sender.address].append(sender.send_async(tx, gas=200_000))

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(send_many, senders))
    assert node.state_file.stat().st_mtime_ns > written  # snapshots were taken under the load
    os.kill(info.pid, signal.SIGKILL)
    wait_until(lambda: not node.status().running, timeout=10, failure="the killed node did not end")

    node.start()
    assert node.replayed is not None
    assert node.replayed.refused == 0
    client_ = senders[0]
    for address, hashes in sent.items():
        assert client_.w3.eth.get_transaction_count(address) == len(hashes)
        assert all(r["status"] == 1 for r in client_.receipts(hashes))
