"""Synthetic but realistic mirror tables for demos and tests: CN's exports to SG and SG's
imports from CN for one month, seeded, so the same seed always writes the same files.

Imports mirror exports with a CIF/FOB uplift of 3-8% per line, quantities equal (counted
units) or within half a percent (weighed ones). Planted discrepancies:
- chapter 85, big gap: SG records far more processors (854231) from CN than CN records to SG
  (chips made in CN reach SG through a third country: re-exports);
- chapter 27, timing: two diesel cargoes (271019) CN exported in the last days of the month
  arrive, and are recorded by SG, the month after;
- chapter 03, missing line: SG has no line for CN's frozen shrimp (030617);
- 940360: both sides report the same furniture, CN in units and SG in kilograms (not a
  discrepancy: quantities are then not compared).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ledger.statistics.table import Flow, StatisticsRow, StatisticsTable
from ledger.statistics.table_csv import write_table

SEED = 2026
EXPORTER, IMPORTER = "CN", "SG"
GAP_CODE, GAP_FACTOR = "854231", Decimal("1.62")
TIMING_CODE, TIMING_CARGOES_USD = "271019", Decimal(110_000_000)
MISSING_CODE = "030617"
UNITS_DIFFER_CODE, UNITS_DIFFER_KG_PER_UNIT = "940360", Decimal(23)

# HS 2022 subheading, typical monthly CN->SG value (USD), unit (None: no quantity), USD per unit
PRODUCTS: tuple[tuple[str, int, str | None, str], ...] = (
    ("030489", 2_100_000, "KGM", "4.8"),  # frozen fish fillets
    ("030617", 4_200_000, "KGM", "6.5"),  # frozen shrimps and prawns
    ("080510", 1_600_000, "KGM", "1.1"),  # oranges
    ("080610", 900_000, "KGM", "2.3"),  # fresh grapes
    ("080820", 1_200_000, "KGM", "1.0"),  # pears
    ("271012", 180_000_000, "KGM", "0.85"),  # light oils: gasoline
    ("271019", 240_000_000, "KGM", "0.8"),  # other petroleum oils: diesel, jet fuel
    ("390110", 6_500_000, "KGM", "1.2"),  # polyethylene
    ("392690", 14_000_000, "KGM", "5.5"),  # other articles of plastics
    ("610910", 3_200_000, "NAR", "2.8"),  # cotton T-shirts
    ("611020", 2_700_000, "NAR", "6.5"),  # cotton jerseys, pullovers
    ("640299", 2_400_000, "NPR", "4.2"),  # footwear, rubber or plastics (pairs)
    ("720851", 8_900_000, "KGM", "0.62"),  # flat-rolled iron, over 10 mm
    ("721049", 7_400_000, "KGM", "0.78"),  # galvanised flat-rolled steel
    ("731815", 3_100_000, "KGM", "2.4"),  # screws and bolts
    ("841510", 9_800_000, "NAR", "210"),  # air conditioners
    ("842952", 12_500_000, "NAR", "68000"),  # excavators
    ("847130", 210_000_000, "NAR", "520"),  # laptops
    ("847150", 48_000_000, "NAR", "900"),  # processing units
    ("847330", 95_000_000, "KGM", "85"),  # parts of computers
    ("850440", 36_000_000, "NAR", "24"),  # static converters
    ("851713", 320_000_000, "NAR", "290"),  # smartphones
    ("851762", 140_000_000, "NAR", "55"),  # network equipment
    ("852872", 11_000_000, "NAR", "180"),  # television receivers
    ("854143", 22_000_000, "NAR", "95"),  # photovoltaic modules
    ("854231", 460_000_000, "NAR", "4.5"),  # processors and controllers
    ("854232", 190_000_000, "NAR", "3.2"),  # memories
    ("870380", 38_000_000, "NAR", "24000"),  # electric cars
    ("870899", 9_600_000, "KGM", "4.5"),  # parts of motor vehicles
    ("871200", 1_800_000, "NAR", "95"),  # bicycles
    ("901380", 27_000_000, "NAR", "18"),  # liquid crystal devices
    ("901890", 6_300_000, "KGM", "38"),  # medical instruments
    ("940360", 4_800_000, "NAR", "120"),  # wooden furniture
    ("950300", 5_500_000, None, "0"),  # toys (no supplementary unit)
)

CENT = Decimal("0.01")


def _row(
    reporter: str,
    partner: str,
    flow: Flow,
    period: str,
    code: str,
    value: Decimal,
    quantity: Decimal | None,
    unit: str | None,
) -> StatisticsRow:
    return StatisticsRow(
        reporter=reporter,
        partner=partner,
        flow=flow,
        period=period,
        hs_code=code,
        value_usd=value.quantize(CENT),
        quantity=quantity,
        unit=unit,
    )


def mirror_tables(*, period: str = "2026-10", seed: int = SEED) -> tuple[StatisticsTable, StatisticsTable]:
    """(CN's export table to SG, SG's import table from CN) for `period`."""
    rng = random.Random(seed)
    exports: list[StatisticsRow] = []
    imports: list[StatisticsRow] = []
    for code, typical, unit, per_unit in PRODUCTS:
        value = (Decimal(typical) * Decimal(str(round(rng.uniform(0.85, 1.15), 4)))).quantize(CENT)
        quantity = None if unit is None else (value / Decimal(per_unit)).quantize(Decimal(1))
        exports.append(_row(EXPORTER, IMPORTER, Flow.EXPORT, period, code, value, quantity, unit))
        uplift = 1 + Decimal(str(round(rng.uniform(0.03, 0.08), 4)))
        weighing = Decimal(str(round(rng.uniform(-0.005, 0.005), 4)))
        if code == MISSING_CODE:
            continue
        shipped, counted = value, quantity
        if code == GAP_CODE:
            shipped, counted = value * GAP_FACTOR, None if quantity is None else (quantity * GAP_FACTOR)
        elif code == TIMING_CODE:
            late = TIMING_CARGOES_USD / value
            shipped, counted = value - TIMING_CARGOES_USD, None if quantity is None else quantity * (1 - late)
        import_unit = unit
        if counted is not None and unit == "KGM":
            counted *= 1 + weighing
        if code == UNITS_DIFFER_CODE and counted is not None:
            counted, import_unit = counted * UNITS_DIFFER_KG_PER_UNIT, "KGM"
        imports.append(
            _row(
                IMPORTER,
                EXPORTER,
                Flow.IMPORT,
                period,
                code,
                shipped * uplift,
                None if counted is None else counted.quantize(Decimal(1)),
                import_unit,
            )
        )
    return StatisticsTable(rows=tuple(exports)), StatisticsTable(rows=tuple(imports))


def sample_names(period: str) -> tuple[str, str]:
    """File names of the two sample tables of `period`."""
    return (f"cn-exports-sg-{period}.csv", f"sg-imports-cn-{period}.csv")


def write_samples(out_dir: Path, *, period: str = "2026-10", seed: int = SEED) -> tuple[Path, Path]:
    """Write both sample tables into `out_dir`; returns their paths."""
    exports, imports = mirror_tables(period=period, seed=seed)
    export_name, import_name = sample_names(period)
    return write_table(exports, out_dir / export_name), write_table(imports, out_dir / import_name)
