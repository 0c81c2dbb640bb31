"""A mirror comparison for the analyst: the discrepancies as CSV (with empty explanation columns
to fill in) and a short Markdown summary."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from ledger.errors import InvalidInput
from ledger.files import write_atomic
from ledger.statistics.compare import EXPLANATIONS, ComparisonLine, MirrorComparison, Side
from ledger.statistics.table_csv import plain
from ledger.timestamps import iso

DISCREPANCY_COLUMNS = (
    "period",
    "hs_code",
    "exporter",
    "importer",
    "export_value_usd",
    "import_value_usd",
    "difference_usd",
    "relative_difference_pct",
    "export_quantity",
    "import_quantity",
    "unit",
    "quantity_difference",
    "quantity_note",
    *EXPLANATIONS,
)
LEVEL_NAMES = {2: "HS chapter (2 digits)", 4: "HS heading (4 digits)", 6: "HS subheading (6 digits)"}
TOP = 5


def _opt(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def discrepancies_csv(comparison: MirrorComparison) -> str:
    """The lines above the thresholds, largest difference first; explanations left empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DISCREPANCY_COLUMNS)
    for line in comparison.discrepancies:
        writer.writerow(
            (
                comparison.period,
                line.hs_code,
                comparison.exporter,
                comparison.importer,
                f"{line.export_value_usd:.2f}",
                f"{line.import_value_usd:.2f}",
                f"{line.difference_usd:.2f}",
                "" if line.relative_difference_pct is None else f"{line.relative_difference_pct:.1f}",
                _opt(line.export_quantity),
                _opt(line.import_quantity),
                line.unit or "",
                _opt(line.quantity_difference),
                line.quantity_note,
                *(getattr(line, name) for name in EXPLANATIONS),
            )
        )
    return out.getvalue()


def _usd(value: Decimal) -> str:
    return f"{value:,.2f}"


def _pct(value: Decimal | None) -> str:
    return "n/a (no exports)" if value is None else f"{value:+.1f}%"


def _source(side: Side, valuation: str) -> str:
    key = side.table
    what = f"{key.reporter}'s {key.flow.value}s {'to' if key.flow.value == 'export' else 'from'} {key.partner}"
    if side.revision is None:
        return f"{what} ({valuation}), {side.rows} rows, not checked against the chain"
    rev = side.revision
    return f"{what} ({valuation}), {side.rows} rows, revision {rev.number} committed {iso(rev.committed_at)}"


def _row(line: ComparisonLine) -> str:
    return (
        f"| {line.hs_code} | {_usd(line.export_value_usd)} | {_usd(line.import_value_usd)} | "
        f"{_usd(line.difference_usd)} | {_pct(line.relative_difference_pct)} | {line.quantity_note or ''} |"
    )


def summary_markdown(comparison: MirrorComparison) -> str:
    """Totals, how many lines are above the thresholds, the largest five, and how to read them."""
    c = comparison
    limits = c.thresholds
    found = c.discrepancies
    lines = [
        f"# Mirror statistics {c.period}: {c.exporter} exports to {c.importer} against {c.importer} imports "
        f"from {c.exporter}",
        "",
        f"Compared by {LEVEL_NAMES[c.level]}. A line is a discrepancy when imports and exports differ by more than "
        f"USD {_usd(limits.absolute_usd)} and by more than {plain(limits.relative_pct)}% of the export value.",
        "",
        "| | USD |",
        "|---|---:|",
        f"| {_source(c.exports, 'FOB')} | {_usd(c.exports.total_usd)} |",
        f"| {_source(c.imports, 'CIF')} | {_usd(c.imports.total_usd)} |",
        f"| difference, imports minus exports ({_pct(c.relative_difference_pct)}) | {_usd(c.difference_usd)} |",
        "",
        f"Lines compared: {len(c.lines)}. Above the thresholds: {len(found)}.",
        "",
    ]
    if found:
        lines += [
            f"## Largest discrepancies (top {min(TOP, len(found))} of {len(found)})",
            "",
            f"| HS | {c.exporter} exports | {c.importer} imports | difference | relative | quantities |",
            "|---|---:|---:|---:|---:|---|",
            *(_row(line) for line in found[:TOP]),
            "",
        ]
    lines += [
        "Imports are usually valued CIF (cost, insurance and freight to the importer's border) and exports FOB "
        "(free on board at the exporter's border), so imports normally exceed exports by a few percent. The "
        "figures are as each administration reported them: nothing is adjusted. Explain each discrepancy in "
        "discrepancies.csv: CIF/FOB valuation, timing (goods exported in one month and imported in the next), "
        "re-exports through third countries, or other.",
        "",
    ]
    return "\n".join(lines)


def write_report(comparison: MirrorComparison, out_dir: Path) -> tuple[Path, Path]:
    """`discrepancies.csv` and `summary.md` in `out_dir` (written atomically)."""
    csv_path, md_path = out_dir / "discrepancies.csv", out_dir / "summary.md"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(csv_path, discrepancies_csv(comparison))
        write_atomic(md_path, summary_markdown(comparison))
    except OSError as exc:
        raise InvalidInput(f"cannot write the report into {out_dir}: {exc.strerror or exc}", path="out") from None
    return csv_path, md_path
