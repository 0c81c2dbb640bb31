"""Statistics tables read strictly: every refusal names the file and line; the writer's output
reads back as the same table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.statistics import StatisticsRow, StatisticsTable, format_table, parse_table, read_table
from ledger.statistics.errors import InvalidTable
from ledger.statistics.table import Flow

HEADER = "reporter,partner,flow,period,hs_code,value_usd,quantity,unit\n"
ROW_85 = "CN,SG,export,2026-10,851713,1250000.50,4310,NAR\n"
ROW_84 = "CN,SG,export,2026-10,847130,980000,1884.615,KGM\n"


def parse(text: str) -> StatisticsTable:
    return parse_table(text.encode(), source="t.csv")


def refused(text: str | bytes, *fragments: str) -> InvalidTable:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(InvalidTable) as caught:
        parse_table(data, source="t.csv")
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    return caught.value


def test_reads_a_table() -> None:
    table = parse(HEADER + ROW_85 + ROW_84)
    assert table.key.reporter == "CN"
    assert table.key.flow is Flow.EXPORT
    assert table.describe() == "CN's export table to SG for 2026-10"
    first = table.rows[0]
    assert (first.hs_code, first.value_usd, first.quantity, first.unit) == (
        "851713",
        Decimal("1250000.50"),
        Decimal(4310),
        "NAR",
    )
    assert first.value_cents == 125000050
    assert table.rows[1].quantity_millionths == 1_884_615_000
    assert table.total_usd == Decimal("2230000.50")


def test_columns_in_any_order_bom_blank_lines_and_quotes() -> None:
    text = (
        "\ufeffhs_code,reporter,partner,flow,period,value_usd,unit,quantity\n"
        '"851713",CN,SG,export,2026-10,"1250000.50",NAR,4310\n'
        "\n"
    )
    table = parse(text)
    assert table.rows[0] == parse(HEADER + ROW_85).rows[0]


def test_no_quantity_when_both_are_empty() -> None:
    row = parse(HEADER + "CN,SG,export,2026-10,950300,5500000,,\n").rows[0]
    assert (row.quantity, row.unit, row.quantity_millionths) == (None, None, 0)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("reporter,partner,flow,period,hs_code,value_usd,quantity\n", "missing column 'unit'"),
        ("reporter,partner,flow,period,hs_code,value,quantity,unit\n", "unknown column 'value'"),
        ("reporter,reporter,flow,period,hs_code,value_usd,quantity,unit\n", "column 'reporter' appears twice"),
    ],
)
def test_refuses_a_wrong_header(header: str, fragment: str) -> None:
    error = refused(header + ROW_85, fragment, "line 1")
    assert error.line == 1


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("CN,SG,export,2026-10,851713,1e6,4310,NAR", "value_usd"),
        ("CN,SG,export,2026-10,851713,-5,4310,NAR", "value_usd"),
        ('CN,SG,export,2026-10,851713,"1,250,000",4310,NAR', "value_usd"),
        ("CN,SG,export,2026-10,851713,1250000.505,4310,NAR", "at most 2 decimals"),
        ("CN,SG,export,2026-10,851713,NaN,4310,NAR", "value_usd"),
        ("CN,SG,export,2026-10,851713,١٢٣,4310,NAR", "value_usd"),  # Arabic-Indic digits
        ("CN,SG,export,2026-10,851713,+12,4310,NAR", "value_usd"),
        ("CN,SG,export,2026-10,851713,9999999999999999,4310,NAR", "implausibly large"),
        ("CN,SG,export,2026-10,851713, 12,4310,NAR", "value_usd has spaces"),
        ("CN,SG,export,2026-10,851713,12,4310.0000001,NAR", "at most 6 decimals"),
        ("CN,SG,export,2026-10,851713,12,4310,", "quantity and unit go together"),
        ("CN,SG,export,2026-10,851713,12,,NAR", "quantity and unit go together"),
        ("CN,SG,export,2026-10,851713,12,5,kg", "unit"),
        ("CN,SG,export,2026-10,8517.13,12,5,NAR", "not an HS code"),
        ("CN,SG,export,2026-10,85171,12,5,NAR", "not an HS code"),
        ("CN,SG,export,2026-10,85171300,12,5,NAR", "not an HS code"),
        ("CN,SG,export,2026-10,7701,12,5,NAR", "chapter 77 is not in use"),
        ("CN,SG,export,2026-10,00,12,5,NAR", "chapter 00 is not in use"),
        ("CN,SG,export,2026-13,851713,12,5,NAR", "period"),
        ("CN,SG,export,202610,851713,12,5,NAR", "period"),
        ("CN,SG,export,1969-12,851713,12,5,NAR", "from 1970-01"),
        ("CN,SG,Export,2026-10,851713,12,5,NAR", "flow"),
        ("CN,SG,exports,2026-10,851713,12,5,NAR", "flow"),
        ("cn,SG,export,2026-10,851713,12,5,NAR", "reporter"),
        ("CN,CN,export,2026-10,851713,12,5,NAR", "cannot report trade with itself"),
        ("CN,SG,export,2026-10,851713,12,5", "7 fields, 8 expected"),
        ("CN,SG,export,2026-10,851713,12,5,NAR,x", "9 fields, 8 expected"),
        (",SG,export,2026-10,851713,12,5,NAR", "reporter is empty"),
    ],
)
def test_refuses_a_bad_row_naming_its_line(line: str, fragment: str) -> None:
    error = refused(HEADER + ROW_84 + line + "\n", fragment, "t.csv, line 3")
    assert error.line == 3


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("CN,SG,export,2026-10,847130,5,1,KGM", "HS 847130 repeats line 2"),
        ("CN,SG,export,2026-10,84,5,1,KGM", "HS 847130 lies inside HS 84 (line 3)"),
        ("CN,SG,export,2026-11,851713,5,1,NAR", "a row of CN's export table to SG for 2026-11"),
        ("CN,SG,import,2026-10,851713,5,1,NAR", "one table per file"),
        ("CN,TH,export,2026-10,851713,5,1,NAR", "CN's export table to TH"),
        ("SG,CN,export,2026-10,851713,5,1,NAR", "SG's export table to CN"),
    ],
)
def test_refuses_rows_that_do_not_make_one_table(line: str, fragment: str) -> None:
    error = refused(HEADER + ROW_84 + line + "\n", fragment)
    assert error.line in (2, 3)


def test_refuses_what_is_not_a_table() -> None:
    refused(b"", "is empty")
    refused(HEADER, "has no rows")
    refused(HEADER.encode() + b"CN,SG,export,2026-10,851713,\xff,1,NAR\n", "not UTF-8")
    refused(HEADER + "CN,SG,export,2026-10,851713,1\0,1,NAR\n", "NUL")
    refused(HEADER + 'CN,SG,export,2026-10,"851713,1,1,NAR\n', "not CSV")


def test_refuses_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ledger.statistics.table_csv.MAX_ROWS", 1)
    refused(HEADER + ROW_85 + ROW_84, "more than 1 rows", "line 3")


def test_refuses_a_file_over_the_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("ledger.statistics.table_csv.MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + ROW_85 * 3)
    with pytest.raises(InvalidTable, match="larger than"):
        read_table(path)


def test_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidTable, match="cannot read it"):
        read_table(tmp_path / "none.csv")


def test_written_table_reads_back_the_same_in_canonical_form() -> None:
    table = parse(HEADER + ROW_85 + ROW_84 + "CN,SG,export,2026-10,950300,12.5,,\n")
    text = format_table(table)
    assert text.splitlines()[1:] == [
        "CN,SG,export,2026-10,847130,980000.00,1884.615,KGM",
        "CN,SG,export,2026-10,851713,1250000.50,4310,NAR",
        "CN,SG,export,2026-10,950300,12.50,,",
    ]
    again = parse(text)
    assert sorted(again.rows, key=lambda r: r.hs_code) == sorted(table.rows, key=lambda r: r.hs_code)


def test_rows_built_in_code_are_checked_too() -> None:
    row = parse(HEADER + ROW_85).rows[0]
    with pytest.raises(InvalidInput, match="a float"):
        StatisticsRow.model_validate({**row.model_dump(), "value_usd": 1.1})
    with pytest.raises(InvalidInput, match="repeats row 1"):
        StatisticsTable(rows=(row, row))
