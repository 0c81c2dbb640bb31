"""Quantities are ASCII decimals: digits, at most one point and three decimals; no exponent, no
other script's digits, no sign, no spaces, no underscores, the same at every door (documents,
`cert utilize`, the API)."""

from __future__ import annotations

import pytest

from ledger.certificates.quantities import parse_quantity
from ledger.documents import parse_document
from ledger.errors import InvalidInput
from tests.support import co_data

REFUSED = [
    "1e3",
    "1E3",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\uff13",  # FULLWIDTH DIGIT THREE
    "\u0967\u0966",  # Devanagari 10
    " 1",
    "1 ",
    "\t1",
    "+1",
    "1_000",
    "1,5",
    "0x10",
    "Infinity",
    "NaN",
    "1.",
    ".5",
    "1.2345",
    "0",
    "0.000",
    "-1",
]


@pytest.mark.parametrize("text", REFUSED)
def test_parse_quantity_refuses_anything_but_ascii_decimals(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_quantity(text)
    assert "\n" not in refused.value.message


@pytest.mark.parametrize(("text", "thousandths"), [("1", 1000), ("12.5", 12500), ("0.001", 1), ("007.250", 7250)])
def test_parse_quantity_reads_ascii_decimals(text: str, thousandths: int) -> None:
    assert parse_quantity(text) == thousandths


def document_with_quantity(quantity: object) -> dict[str, object]:
    data = co_data()
    items = [dict(item) for item in data["items"]]
    items[0]["quantity"] = quantity
    data["items"] = items
    return data


@pytest.mark.parametrize("quantity", [*REFUSED, 1e3, 12.5, True, False])
def test_a_document_quantity_is_an_ascii_decimal(quantity: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_document("certificate-of-origin", document_with_quantity(quantity))
    assert "items.0.quantity" in str(refused.value.message) + str(getattr(refused.value, "path", ""))


@pytest.mark.parametrize(("quantity", "thousandths"), [("12.5", 12500), ("3", 3000), (3, 3000)])
def test_a_document_quantity_reads_plain_decimals(quantity: object, thousandths: int) -> None:
    document = parse_document("certificate-of-origin", document_with_quantity(quantity))
    assert document.items[0].quantity * 1000 == thousandths
