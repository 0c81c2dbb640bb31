"""Mirror comparison of the sample tables: the planted discrepancies are found at every level,
the ordinary CIF/FOB uplift stays under the default thresholds; refusals of tables that are not
one trade seen from both sides."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.statistics import StatisticsTable, Thresholds, compare_mirror, mirror_pair, parse_table, read_table
from ledger.statistics.errors import NotMirror
from ledger.statistics.samples import mirror_tables, sample_names, write_samples
from tests.support import ROOT

SAMPLES = ROOT / "examples" / "statistics"
HEADER = "reporter,partner,flow,period,hs_code,value_usd,quantity,unit\n"


def samples() -> tuple[StatisticsTable, StatisticsTable]:
    exports, imports = (read_table(SAMPLES / name) for name in sample_names("2026-10"))
    return exports, imports


def table(*lines: str) -> StatisticsTable:
    return parse_table((HEADER + "".join(line + "\n" for line in lines)).encode(), source="t.csv")


def test_shipped_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    for written, shipped in zip(write_samples(tmp_path), (SAMPLES / n for n in sample_names("2026-10")), strict=True):
        assert written.read_bytes() == shipped.read_bytes()
    exports, imports = samples()
    assert (len(exports.rows), len(imports.rows)) == (34, 33)
    assert mirror_tables(seed=7) != mirror_tables()


@pytest.mark.parametrize(
    ("level", "planted"),
    [(2, {"03", "27", "85"}), (4, {"0306", "2710", "8542"}), (6, {"030617", "271019", "854231"})],
)
def test_planted_discrepancies_are_found_and_the_uplift_is_not(level: int, planted: set[str]) -> None:
    exports, imports = samples()
    comparison = compare_mirror(exports=exports, imports=imports, level=level)
    assert {line.hs_code for line in comparison.discrepancies} == planted
    for line in comparison.lines:
        if line.hs_code in planted:
            continue
        # imports CIF exceed exports FOB by the uplift, and that is not reported
        assert line.relative_difference_pct is not None
        assert Decimal(3) <= line.relative_difference_pct <= Decimal(8), line
        assert not line.above_threshold


def test_what_each_planted_discrepancy_looks_like() -> None:
    exports, imports = samples()
    by_code = {line.hs_code: line for line in compare_mirror(exports=exports, imports=imports, level=6).lines}
    missing = by_code["030617"]
    assert (missing.import_value_usd, missing.relative_difference_pct) == (0, Decimal(-100))
    assert missing.quantity_note == "no import line"
    assert missing.export_quantity is not None
    assert missing.import_quantity is None
    gap = by_code["854231"]
    assert gap.relative_difference_pct is not None
    assert gap.relative_difference_pct > 50
    assert gap.quantity_difference is not None
    assert gap.quantity_difference > 0
    timing = by_code["271019"]
    assert timing.difference_usd < -100_000_000
    assert timing.unit == "KGM"
    assert timing.quantity_difference is not None
    assert timing.quantity_difference < 0
    # quantities are compared only in one unit
    assert by_code["940360"].quantity_note == "units differ: NAR (exports), KGM (imports)"
    assert by_code["940360"].quantity_difference is None
    assert by_code["950300"].quantity_note == "no quantity on either side"
    counted = by_code["851713"]
    assert (counted.unit, counted.quantity_difference) == ("NAR", 0)
    assert not any(line.cif_fob or line.timing or line.re_exports or line.other for line in by_code.values())


def test_totals_and_orientation_do_not_depend_on_which_side_is_ours() -> None:
    exports, imports = samples()
    assert mirror_pair(exports, imports, period="2026-10") == (exports, imports)
    assert mirror_pair(imports, exports, period="2026-10") == (exports, imports)
    comparison = compare_mirror(exports=exports, imports=imports)
    assert (comparison.exporter, comparison.importer) == ("CN", "SG")
    assert comparison.difference_usd == imports.total_usd - exports.total_usd
    assert sum(line.difference_usd for line in comparison.lines) == comparison.difference_usd


def test_a_discrepancy_exceeds_both_thresholds() -> None:
    exports = table("CN,SG,export,2026-10,85,100000.00,,", "CN,SG,export,2026-10,84,1000.00,,")
    imports = table("SG,CN,import,2026-10,85,110000.00,,", "SG,CN,import,2026-10,84,2000.00,,")
    # 85 differs by exactly 10% (USD 10,000), 84 by 100% (USD 1,000)
    found = compare_mirror(exports=exports, imports=imports).discrepancies
    assert found == []
    found = compare_mirror(exports=exports, imports=imports, thresholds=Thresholds(absolute_usd=Decimal(9999)))
    assert [x.hs_code for x in found.discrepancies] == []  # 10% is not above 10%
    limits = Thresholds(absolute_usd=Decimal(9999), relative_pct=Decimal("9.99"))
    assert [x.hs_code for x in compare_mirror(exports=exports, imports=imports, thresholds=limits).discrepancies] == [
        "85"
    ]
    limits = Thresholds(absolute_usd=Decimal(999), relative_pct=Decimal(0))
    found = compare_mirror(exports=exports, imports=imports, thresholds=limits).discrepancies
    assert [x.hs_code for x in found] == ["85", "84"]  # largest difference first


def test_a_line_only_in_imports_needs_only_the_absolute_threshold() -> None:
    exports = table("CN,SG,export,2026-10,85,100000.00,,")
    imports = table("SG,CN,import,2026-10,85,100000.00,,", "SG,CN,import,2026-10,61,20000.00,,")
    [line] = compare_mirror(exports=exports, imports=imports).discrepancies
    assert (line.hs_code, line.relative_difference_pct) == ("61", None)
    assert line.quantity_note == "no export line; no quantity on the import side"


def test_refuses_tables_that_are_not_mirrors() -> None:
    exports, imports = samples()
    other_export = table("SG,CN,export,2026-10,85,1.00,,")
    with pytest.raises(NotMirror, match="the mirror of CN's export table to SG for 2026-10 is SG's import table"):
        mirror_pair(exports, other_export, period="2026-10")
    with pytest.raises(NotMirror):
        mirror_pair(exports, table("TH,CN,import,2026-10,85,1.00,,"), period="2026-10")
    with pytest.raises(NotMirror):
        mirror_pair(exports, exports, period="2026-10")
    with pytest.raises(InvalidInput, match="is not for 2026-09"):
        mirror_pair(exports, imports, period="2026-09")
    with pytest.raises(InvalidInput, match="not for 2026-10"):
        mirror_pair(exports, table("SG,CN,import,2026-09,85,1.00,,"), period="2026-10")
    with pytest.raises(InvalidInput, match="not a month"):
        mirror_pair(exports, imports, period="2026-1")
    with pytest.raises(NotMirror):
        compare_mirror(exports=imports, imports=exports)


def test_refuses_a_level_finer_than_a_table() -> None:
    exports = table("CN,SG,export,2026-10,8517,100.00,,")
    imports = table("SG,CN,import,2026-10,851713,100.00,,")
    assert len(compare_mirror(exports=exports, imports=imports, level=4).lines) == 1
    with pytest.raises(InvalidInput, match="has HS 8517, of 4 digits: compare at a level of at most 4"):
        compare_mirror(exports=exports, imports=imports, level=6)
    with pytest.raises(InvalidInput, match="level 3"):
        compare_mirror(exports=exports, imports=imports, level=3)
