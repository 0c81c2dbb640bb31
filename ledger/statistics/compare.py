"""Mirror comparison: one member's exports to a partner against the partner's imports from it,
for one month, by HS chapter (or 4 or 6 digits).

Differences are imports minus exports; the relative difference is that over the export value.
Imports are usually valued CIF (with freight and insurance to the importer's border) and exports
FOB, so imports are normally a few percent higher: nothing here corrects for it. A line is a
discrepancy when its difference exceeds both thresholds: the absolute one in US dollars and the
relative one in percent of the export value (a line with no exports needs only the absolute one).
The default relative threshold, 10%, lies above the ordinary CIF/FOB margin (the IMF's standard
CIF/FOB factor is 6%), so that margin alone is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pydantic import BaseModel, Field

from ledger.errors import InvalidInput
from ledger.statistics.errors import NotMirror
from ledger.statistics.registry import CommittedRevision
from ledger.statistics.table import Flow, StatisticsRow, StatisticsTable, TableKey, parse_period

LEVELS = (2, 4, 6)
DEFAULT_ABSOLUTE_USD = Decimal(10_000)
DEFAULT_RELATIVE_PCT = Decimal(10)
EXPLANATIONS = ("cif_fob", "timing", "re_exports", "other")


class Thresholds(BaseModel):
    """A line is reported when its difference exceeds both."""

    absolute_usd: Decimal = Field(default=DEFAULT_ABSOLUTE_USD, ge=0)
    relative_pct: Decimal = Field(default=DEFAULT_RELATIVE_PCT, ge=0)


class Side(BaseModel):
    """One of the two tables compared, with the revision it was checked against."""

    table: TableKey
    rows: int
    total_usd: Decimal
    revision: CommittedRevision | None = None


class ComparisonLine(BaseModel):
    """One HS code at the comparison level, seen from both sides."""

    hs_code: str
    export_value_usd: Decimal
    import_value_usd: Decimal
    difference_usd: Decimal
    relative_difference_pct: Decimal | None = Field(description="Over the export value; none when no exports.")
    above_threshold: bool
    export_quantity: Decimal | None = None
    import_quantity: Decimal | None = None
    unit: str | None = None
    quantity_difference: Decimal | None = None
    quantity_note: str = ""
    # left empty for the analyst
    cif_fob: str = ""
    timing: str = ""
    re_exports: str = ""
    other: str = ""


class MirrorComparison(BaseModel):
    """Every line of the comparison, the two sides and the thresholds used."""

    period: str
    exporter: str
    importer: str
    level: int
    thresholds: Thresholds
    exports: Side
    imports: Side
    lines: list[ComparisonLine]

    @property
    def discrepancies(self) -> list[ComparisonLine]:
        """The lines above the thresholds, largest absolute difference first."""
        return sorted((x for x in self.lines if x.above_threshold), key=lambda x: (-abs(x.difference_usd), x.hs_code))

    @property
    def difference_usd(self) -> Decimal:
        return self.imports.total_usd - self.exports.total_usd

    @property
    def relative_difference_pct(self) -> Decimal | None:
        return _relative(self.difference_usd, self.exports.total_usd)


def mirror_pair(
    ours: StatisticsTable, theirs: StatisticsTable, *, period: str
) -> tuple[StatisticsTable, StatisticsTable]:
    """(exports, imports) of two tables of one trade, in either order; refused unless `theirs`
    is the mirror of `ours` (the partner's table of the opposite flow) for `period`."""
    parse_period(period)
    for table in (ours, theirs):
        if table.key.period != period:
            raise InvalidInput(f"{table.describe()} is not for {period}", path="period")
    expected = ours.key.mirror()
    if theirs.key != expected:
        raise NotMirror(f"the mirror of {ours.describe()} is {expected.describe()}, not {theirs.describe()}")
    return (ours, theirs) if ours.key.flow is Flow.EXPORT else (theirs, ours)


def compare_mirror(
    *,
    exports: StatisticsTable,
    imports: StatisticsTable,
    level: int = 2,
    thresholds: Thresholds | None = None,
    revisions: tuple[CommittedRevision | None, CommittedRevision | None] = (None, None),
) -> MirrorComparison:
    """Compare an export table with its mirror import table at `level` HS digits; `revisions`
    are the commitments the tables were checked against (exports', imports'), for the record."""
    limits = thresholds or Thresholds()
    if exports.key.flow is not Flow.EXPORT or imports.key != exports.key.mirror():
        raise NotMirror(f"{imports.describe()} is not the mirror of {exports.describe()}")
    if level not in LEVELS:
        raise InvalidInput(f"level {level} is not one of {', '.join(map(str, LEVELS))} digits", path="level")
    for table in (exports, imports):
        short = table.shortest_code
        if len(short.hs_code) < level:
            raise InvalidInput(
                f"{table.describe()} has HS {short.hs_code}, of {len(short.hs_code)} digits: compare at a level of "
                f"at most {len(short.hs_code)}",
                path="level",
            )
    ex, im = _groups(exports.rows, level), _groups(imports.rows, level)
    lines = [_line(code, ex.get(code, []), im.get(code, []), limits) for code in sorted(ex.keys() | im.keys())]
    return MirrorComparison(
        period=exports.key.period,
        exporter=exports.key.reporter,
        importer=imports.key.reporter,
        level=level,
        thresholds=limits,
        exports=Side(table=exports.key, rows=len(exports.rows), total_usd=exports.total_usd, revision=revisions[0]),
        imports=Side(table=imports.key, rows=len(imports.rows), total_usd=imports.total_usd, revision=revisions[1]),
        lines=lines,
    )


def _groups(rows: Iterable[StatisticsRow], level: int) -> dict[str, list[StatisticsRow]]:
    groups: dict[str, list[StatisticsRow]] = {}
    for row in rows:
        groups.setdefault(row.hs_code[:level], []).append(row)
    return groups


def _relative(difference: Decimal, base: Decimal) -> Decimal | None:
    return None if base == 0 else (difference * 100 / base).quantize(Decimal("0.1"))


def _line(code: str, ex: list[StatisticsRow], im: list[StatisticsRow], limits: Thresholds) -> ComparisonLine:
    export_value = sum((r.value_usd for r in ex), Decimal(0))
    import_value = sum((r.value_usd for r in im), Decimal(0))
    difference = import_value - export_value
    # exact: |d| / x > t% is |d| * 100 > t * x, with no rounding near the threshold
    above = abs(difference) > limits.absolute_usd and (
        export_value == 0 or abs(difference) * 100 > limits.relative_pct * export_value
    )
    return ComparisonLine(
        hs_code=code,
        export_value_usd=export_value,
        import_value_usd=import_value,
        difference_usd=difference,
        relative_difference_pct=_relative(difference, export_value),
        above_threshold=above,
        **_quantities(ex, im),
    )


def _side_quantity(rows: list[StatisticsRow], side: str) -> tuple[Decimal | None, str | None, str]:
    """(total quantity, unit, why there is none) of one side's rows of a line."""
    if not rows:
        return None, None, f"no {side} line"
    units = {r.unit for r in rows}
    if None in units:
        return None, None, f"no quantity on the {side} side"
    if len(units) > 1:
        return None, None, f"mixed units on the {side} side"
    return sum((r.quantity or Decimal(0) for r in rows), Decimal(0)), units.pop(), ""


def _quantities(ex: list[StatisticsRow], im: list[StatisticsRow]) -> dict[str, object]:
    eq, eu, e_note = _side_quantity(ex, "export")
    iq, iu, i_note = _side_quantity(im, "import")
    if eq is not None and iq is not None:
        if eu == iu:
            return {"export_quantity": eq, "import_quantity": iq, "unit": eu, "quantity_difference": iq - eq}
        return {"quantity_note": f"units differ: {eu} (exports), {iu} (imports)"}
    if e_note and e_note.replace("export", "import") == i_note:
        note = e_note.replace("the export side", "either side")
    else:
        note = "; ".join(n for n in (e_note, i_note) if n)
    return {"export_quantity": eq, "import_quantity": iq, "unit": eu or iu, "quantity_note": note}
