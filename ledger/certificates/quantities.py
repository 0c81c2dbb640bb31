"""Quantities as people write them ('12.5' of the document's unit) and as the chain keeps them
(thousandths of the unit, an integer)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ledger.errors import InvalidInput


def parse_quantity(value: str) -> int:
    """'12.5' (units) -> 12500 (thousandths, as the leaf's quantity)."""
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput(f"{value!r} is not a quantity", path="quantity") from None
    if not number.is_finite() or number <= 0:
        raise InvalidInput("the quantity must be a positive number", path="quantity")
    thousandths = number * 1000
    if thousandths != thousandths.to_integral_value():
        raise InvalidInput("quantities have at most three decimals", path="quantity")
    return int(thousandths)


def format_quantity(thousandths: int) -> str:
    """12500 -> '12.5', 10750000 -> '10,750': the document's units, never scientific notation."""
    if thousandths % 1000 == 0:
        return f"{thousandths // 1000:,}"
    return f"{Decimal(thousandths) / 1000:,f}".rstrip("0")


def decimal_quantity(thousandths: int) -> str:
    """12500 -> '12.5', 112679765 -> '112679.765': exact, no grouping (for machines and forms)."""
    sign, digits = ("-", str(-thousandths)) if thousandths < 0 else ("", str(thousandths))
    digits = digits.rjust(4, "0")
    whole, fraction = digits[:-3], digits[-3:].rstrip("0")
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"
