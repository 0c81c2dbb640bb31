"""Several oracles of one member reach the quorum together through the shared outbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from oracles.aeo_feed import QUORUM_POLL_SECONDS, FeedReport, outbox_path
from oracles.outbox import Outbox
from tests.support import Chain, FakeClock, chain_view, make_feed, recorded_view, rpc, set_quorum, write_source

# Two oracles' pipelines at once on one outbox; a batch's deadline passes by the chain's clock.
pytestmark = pytest.mark.besu


def test_one_oracle_alone_waits_for_the_quorum(feed_chain: Chain, tmp_path: Path) -> None:
    set_quorum(feed_chain, 2)
    ops = write_source(tmp_path / "aeo.csv", 3)
    clock = FakeClock()  # the default wait of 30 s for other oracles' signatures, on a clock of the test's
    alone = make_feed(feed_chain, "cn-oracle", clock=clock, sleep=clock.sleep).run(str(tmp_path / "aeo.csv"))
    assert (alone.quorum, alone.awaiting_signatures, alone.transactions) == (2, 1, 0)
    assert set(clock.naps) == {QUORUM_POLL_SECONDS}
    assert 30 < sum(clock.naps) < 30 + 2 * QUORUM_POLL_SECONDS  # it waited the 30 s, and no longer
    assert chain_view(feed_chain, ops)[ops[1]] == ("none", "-", 0)
    second = make_feed(feed_chain, "cn-oracle-2").run(str(tmp_path / "aeo.csv"))
    assert (second.new_changes, second.transactions, second.done_changes) == (0, 1, 4)
    assert chain_view(feed_chain, ops)[ops[0]] == ("suspended", "advanced", 2)


def test_two_oracles_running_at_once_reach_the_quorum(feed_chain: Chain, tmp_path: Path) -> None:
    set_quorum(feed_chain, 2)
    ops = write_source(tmp_path / "aeo.csv", 250)

    def run(profile: str) -> FeedReport:
        return make_feed(feed_chain, profile, batch_size=20, pipeline=3).run(str(tmp_path / "aeo.csv"))

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(run, ["cn-oracle", "cn-oracle-2"]))
    assert sum(r.done_changes for r in reports) == 250 + 36
    assert all(r.awaiting_signatures == 0 for r in reports)
    view = chain_view(feed_chain, ops)
    assert all(view[op] == ("suspended", "advanced", 2) for op in ops[::7])
    assert all(view[op] == ("active", "advanced", 1) for i, op in enumerate(ops) if i % 7)
    again = make_feed(feed_chain, "cn-oracle").run(str(tmp_path / "aeo.csv"))
    assert (again.new_changes, again.transactions) == (0, 0)


def test_an_expired_batch_is_signed_again_with_a_new_deadline(feed_chain: Chain, tmp_path: Path) -> None:
    set_quorum(feed_chain, 2)
    ops = write_source(tmp_path / "aeo.csv", 3)
    first = make_feed(feed_chain, "cn-oracle", quorum_wait_seconds=0).run(str(tmp_path / "aeo.csv"))
    assert first.awaiting_signatures == 1
    rpc(feed_chain.rpc_url, "evm_increaseTime", [2 * 3600])  # past the batch's deadline
    rpc(feed_chain.rpc_url, "evm_mine")
    second = make_feed(feed_chain, "cn-oracle-2", quorum_wait_seconds=0).run(str(tmp_path / "aeo.csv"))
    assert (second.transactions, second.awaiting_signatures) == (0, 1)  # expired, re-batched, signed
    third = make_feed(feed_chain, "cn-oracle", quorum_wait_seconds=0).run(str(tmp_path / "aeo.csv"))
    assert (third.transactions, third.done_changes) == (1, 4)
    assert recorded_view(feed_chain, ops)[ops[0]] == ("suspended", "advanced", 2)  # the chain's clock is 2 h ahead
    states = Outbox(outbox_path(feed_chain.settings)).open_batches()
    assert states == []
