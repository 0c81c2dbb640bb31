"""Quantities as people write them ('12.5' of the document's unit) and as the chain keeps them
(thousandths of the unit, an integer)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ledger.documents.decimal_text import read_quantity
from ledger.errors import InvalidInput


def parse_quantity(value: str) -> int:
    """'12.5' (units) -> 12500 (thousandths, as the leaf's quantity); ASCII decimals only
    (ledger.documents.decimal_text)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{value!r} is not a quantity", path="quantity")
    return int(read_quantity(value) * 1000)


def format_quantity(thousandths: int) -> str:
    """12500 -> '12.5', 10750000 -> '10750': the document's units as a plain decimal (what
    `parse_quantity` reads back), never grouped, never in scientific notation."""
    if thousandths % 1000 == 0:
        return str(thousandths // 1000)
    # digits, not Decimal division: exact for any uint256 whatever the decimal context's precision
    sign, digits = ("-", str(-thousandths)) if thousandths < 0 else ("", str(thousandths))
    digits = digits.rjust(4, "0")
    return f"{sign}{digits[:-3]}.{digits[-3:].rstrip('0')}"


class UnitQuantity(BaseModel):
    """A quantity as the service answers it: a decimal string in the certificate's unit."""

    model_config = ConfigDict(frozen=True)

    value: str = Field(description="Decimal, at most three decimals, e.g. 70392.469", examples=["70392.469"])
    unit: str | None = Field(
        description="UN/ECE Rec 20 unit code of the certificate's goods lines, e.g. KGM; null where it is not "
        "known (hidden by the holder, or a lookup by identifiers alone: the ledger keeps no unit)",
        examples=["KGM"],
    )

    def __str__(self) -> str:
        """'1.5 KGM', or '1.5' where the unit is not known: as people read it."""
        return f"{self.value} {self.unit}" if self.unit else self.value

    @classmethod
    def of(cls, thousandths: int, unit: str | None) -> UnitQuantity:
        return cls(value=format_quantity(thousandths), unit=unit)
