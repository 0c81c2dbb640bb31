"""LedgerClient against the session node: reverts decoded, nonces safe, node errors clear."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from ledger.chain.contract import ContractBinding
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import ContractRevert, KeyUnavailable, NodeNotRunning, WrongChain
from tests.support import Chain, free_port

# The client's own sending and waiting: the gas price read, transactions pipelined and awaited,
# one key shared by concurrent senders, a failed transaction's revert replayed at its parent
# block (several share a block when the node mines on its own).
pytestmark = pytest.mark.besu


def test_revert_is_decoded_into_its_own_error_class(chain: Chain) -> None:
    stranger = ConsortiumBinding(chain.client("exporter"))
    not_admin = ContractRevert.for_error("ConsortiumNotMemberAdmin")
    with pytest.raises(not_admin) as raised:
        stranger.propose_threshold(1)
    assert raised.value.values["caller"].lower() == stranger.client.address.lower()
    assert "ConsortiumNotMemberAdmin(caller=0x" in raised.value.message


def test_revert_values_are_readable(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    with pytest.raises(ContractRevert, match=r"ConsortiumMemberExists\(memberId=SG\)"):
        cn.propose_add_member("SG", "Singapore again", "0x" + "11" * 20)


def test_concurrent_callers_sharing_one_key_never_collide(chain: Chain) -> None:
    # Two clients (as two processes would have) and four threads each, one key.
    clients = [chain.client("deployer"), chain.client("deployer")]
    target = "0x" + "22" * 20

    def transfer(i: int) -> int:
        sent = clients[i % 2].send({"to": target, "value": 1}, gas=21_000)
        return sent.block_number

    with ThreadPoolExecutor(max_workers=8) as pool:
        blocks = list(pool.map(transfer, range(16)))
    assert len(blocks) == 16
    assert clients[0].w3.eth.get_balance(target) == 16


def test_write_without_key_is_refused_clearly(chain: Chain) -> None:
    with pytest.raises(KeyUnavailable, match="--as PROFILE"):
        ConsortiumBinding(chain.client()).propose_threshold(1)


def test_unreachable_node_is_reported(tmp_path_factory: pytest.TempPathFactory) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    client = LedgerClient(rpc_url=url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    with pytest.raises(NodeNotRunning, match=f"no chain node answers at {url}"):
        client.block_number()


def test_wrong_chain_is_refused(chain: Chain) -> None:
    client = LedgerClient(rpc_url=chain.rpc_url, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR), expected_chain_id=1)
    with pytest.raises(WrongChain, match="node is on chain 31337, expected chain 1"):
        _ = client.chain_id


def test_pipelined_batch_sends_in_nonce_order(chain: Chain) -> None:
    client = chain.client("deployer")
    target = "0x" + "44" * 20
    hashes = client.send_batch([{"to": target, "value": i + 1} for i in range(50)], gas=21_000)
    receipts = client.wait_many(hashes)
    assert [r["status"] for r in receipts] == [1] * 50
    assert client.w3.eth.get_balance(target) == sum(range(1, 51))


def test_failed_transaction_in_batch_is_reported(chain: Chain) -> None:
    client = chain.client("exporter")
    consortium = ContractBinding(client, "Consortium")
    hashes = client.send_batch([consortium.tx("proposeThreshold", 1)], gas=200_000)
    with pytest.raises(ContractRevert.for_error("ConsortiumNotMemberAdmin")):
        client.wait_many(hashes)
