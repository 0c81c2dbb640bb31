"""A table's root: stable (the documented leaf format, any row order, any spelling of the same
amounts) and sensitive to every field; single rows provable against it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from ledger.statistics import StatisticsRow, StatisticsTable, parse_table, row_in_root, row_leaf, row_proof, table_root
from tests.support import ROOT

HEADER = b"reporter,partner,flow,period,hs_code,value_usd,quantity,unit\n"
ROWS = [b"CN,SG,export,2026-10,851713,1250000.50,4310,NAR\n", b"CN,SG,export,2026-10,950300,5500000,,\n"]
# the example in docs/formats.md
DOCUMENTED_LEAF = "0x224c9afd05098d6089489bdc406440dd731ee1759500542ddb9673cf43a00c77"


def table(*rows: bytes) -> StatisticsTable:
    return parse_table(HEADER + b"".join(rows), source="t.csv")


def padded(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def test_leaf_is_the_documented_encoding() -> None:
    """Built by hand from the format in docs/formats.md, not through the row model."""
    row = table(ROWS[0]).rows[0]
    types = ["bytes32", "bytes32", "uint8", "uint32", "bytes32", "uint256", "uint256", "bytes32"]
    values = [padded("CN"), padded("SG"), 0, 202610, padded("851713"), 125_000_050, 4_310_000_000, padded("NAR")]
    expected = keccak(keccak(encode(types, values)))
    assert row_leaf(row) == expected
    assert "0x" + expected.hex() == DOCUMENTED_LEAF
    assert DOCUMENTED_LEAF in (ROOT / "docs" / "formats.md").read_text()


def test_no_quantity_is_zero_with_a_zero_unit() -> None:
    row = table(ROWS[1]).rows[0]
    types = ["bytes32", "bytes32", "uint8", "uint32", "bytes32", "uint256", "uint256", "bytes32"]
    values = [padded("CN"), padded("SG"), 0, 202610, padded("950300"), 550_000_000, 0, b"\0" * 32]
    assert row_leaf(row) == keccak(keccak(encode(types, values)))


def test_root_ignores_row_order_and_spelling() -> None:
    a = table(*ROWS)
    b = table(ROWS[1].replace(b"5500000", b"5500000.00"), ROWS[0].replace(b"4310,", b"4310.000,"))
    assert table_root(a) == table_root(b)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reporter", "TH"),
        ("partner", "TH"),
        ("flow", "import"),
        ("period", "2026-09"),
        ("hs_code", "851714"),
        ("value_usd", Decimal("1250000.51")),
        ("quantity", Decimal("4310.000001")),
        ("unit", "KGM"),
    ],
)
def test_every_field_changes_the_root(field: str, value: object) -> None:
    original = table(ROWS[0])
    changed = StatisticsRow.model_validate({**original.rows[0].model_dump(), field: value})
    assert row_leaf(changed) != row_leaf(original.rows[0])
    assert table_root(StatisticsTable(rows=(changed,))) != table_root(original)


def test_a_row_is_provable_alone_and_only_in_its_table() -> None:
    full = table(*ROWS, b"CN,SG,export,2026-10,847130,980000,1884.615,KGM\n")
    root = table_root(full)
    for row in full.rows:
        assert row_in_root(row, row_proof(full, row), root)
    moved = StatisticsRow.model_validate({**full.rows[0].model_dump(), "period": "2026-09"})
    assert not row_in_root(moved, row_proof(full, full.rows[0]), root)
    altered = StatisticsRow.model_validate({**full.rows[0].model_dump(), "value_usd": Decimal(1)})
    assert not row_in_root(altered, row_proof(full, full.rows[0]), root)
