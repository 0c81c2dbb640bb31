"""Monthly trade statistics tables: the rows one reporting member publishes for one flow (its
exports or imports), one partner member and one month.

A row is a value in US dollars (at most 2 decimals; cents on chain) and, optionally, a quantity
(at most 6 decimals) in a UN/ECE Recommendation 20 unit, for one HS code of 2, 4 or 6 digits.
Amounts are read from text only in plain decimal notation: no exponent, sign, separator, space
or non-ASCII digit, so that every tool reads a file the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ledger.documents.common import UnitCode
from ledger.errors import InvalidInput

VALUE_DECIMALS = 2
QUANTITY_DECIMALS = 6
# 10^15 USD is far above any country's yearly trade; a larger figure is a unit mistake.
MAX_AMOUNT = Decimal(10) ** 15
# HS 2022: chapters 01..97, 77 kept for future use; 98 and 99 are left to national use.
RESERVED_CHAPTERS = frozenset({"00", "77"})

_AMOUNT = {VALUE_DECIMALS: re.compile(r"^[0-9]{1,16}(\.[0-9]{1,2})?$"),
           QUANTITY_DECIMALS: re.compile(r"^[0-9]{1,16}(\.[0-9]{1,6})?$")}  # fmt: skip
_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")

MemberCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,31}$")]
Period = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


class Flow(StrEnum):
    """Direction of trade, seen from the reporter; the number is the contract's enum."""

    EXPORT = "export"
    IMPORT = "import"

    @property
    def code(self) -> int:
        return 0 if self is Flow.EXPORT else 1

    @property
    def mirror(self) -> Flow:
        return Flow.IMPORT if self is Flow.EXPORT else Flow.EXPORT

    @classmethod
    def from_code(cls, code: int) -> Flow:
        return (cls.EXPORT, cls.IMPORT)[code]


def parse_period(text: str, *, path: str = "period") -> str:
    """'2026-10' as is; anything else (2026-1, 202610, 2026-13, before 1970) is refused."""
    match = _PERIOD.match(text)
    if match is None or int(match.group(1)) < 1970:
        raise InvalidInput(f"{text!r} is not a month YYYY-MM from 1970-01 on (e.g. 2026-10)", path=path)
    return text


def period_code(period: str) -> int:
    """'2026-10' -> 202610, the contract's YYYYMM."""
    return int(parse_period(period).replace("-", ""))


def period_text(code: int) -> str:
    """202610 -> '2026-10'."""
    return f"{code // 100:04d}-{code % 100:02d}"


def period_of(moment: datetime) -> str:
    """The month (UTC) of a time, as YYYY-MM."""
    return f"{moment.year:04d}-{moment.month:02d}"


def parse_amount(value: Any, *, decimals: int, path: str) -> Decimal:
    """A non-negative amount with at most `decimals` decimals, from plain decimal text, an int or
    a finite Decimal (never a float, whose binary value is not the decimal one wrote)."""
    if isinstance(value, str):
        if not _AMOUNT[decimals].match(value):
            raise InvalidInput(
                f"{value!r} is not a plain decimal number with at most {decimals} decimals (e.g. 1250.5)", path=path
            )
        amount = Decimal(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, Decimal) and value.is_finite():
        amount = value
    elif isinstance(value, float):
        raise InvalidInput(f"{value!r} is a float: give the amount as text or a Decimal", path=path)
    else:
        raise InvalidInput(f"{value!r} is not an amount", path=path)
    if amount < 0 or amount.as_tuple().exponent < -decimals:  # type: ignore[operator]
        raise InvalidInput(f"{value} must be at least 0 with at most {decimals} decimals", path=path)
    if amount >= MAX_AMOUNT:
        raise InvalidInput(f"{value} is implausibly large (over 10^15)", path=path)
    return amount


def check_hs_code(code: str, *, path: str = "hs_code") -> str:
    """An HS code of 2, 4 or 6 digits, no dots, of a chapter in use."""
    if not re.fullmatch(r"[0-9]{2}(?:[0-9]{2}){0,2}", code):
        raise InvalidInput(f"{code!r} is not an HS code of 2, 4 or 6 digits without dots (e.g. 85, 8517, 851713)",
                           path=path)  # fmt: skip
    if code[:2] in RESERVED_CHAPTERS:
        raise InvalidInput(f"{code!r}: HS chapter {code[:2]} is not in use", path=path)
    return code


