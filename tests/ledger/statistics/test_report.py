"""The analyst's report: discrepancies as CSV with empty explanation columns, and a short
Markdown summary with the totals, the count above the thresholds and the largest five."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.errors import InvalidInput
from ledger.statistics import Thresholds, compare_mirror
from ledger.statistics.report import DISCREPANCY_COLUMNS, discrepancies_csv, summary_markdown, write_report
from ledger.statistics.samples import mirror_tables


def test_discrepancies_csv() -> None:
    exports, imports = mirror_tables()
    comparison = compare_mirror(exports=exports, imports=imports, level=6)
    rows = list(csv.DictReader(io.StringIO(discrepancies_csv(comparison))))
    assert tuple(rows[0]) == DISCREPANCY_COLUMNS
    assert [r["hs_code"] for r in rows] == ["854231", "271019", "030617"]  # largest difference first
    shrimp = rows[2]
    assert shrimp["import_value_usd"] == "0.00"
    assert shrimp["relative_difference_pct"] == "-100.0"
    assert shrimp["import_quantity"] == ""
    assert shrimp["quantity_note"] == "no import line"
    assert Decimal(shrimp["difference_usd"]) == -Decimal(shrimp["export_value_usd"])
    for row in rows:
        assert (row["period"], row["exporter"], row["importer"]) == ("2026-10", "CN", "SG")
        assert [row[c] for c in ("cif_fob", "timing", "re_exports", "other")] == ["", "", "", ""]


def test_summary() -> None:
    exports, imports = mirror_tables()
    text = summary_markdown(compare_mirror(exports=exports, imports=imports))
    assert text.startswith("# Mirror statistics 2026-10: CN exports to SG against SG imports from CN")
    assert "by HS chapter (2 digits)" in text
    assert "more than USD 10,000.00 and by more than 10% of the export value" in text
    assert f"| {exports.total_usd:,.2f} |" in text
    assert f"| {imports.total_usd:,.2f} |" in text
    assert "Lines compared: 14. Above the thresholds: 3." in text
    assert "## Largest discrepancies (top 3 of 3)" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| 85 ") or line.startswith("| 27 ")]
    assert len(table_rows) == 2
    assert "valued CIF" in text
    assert "FOB" in text
    assert "nothing is adjusted" in text
    assert "not checked against the chain" in text


def test_summary_shows_the_top_five_only() -> None:
    exports, imports = mirror_tables()
    limits = Thresholds(absolute_usd=Decimal(0), relative_pct=Decimal(0))
    comparison = compare_mirror(exports=exports, imports=imports, level=6, thresholds=limits)
    text = summary_markdown(comparison)
    assert len(comparison.discrepancies) == 34
    assert "## Largest discrepancies (top 5 of 34)" in text
    table = text.split("## Largest discrepancies")[1].split("\n\n")[1].splitlines()
    listed = [line.split(" | ")[0].removeprefix("| ") for line in table[2:]]
    assert listed == [x.hs_code for x in comparison.discrepancies[:5]]


def test_nothing_above_the_thresholds() -> None:
    exports, imports = mirror_tables()
    limits = Thresholds(absolute_usd=Decimal(10) ** 12)
    comparison = compare_mirror(exports=exports, imports=imports, thresholds=limits)
    assert "Above the thresholds: 0." in summary_markdown(comparison)
    assert "Largest discrepancies" not in summary_markdown(comparison)
    assert discrepancies_csv(comparison).splitlines() == [",".join(DISCREPANCY_COLUMNS)]


def test_write_report(tmp_path: Path) -> None:
    exports, imports = mirror_tables()
    comparison = compare_mirror(exports=exports, imports=imports)
    csv_path, md_path = write_report(comparison, tmp_path / "out")
    assert csv_path.read_text() == discrepancies_csv(comparison)
    assert md_path.read_text() == summary_markdown(comparison)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["discrepancies.csv", "summary.md"]


def test_an_unwritable_place_is_one_clear_error(tmp_path: Path) -> None:
    exports, imports = mirror_tables()
    comparison = compare_mirror(exports=exports, imports=imports)
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(InvalidInput, match="cannot write the report into"):
        write_report(comparison, tmp_path / "file")
