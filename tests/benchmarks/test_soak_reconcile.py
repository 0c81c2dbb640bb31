"""The soak's reckoning: what it calls lost, duplicated, a repeated delivery, a quantity that
does not add up, and a 5xx that counts."""

from __future__ import annotations

from typing import Any

from benchmarks.soak.chaos import Kill
from benchmarks.soak.journal import Outcome, Record
from benchmarks.soak.reconcile import (
    ChainLog,
    reconcile_deliveries,
    reconcile_errors,
    reconcile_quantities,
    reconcile_writes,
)

ROOT_A, ROOT_B = "0x" + "aa" * 32, "0x" + "bb" * 32
NUMBER = "0x" + "11" * 32


def _ack(tx: str, event: str = "CertificatesIssued", key_arg: str | None = "root", **extra: Any) -> Record:
    return Record(op="issue", outcome=Outcome.ACKNOWLEDGED, at=0.0, tx=tx, event=event, key_arg=key_arg, **extra)


def _log(tx: str, args: dict[str, Any], event: str = "CertificatesIssued", block: int = 1, index: int = 0) -> ChainLog:
    return ChainLog(tx=tx, event=event, args=args, block=block, log_index=index)


def test_an_acknowledged_write_missing_on_chain_is_lost() -> None:
    chain = [_log("0x01", {"root": ROOT_A})]
    found = reconcile_writes([_ack("0x01"), _ack("0x02")], chain, chain)
    assert (found.acknowledged, found.lost_on_chain, found.lost_in_index, found.duplicated_on_chain) == (2, 1, 1, 0)
    assert found.details[0] == "issue 0x02: no CertificatesIssued on chain"


def test_a_write_the_index_lacks_is_lost_there_only() -> None:
    chain = [_log("0x01", {"root": ROOT_A}), _log("0x02", {"root": ROOT_B}, block=2)]
    found = reconcile_writes([_ack("0x01"), _ack("0x02")], chain, chain[:1])
    assert (found.lost_on_chain, found.lost_in_index) == (0, 1)


def test_the_same_write_in_two_transactions_is_duplicated() -> None:
    """A retry after a lost answer that the system let through: one root, two transactions."""
    chain = [_log("0x01", {"root": ROOT_A}), _log("0x02", {"root": ROOT_A}, block=2)]
    found = reconcile_writes([_ack("0x01")], chain, chain)
    assert (found.lost_on_chain, found.duplicated_on_chain, found.duplicated_in_index) == (0, 1, 1)


def test_a_row_twice_in_the_index_is_duplicated_there() -> None:
    chain = [_log("0x01", {"root": ROOT_A})]
    found = reconcile_writes([_ack("0x01")], chain, chain + chain)
    assert (found.duplicated_on_chain, found.duplicated_in_index) == (0, 1)


def test_a_write_journalled_twice_counts_once() -> None:
    chain = [_log("0x01", {"root": ROOT_A})]
    found = reconcile_writes([_ack("0x01"), _ack("0x01")], chain, chain)
    assert (found.acknowledged, found.duplicated_on_chain) == (1, 0)


def test_transactions_named_by_their_hash_alone_are_never_duplicates_of_each_other() -> None:
    """Two suspensions of one operator (reinstated between) are two writes, not one twice."""
    operator = {"operator": "0x" + "cc" * 32}
    chain = [_log("0x01", operator, "OperatorSuspended"), _log("0x02", operator, "OperatorSuspended", block=2)]
    acks = [_ack("0x01", "OperatorSuspended", None), _ack("0x02", "OperatorSuspended", None)]
    assert reconcile_writes(acks, chain, chain).duplicated_on_chain == 0


def _draw(tx: str, amount: int, remaining: int, block: int) -> ChainLog:
    args = {"numberKey": NUMBER, "amount": amount, "remaining": remaining, "declarationRef": tx}
    return _log(tx, args, "CertificateUtilized", block=block)


def test_draws_that_add_up_are_no_finding() -> None:
    chain = [_draw("0x01", 1000, 9000, 1), _draw("0x02", 2000, 7000, 2)]
    told = [_ack("0x01", "CertificateUtilized", "declarationRef", number_key=NUMBER, amount=1000)]
    found = reconcile_quantities([*told, Record(op="utilize", outcome=Outcome.FAILED, at=0.0)], chain)
    assert (found.numbers, found.draws_on_chain, found.mismatches) == (1, 2, 0)


def test_a_drawn_quantity_that_does_not_add_up_is_reported() -> None:
    chain = [_draw("0x01", 1000, 9000, 1), _draw("0x02", 2000, 8000, 2)]  # 3000 drawn, 8000 left of 10000
    found = reconcile_quantities([], chain)
    assert found.mismatches == 1
    assert found.details == [f"{NUMBER}: drawn 3000 and 8000 left of 10000"]


def test_a_client_told_of_more_than_the_chain_drew_is_reported() -> None:
    told = [_ack(f"0x0{n}", "CertificateUtilized", "declarationRef", number_key=NUMBER, amount=1000) for n in (1, 2)]
    found = reconcile_quantities(told, [_draw("0x01", 1000, 9000, 1)])
    assert found.mismatches == 1
    assert "told 2000" in found.details[0]


def test_a_delivery_id_received_twice_is_a_repeated_delivery_not_a_loss_or_duplicate() -> None:
    found = reconcile_deliveries({"msg_a", "msg_b"}, ["msg_a", "msg_a", "msg_b"])
    assert (found.missing, found.repeated_deliveries, found.unexpected, found.received_unique) == (0, 1, 0, 2)


def test_an_expected_delivery_never_received_is_missing() -> None:
    found = reconcile_deliveries({"msg_a", "msg_b"}, ["msg_a", "msg_z"])
    assert (found.missing, found.unexpected) == (1, 1)


def test_an_unexpected_delivery_names_its_transaction_and_whether_the_chain_has_it() -> None:
    on_chain = [ChainLog(tx="0xAA", event="EventAppended", args={}, block=7, log_index=0)]
    found = reconcile_deliveries(
        {"msg_a"}, ["msg_a", "msg_y", "msg_z"], transactions={"msg_y": "0xaa", "msg_z": "0xbb"}, on_chain=on_chain
    )
    assert found.unexpected_details == [
        "msg_y: transaction 0xaa, on chain in block 7",
        "msg_z: transaction 0xbb, not on chain",
    ]


def _failure(at: float, status: int | None, code: str | None = None) -> Record:
    return Record(op="issue", outcome=Outcome.FAILED, at=at, status=status, code=code)


def test_5xx_count_unless_a_killed_worker_or_a_down_node_explains_them() -> None:
    kills = [Kill("worker", 100.0, 104.0, 4.0), Kill("node", 200.0, 203.0, 3.0)]
    records = [
        _failure(101.0, 502),  # while the worker restarts
        _failure(105.5, 500),  # within the grace after it served again
        _failure(201.0, 503, "https://sanzhi.dev/problems/node-not-running"),  # the node down, said so
        _failure(201.0, 500),  # the node down is no excuse for an unexplained 500
        _failure(150.0, 503, "https://sanzhi.dev/problems/node-not-running"),  # the node was up
        _failure(101.0, None, "ConnectionError"),  # no answer: not a 5xx
        _failure(300.0, 422),
    ]
    found = reconcile_errors(records, kills)
    assert (found.http_5xx, found.http_5xx_excused, found.connection_errors) == (2, 3, 1)
