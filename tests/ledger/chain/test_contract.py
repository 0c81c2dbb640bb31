"""ContractBinding on the session node: reads, batches, reverts through the one decoder, failed reads."""

from __future__ import annotations

import pytest

from ledger.chain.contract import ContractBinding
from ledger.chain.reads import LogsRefused, batch_call
from ledger.errors import ContractRevert, ReadFailed, TransactionFailed, UndecodableData
from tests.support import Chain

pytestmark = pytest.mark.besu
NOT_ADMIN = ContractRevert.for_error("ConsortiumNotMemberAdmin")


def test_a_view_call_returns_domain_values_with_checksummed_addresses(chain: Chain) -> None:
    consortium = ContractBinding(chain.client(), "Consortium")
    ids = consortium.call("memberIds")
    member = consortium.call("member", ids[0])
    assert member[2] == consortium.client.w3.to_checksum_address(member[2])
    assert consortium.call("threshold") >= 1


def test_batched_calls_are_one_json_rpc_request(chain: Chain) -> None:
    client = chain.client()
    consortium = ContractBinding(client, "Consortium")
    ids = consortium.call("memberIds")
    before = client.raw_requests
    members = batch_call(client, [consortium.fn("member", i) for i in ids])
    assert client.raw_requests == before + 1
    assert [m[0] for m in members] == list(ids)


def test_a_revert_decodes_to_the_same_error_from_a_read_an_estimate_and_a_mined_transaction(chain: Chain) -> None:
    client = chain.client("exporter")
    consortium = ContractBinding(client, "Consortium")
    with pytest.raises(NOT_ADMIN):  # eth_call (from the zero address: not an admin either)
        consortium.call("proposeThreshold", 1)
    [estimate] = client.estimates([consortium.tx("proposeThreshold", 1)])
    assert isinstance(estimate, NOT_ADMIN)
    with pytest.raises(NOT_ADMIN):
        client.estimate_gas({"from": client.address, **consortium.tx("proposeThreshold", 1)})
    hashes = client.send_batch([consortium.tx("proposeThreshold", 1)], gas=200_000)  # no estimate: mined, fails
    with pytest.raises(NOT_ADMIN):
        client.wait_many(hashes)


def test_a_failed_read_is_its_own_error_not_a_failed_transaction(chain: Chain) -> None:
    consortium = ContractBinding(chain.client(), "Consortium")
    with pytest.raises(ReadFailed) as raised:
        consortium.call("threshold", block=10**12)  # a block the node does not have
    assert not isinstance(raised.value, TransactionFailed)
    assert "Consortium.threshold" in raised.value.message
    with pytest.raises(LogsRefused):  # the node refuses the range: the indexer asks for less
        consortium.logs(["ProposalCreated"], from_block=10**12, to_block=1)


def test_an_address_without_the_contract_answers_undecodable_data(chain: Chain) -> None:
    nobody = ContractBinding(chain.client(), "Consortium", "0x" + "44" * 20)
    with pytest.raises(UndecodableData, match="threshold"):
        nobody.call("threshold")


def test_events_are_decoded_out_of_a_receipt(chain: Chain) -> None:
    admin = chain.client("cn-admin")
    consortium = ContractBinding(admin, "Consortium")
    sent = consortium.transact("proposeThreshold", consortium.call("threshold"))
    [created] = consortium.events(sent.receipt, "ProposalCreated")
    assert created["proposalId"] == consortium.call("proposalCount") - 1
    logs = consortium.logs(["ProposalCreated"], from_block=sent.block_number, to_block=sent.block_number)
    assert [consortium.codec.event_decoder("ProposalCreated")(log) for log in logs] == [created]
