"""Two members' oracles share one data directory (one outbox): each member's batches are
promoted, signed, submitted and reported by that member's oracles only, at its own quorum."""

from __future__ import annotations

from pathlib import Path

from oracles.aeo_feed import outbox_path
from oracles.outbox import Outbox
from tests.support import Chain, chain_view, make_feed, set_quorum, write_source


def test_a_member_never_promotes_or_submits_another_members_batch(feed_chain: Chain, tmp_path: Path) -> None:
    set_quorum(feed_chain, 2, member="sg")  # CN keeps quorum 1
    sg_ops = write_source(tmp_path / "sg.csv", 3)
    cn_source = tmp_path / "cn.csv"
    cn_source.write_text("operator_id,tier,valid_from\nUSCI:CN-ONLY,general,2025-01-01\n")

    sg_alone = make_feed(feed_chain, "sg-oracle", quorum_wait_seconds=0).run(str(tmp_path / "sg.csv"))
    assert (sg_alone.member, sg_alone.quorum, sg_alone.awaiting_signatures) == ("SG", 2, 1)

    # CN's feed (quorum 1) runs in the same outbox: it must leave SG's half-signed batch alone.
    cn = make_feed(feed_chain, "cn-oracle", quorum_wait_seconds=0).run(str(cn_source))
    assert (cn.member, cn.done_changes, cn.awaiting_signatures) == ("CN", 1, 0)
    outbox = Outbox(outbox_path(feed_chain.settings))
    try:
        sg_batches = outbox.open_batches("SG")
        assert [(b["state"], b["signatures"]) for b in sg_batches] == [("signing", 1)]
        assert outbox.counts("CN") == {"done": 1}
        assert outbox.counts("SG") == {"signing": 4}
        # a signature handed in under another member's name is not stored
        outbox.add_signatures("CN", [(str(sg_batches[0]["id"]), "0x" + "ab" * 20, b"\0" * 65)], 1)
        assert [(b["state"], b["signatures"]) for b in outbox.open_batches("SG")] == [("signing", 1)]
    finally:
        outbox.close()

    # SG's first oracle again: still one signature of two, nothing sent, nothing dead.
    again = make_feed(feed_chain, "sg-oracle", quorum_wait_seconds=0).run(str(tmp_path / "sg.csv"))
    assert (again.transactions, again.awaiting_signatures, again.new_dead_letters) == (0, 1, 0)
    # SG's second oracle completes the quorum and SG's changes are applied, none dead-lettered.
    second = make_feed(feed_chain, "sg-oracle-2", quorum_wait_seconds=0).run(str(tmp_path / "sg.csv"))
    assert (second.transactions, second.done_changes, second.awaiting_signatures) == (1, 4, 0)
    assert chain_view(feed_chain, sg_ops, member="SG")[sg_ops[0]] == ("suspended", "advanced", 2)
    assert chain_view(feed_chain, sg_ops, member="SG")[sg_ops[1]] == ("active", "advanced", 1)
    outbox = Outbox(outbox_path(feed_chain.settings))
    try:
        assert outbox.dead_letters() == []
        assert outbox.counts() == {"done": 5}
    finally:
        outbox.close()
