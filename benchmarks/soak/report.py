"""The soak's result (JSON, written atomically) and its goals."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from benchmarks.soak.chaos import Kill
from benchmarks.soak.journal import Outcome, Record
from benchmarks.soak.reconcile import DeliveryFindings, ErrorFindings, QuantityFindings, WriteFindings
from ledger.files import write_atomic

MIN_KILLS_PER_MINUTE = 2.0  # 20 in 10 minutes


class OperationCounts(BaseModel):
    attempted: int = 0
    acknowledged: int = 0  # writes
    read: int = 0  # reads that answered
    failed: int = 0


class SoakReport(BaseModel):
    minutes: float
    seed: int
    chaos: bool
    operations: int
    acknowledged: int
    lost: int  # acknowledged writes missing on chain or in the index, and expected webhooks never received
    duplicated: int  # acknowledged writes on chain or in the index more than once
    kills: int
    kills_by_part: dict[str, int]
    kills_unrecovered: int
    max_recovery_s: float | None
    max_recovery_s_by_part: dict[str, float]
    http_5xx: int
    http_5xx_excused: int
    connection_errors: int
    per_operation: dict[str, OperationCounts]
    writes: WriteFindings
    quantities: QuantityFindings
    webhooks: DeliveryFindings
    errors: ErrorFindings
    node_transactions_resent: int  # sent again from the node's journal after its kills
    node_transactions_refused: int  # journalled, yet refused when sent again (each one a lost write)
    node_refusals: list[str]  # the node's words for the first few of them
    chaos_errors: list[str]
    load_average_start: tuple[float, float, float]
    load_average_end: tuple[float, float, float]
    wall_seconds: float
    goals_missed: list[str]


def per_operation(records: Iterable[Record]) -> dict[str, OperationCounts]:
    counts: dict[str, OperationCounts] = defaultdict(OperationCounts)
    for record in records:
        entry = counts[record.op]
        entry.attempted += 1
        if record.outcome is Outcome.ACKNOWLEDGED:
            entry.acknowledged += 1
        elif record.outcome is Outcome.READ:
            entry.read += 1
        else:
            entry.failed += 1
    return dict(sorted(counts.items()))


def kill_figures(kills: list[Kill]) -> tuple[dict[str, int], float | None, dict[str, float], int]:
    """Kills per part, the longest recovery (overall and per part), kills never recovered from."""
    by_part = dict(sorted(Counter(k.part for k in kills).items()))
    longest: dict[str, float] = {}
    for kill in kills:
        if kill.recovery_s is not None:
            longest[kill.part] = max(longest.get(kill.part, 0.0), kill.recovery_s)
    unrecovered = sum(1 for k in kills if k.recovery_s is None)
    return by_part, max(longest.values(), default=None), dict(sorted(longest.items())), unrecovered


def goals_missed(report: SoakReport) -> list[str]:
    """What the run fell short of: nothing lost or duplicated, no 5xx, every part recovered after
    each kill, and with --chaos at least MIN_KILLS_PER_MINUTE kills a minute."""
    missed = [f"{name} is {value}" for name, value in (("lost", report.lost), ("duplicated", report.duplicated),
              ("http_5xx", report.http_5xx), ("kills_unrecovered", report.kills_unrecovered),
              ("quantity mismatches", report.quantities.mismatches)) if value]  # fmt: skip
    wanted = int(MIN_KILLS_PER_MINUTE * report.minutes)
    if report.chaos and report.kills < wanted:
        missed.append(f"{report.kills} kills, fewer than {wanted}")
    if report.acknowledged == 0:
        missed.append("no write was acknowledged")
    return missed


def write_report(report: SoakReport, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, report.model_dump_json(indent=2) + "\n")
