"""The AEO feed against the chain: derive, submit, converge, and never double a change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger.aeo import AeoRegistryBinding
from ledger.timestamps import iso, parse_time, utc_now
from oracles.aeo_feed import outbox_path
from oracles.outbox import Outbox
from tests.support import EXAMPLES, EXPECTED, OPS, Chain, chain_view, make_feed

# The feed's pipeline: batches sent before any is awaited, at a gas price it scales (0 stays 0),
# with deadlines from the latest block's time.
pytestmark = pytest.mark.besu


def test_example_csv_converges_and_a_second_run_submits_nothing(feed_chain: Chain) -> None:
    feed = make_feed(feed_chain)
    first = feed.run(str(EXAMPLES / "aeo-cn.csv"))
    assert (first.records, first.new_changes, first.done_changes) == (5, 6, 6)
    assert first.transactions == 1
    assert chain_view(feed_chain, OPS) == EXPECTED
    again = make_feed(feed_chain).run(str(EXAMPLES / "aeo-cn.csv"))
    assert (again.new_changes, again.transactions, again.done_changes) == (0, 0, 0)
    assert chain_view(feed_chain, OPS) == EXPECTED


def test_json_example_says_the_same_as_the_csv(feed_chain: Chain) -> None:
    make_feed(feed_chain).run(str(EXAMPLES / "aeo-cn.csv"))
    report = make_feed(feed_chain).run(str(EXAMPLES / "aeo-cn.json"))
    assert (report.records, report.new_changes, report.transactions) == (5, 0, 0)


def test_changes_in_the_source_become_changes_on_chain(feed_chain: Chain, tmp_path: Path) -> None:
    make_feed(feed_chain).run(str(EXAMPLES / "aeo-cn.csv"))
    data = json.loads((EXAMPLES / "aeo-cn.json").read_text())
    ops = data["operators"]
    ops[0]["status"], ops[0]["reason"] = "suspended", "fraud"
    ops[1]["tier"] = "general"
    ops[2]["status"] = "revoked"
    ops[3]["status"], ops[3]["reason"] = "active", "remediated"
    ops[4]["valid_until"] = "2028-11-19"
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(data))
    report = make_feed(feed_chain).run(str(source))
    assert report.done_changes == 5
    assert chain_view(feed_chain, OPS) == {
        OPS[0]: ("suspended", "advanced", 2),
        OPS[1]: ("active", "general", 2),
        OPS[2]: ("revoked", "general", 2),
        OPS[3]: ("active", "advanced", 3),
        OPS[4]: ("active", "general", 2),
    }
    assert make_feed(feed_chain).run(str(source)).new_changes == 0


def test_bad_rows_become_dead_letters_and_the_rest_is_applied(feed_chain: Chain, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "operator_id,tier,valid_from,valid_until,status,reason\n"
        "USCI:GOOD1,advanced,2024-01-01,,active,\n"
        ",advanced,2024-01-01,,active,\n"
        "USCI:BADTIER,platinum,2024-01-01,,active,\n"
        "USCI:BADDATE,general,2024-13-45,,active,\n"
        "USCI:BACKWARDS,general,2025-01-01,2024-01-01,active,\n"
        "USCI:NEVERSEEN,general,2024-01-01,,revoked,fraud\n"
        "USCI:BADSTATUS,general,2024-01-01,,sleeping,\n"
        "usci:good1,advanced,2024-01-01,,active,\n"
        "USCI:EXTRA,general,2024-01-01,,active,,surplus\n"
        "USCI:GOOD2,general,2024-01-01,,suspended,investigation\n"
        "91310000MA1FL8XQ30,general,2024-01-01,,active,\n"
        "USCI:TWICE,general,2024-01-01,,active,\n"
        "USCI:TWICE,general,2024-01-01,,suspended,investigation\n"
    )
    report = make_feed(feed_chain).run(str(source))
    assert report.new_dead_letters == 10
    assert report.done_changes == 3
    assert chain_view(feed_chain, ["USCI:GOOD1", "USCI:GOOD2"]) == {
        "USCI:GOOD1": ("active", "advanced", 1),
        "USCI:GOOD2": ("suspended", "general", 2),
    }
    assert chain_view(feed_chain, ["USCI:TWICE"])["USCI:TWICE"][2] == 0  # order did not pick one
    outbox = Outbox(outbox_path(feed_chain.settings))
    reasons = {d["ref"]: d["reason"] or "" for d in outbox.dead_letters("CN")}
    assert reasons["row 2"].startswith("malformed row: operator_id is missing")
    assert "unknown tier 'platinum'" in reasons["row 3"]
    assert reasons["row 4"].startswith("invalid dates:")
    assert reasons["row 5"].startswith("invalid dates: valid_until 2024-01-01 is not after")
    assert reasons["row 6"].startswith("unknown operator")
    assert "unknown status 'sleeping'" in reasons["row 7"]
    assert "row 8" not in reasons  # the same row twice is applied once
    assert "has no scheme" in reasons["row 11"]
    assert "conflicts with row 13" in reasons["row 12"]
    assert "conflicts with row 12" in reasons["row 13"]
    assert "more cells than header" in reasons["row 9"]
    again = make_feed(feed_chain).run(str(source))
    assert (again.new_dead_letters, again.new_changes) == (0, 0)


def test_the_customs_decision_time_is_the_effective_time(feed_chain: Chain, tmp_path: Path) -> None:
    """`decided_at` in the export becomes the change's effective time (a future one is scheduled);
    rows without it take effect when recorded; the outbox keeps both times."""
    header = "operator_id,tier,valid_from,status,reason,decided_at\n"
    source = tmp_path / "aeo.csv"
    source.write_text(header + "USCI:DECIDED,general,2025-01-01,active,,2025-03-01T08:00:00Z\n"
                      "USCI:TODAY,general,2025-01-01,active,,\n")  # fmt: skip
    before = utc_now()
    make_feed(feed_chain).run(str(source))
    binding = AeoRegistryBinding(feed_chain.client())
    decided = binding.history(operator="USCI:DECIDED", certified_by="CN").history
    assert [h.effective_at for h in decided] == [datetime(2025, 3, 1, 8, tzinfo=UTC)]
    assert decided[0].recorded_at is not None
    assert decided[0].recorded_at > decided[0].effective_at  # the block time, not the decision
    today = binding.history(operator="USCI:TODAY", certified_by="CN").history
    assert today[0].effective_at == today[0].recorded_at  # today's behaviour: effective when recorded

    later = (utc_now() + timedelta(days=10)).replace(microsecond=0)
    source.write_text(header + f"USCI:DECIDED,general,2025-01-01,suspended,fraud,{later.isoformat()}\n"
                      "USCI:TODAY,general,2025-01-01,active,,2024-06-01\n")  # fmt: skip
    report = make_feed(feed_chain).run(str(source))
    assert (report.done_changes, report.new_dead_letters) == (1, 0)  # TODAY unchanged: nothing to back-date
    now = binding.certification(operator="USCI:DECIDED", certified_by="CN")
    assert (now.status, [s.change for s in now.scheduled]) == ("active", ["suspend"])
    assert now.state is not None
    assert now.state.effective_at == later
    outbox = Outbox(outbox_path(feed_chain.settings))
    try:
        changes = {(c["operator_id"], c["change"]): c for c in outbox.changes("CN")}
    finally:
        outbox.close()
    assert changes[("USCI:DECIDED", "certify")]["decided_at"] == "2025-03-01T08:00Z"
    assert changes[("USCI:DECIDED", "suspend")]["decided_at"] == iso(later)
    assert changes[("USCI:TODAY", "certify")]["decided_at"] is None
    assert all(parse_time(str(c["recorded_at"])) >= before - timedelta(seconds=2) for c in changes.values())

    # a decision dated before the certification's last change on chain cannot be recorded
    source.write_text(header + "USCI:DECIDED,general,2025-01-01,revoked,fraud,2025-02-01\n")
    refused = make_feed(feed_chain).run(str(source))
    assert (refused.new_changes, refused.new_dead_letters) == (0, 1)
    outbox = Outbox(outbox_path(feed_chain.settings))
    try:
        reasons = [d["reason"] or "" for d in outbox.dead_letters("CN")]
    finally:
        outbox.close()
    assert reasons[0].startswith("invalid dates: decided_at 2025-02-01T00:00Z is before the certification's last")