class TableKey(BaseModel):
    """Which table: reporter, flow, partner and month (what the registry keys a root by)."""

    model_config = ConfigDict(frozen=True)

    reporter: MemberCode
    flow: Flow
    partner: MemberCode
    period: Period

    def describe(self) -> str:
        """ "CN's export table to SG for 2026-10"."""
        towards = "to" if self.flow is Flow.EXPORT else "from"
        return f"{self.reporter}'s {self.flow.value} table {towards} {self.partner} for {self.period}"

    def mirror(self) -> TableKey:
        """The partner's table of the same trade."""
        return TableKey(reporter=self.partner, flow=self.flow.mirror, partner=self.reporter, period=self.period)


class StatisticsRow(BaseModel):
    """One line of a table: the trade in one HS code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reporter: MemberCode
    partner: MemberCode
    flow: Flow
    period: Period
    hs_code: str
    value_usd: Decimal = Field(description="US dollars, at most 2 decimals; customs value as reported.")
    quantity: Decimal | None = Field(default=None, description="At most 6 decimals, in `unit`.")
    unit: UnitCode | None = Field(default=None, description="UN/ECE Recommendation 20 code: KGM, NAR, LTR ...")

    @field_validator("hs_code")
    @classmethod
    def _hs(cls, value: str) -> str:
        return check_hs_code(value)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return parse_period(value)

    @field_validator("value_usd", mode="before")
    @classmethod
    def _value(cls, value: Any) -> Decimal:
        return parse_amount(value, decimals=VALUE_DECIMALS, path="value_usd")

    @field_validator("quantity", mode="before")
    @classmethod
    def _quantity(cls, value: Any) -> Decimal | None:
        return None if value is None else parse_amount(value, decimals=QUANTITY_DECIMALS, path="quantity")

    @model_validator(mode="after")
    def _consistent(self) -> StatisticsRow:
        if (self.quantity is None) != (self.unit is None):
            raise InvalidInput("quantity and unit go together: give both or neither", path="unit")
        if self.reporter == self.partner:
            raise InvalidInput(f"{self.reporter} cannot report trade with itself", path="partner")
        return self

    @property
    def key(self) -> TableKey:
        return TableKey(reporter=self.reporter, flow=self.flow, partner=self.partner, period=self.period)

    @property
    def value_cents(self) -> int:
        return int(self.value_usd * 100)

    @property
    def quantity_millionths(self) -> int:
        return 0 if self.quantity is None else int(self.quantity * 10**QUANTITY_DECIMALS)


def row_number(index: int) -> str:
    return f"row {index + 1}"


def table_problems(rows: list[StatisticsRow], where: Callable[[int], str] = row_number) -> list[tuple[int, str]]:
    """(index of the row, reason) for every row that does not fit in one table: another
    reporter, flow, partner or month than the first row; an HS code repeated; an HS code inside
    another row's (851713 and 85: the same trade counted twice). `where` names a row by index."""
    if not rows:
        return [(0, "a table has at least one row")]
    key = rows[0].key
    problems: list[tuple[int, str]] = []
    first: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.key != key:
            problems.append((i, f"a row of {row.key.describe()} in {key.describe()}: one table per file"))
        elif row.hs_code in first:
            problems.append((i, f"HS {row.hs_code} repeats {where(first[row.hs_code])}"))
        else:
            first[row.hs_code] = i
    for code, i in first.items():
        outer = next((code[:n] for n in (2, 4) if n < len(code) and code[:n] in first), None)
        if outer is not None:
            problems.append((i, f"HS {code} lies inside HS {outer} ({where(first[outer])}): it would count twice"))
    return sorted(problems)


class StatisticsTable(BaseModel):
    """The rows of one reporter, flow, partner and month; HS codes distinct and not nested."""

    model_config = ConfigDict(frozen=True)

    rows: tuple[StatisticsRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_table(self) -> StatisticsTable:
        problems = table_problems(list(self.rows))
        if problems:
            index, reason = problems[0]
            raise InvalidInput(reason, path=f"rows.{index}")
        return self

    @property
    def key(self) -> TableKey:
        return self.rows[0].key

    def describe(self) -> str:
        return self.key.describe()

    @property
    def total_usd(self) -> Decimal:
        return sum((r.value_usd for r in self.rows), Decimal(0))

    @property
    def shortest_code(self) -> StatisticsRow:
        """The row with the fewest HS digits: the finest level the table can be compared at."""
        return min(self.rows, key=lambda r: (len(r.hs_code), r.hs_code))
