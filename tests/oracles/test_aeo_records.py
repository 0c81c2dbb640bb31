"""Export rows -> AEO records: ids must name their scheme, and one operator cannot say two things."""

from __future__ import annotations

import pytest

from ledger.aeo.codes import Status
from oracles.aeo_records import normalise
from oracles.sources.base import RawRow


def row(ref: str, operator: str, *, status: str = "active", tier: str = "advanced") -> RawRow:
    return RawRow(ref=ref, fields={"operator_id": operator, "tier": tier, "valid_from": "2024-01-01", "status": status})


@pytest.mark.parametrize("operator", ["12345", "91310000MA1FL8XQ30", "1CN:12345", "X:12345"])
def test_an_operator_id_without_its_scheme_is_a_dead_letter_not_a_guess(operator: str) -> None:
    records, problems = normalise("CN", [row("row 1", operator), row("row 2", "USCI:GOOD")])
    assert [r.operator_id for r in records] == ["USCI:GOOD"]
    assert [(p.ref, p.operator_id) for p in problems] == [("row 1", operator)]
    assert problems[0].reason.startswith("malformed row: ")
    assert "scheme" in problems[0].reason
    assert "USCI:" in problems[0].reason


def test_a_scheme_prefixed_id_is_taken_in_its_canonical_form() -> None:
    records, problems = normalise("CN", [row("row 1", " eori:de 123 ")])
    assert problems == []
    assert records[0].operator_id == "EORI:DE123"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_rows_with_different_statuses_are_both_dead_letters_whatever_their_order(
    order: tuple[int, int],
) -> None:
    rows = [row("row 3", "USCI:TWICE", status="active"), row("row 7", "USCI:TWICE", status="revoked")]
    records, problems = normalise("CN", [rows[i] for i in order] + [row("row 9", "USCI:OTHER")])
    assert [r.operator_id for r in records] == ["USCI:OTHER"]
    reasons = {p.ref: p.reason for p in problems}
    assert set(reasons) == {"row 3", "row 7"}
    assert "conflicts with row 7" in reasons["row 3"]
    assert "conflicts with row 3" in reasons["row 7"]
    assert all(r.startswith("malformed row: operator USCI:TWICE") for r in reasons.values())


def test_rows_that_differ_in_anything_else_conflict_too() -> None:
    rows = [row("row 1", "USCI:TWICE", tier="advanced"), row("row 2", "USCI:TWICE", tier="general")]
    records, problems = normalise("CN", rows)
    assert records == []
    assert sorted(p.ref for p in problems) == ["row 1", "row 2"]


def test_an_identical_repeated_row_is_applied_once() -> None:
    rows = [row("row 1", "USCI:TWICE", status="suspended"), row("row 2", "usci:twice", status="suspended")]
    records, problems = normalise("CN", rows)
    assert problems == []
    assert [(r.operator_id, r.status) for r in records] == [("USCI:TWICE", Status.SUSPENDED)]


def test_three_rows_name_every_other_row() -> None:
    rows = [row(f"row {i}", "USCI:MANY", status=s) for i, s in enumerate(["active", "suspended", "active"], 1)]
    records, problems = normalise("CN", rows)
    assert records == []
    reasons = {p.ref: p.reason for p in problems}
    assert "conflicts with row 2" in reasons["row 1"]
    assert "row 3" not in reasons["row 1"].split("conflicts")[1]
    assert "conflicts with row 1, row 3" in reasons["row 2"]


def test_an_operator_repeated_many_times_names_a_few_rows_and_counts_the_rest() -> None:
    rows = [row(f"row {i}", "USCI:MANY", tier=str(1 + i % 2)) for i in range(1, 2001)]
    records, problems = normalise("CN", rows)
    assert records == []
    assert len(problems) == 2000
    assert "conflicts with row 2, row 4, row 6, row 8, row 10 and 995 more rows" in problems[0].reason
