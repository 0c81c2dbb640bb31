"""Statistics tables as CSV files: read strictly (every refusal names the file and line),
written in one canonical form (rows by HS code, values with 2 decimals).

Columns, with this header line: reporter, partner, flow, period, hs_code, value_usd, quantity,
unit (in any order, each once, no other). UTF-8, a byte order mark allowed; comma separated;
fields quoted as RFC 4180 when they must be. Blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from ledger.errors import InvalidInput
from ledger.files import write_atomic
from ledger.statistics.errors import InvalidTable
from ledger.statistics.table import StatisticsRow, StatisticsTable, table_problems

COLUMNS = ("reporter", "partner", "flow", "period", "hs_code", "value_usd", "quantity", "unit")
# HS 2022 has about 5,600 six-digit subheadings: a table of one partner and month has fewer rows.
MAX_ROWS = 20_000
MAX_BYTES = 8 * 1024 * 1024


def read_table(path: Path) -> StatisticsTable:
    """The table in a CSV file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidTable(str(path), f"cannot read it: {exc.strerror or exc}") from None
    return parse_table(data, source=str(path))


def parse_table(data: bytes, *, source: str) -> StatisticsTable:
    """The table in CSV bytes; `source` names them in errors."""
    if len(data) > MAX_BYTES:
        raise InvalidTable(source, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InvalidTable(source, f"not UTF-8 text (byte {exc.start})") from None
    if "\0" in text:
        raise InvalidTable(source, "holds a NUL character: not a text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidTable(source, "is empty: a header line and at least one row are needed")
        columns = _columns(header, source)
        rows: list[StatisticsRow] = []
        lines: list[int] = []
        for fields in reader:
            if not fields:
                continue
            if len(rows) == MAX_ROWS:
                raise InvalidTable(source, f"more than {MAX_ROWS} rows", line=reader.line_num)
            rows.append(_row(fields, columns, source, reader.line_num))
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InvalidTable(source, f"not CSV: {exc}", line=reader.line_num) from None
    if not rows:
        raise InvalidTable(source, "has no rows")
    problems = table_problems(rows, where=lambda i: f"line {lines[i]}")
    if problems:
        index, reason = problems[0]
        raise InvalidTable(source, reason, line=lines[index])
    return StatisticsTable(rows=tuple(rows))


def _columns(header: list[str], source: str) -> dict[str, int]:
    names = [h.strip() for h in header]
    for name in names:
        if name not in COLUMNS:
            raise InvalidTable(source, f"unknown column {name!r}; the columns are {', '.join(COLUMNS)}", line=1)
        if names.count(name) > 1:
            raise InvalidTable(source, f"column {name!r} appears twice", line=1)
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InvalidTable(source, f"missing column {missing[0]!r}; the columns are {', '.join(COLUMNS)}", line=1)
    return {name: i for i, name in enumerate(names)}


def _row(fields: list[str], columns: dict[str, int], source: str, line: int) -> StatisticsRow:
    if len(fields) != len(COLUMNS):
        raise InvalidTable(source, f"{len(fields)} fields, {len(COLUMNS)} expected", line=line)
    values: dict[str, str | None] = {name: fields[i] for name, i in columns.items()}
    for name in ("quantity", "unit"):
        values[name] = values[name] or None  # both empty: no quantity reported
    for name, value in values.items():
        if value == "" or (value is not None and value != value.strip()):
            what = "is empty" if value == "" else f"has spaces around {value.strip()!r}"
            raise InvalidTable(source, f"{name} {what}", line=line)
    try:
        return StatisticsRow.model_validate(values)
    except InvalidInput as exc:
        raise InvalidTable(source, f"{exc.path}: {exc.reason}" if exc.path else exc.reason, line=line) from None
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or "row"
        cause = error.get("ctx", {}).get("error")
        reason = f"{cause.path}: {cause.reason}" if isinstance(cause, InvalidInput) else f"{field}: {error['msg']}"
        raise InvalidTable(source, reason, line=line) from None


def format_table(table: StatisticsTable) -> str:
    """The canonical CSV text of a table: the header, then the rows by HS code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(table.rows, key=lambda r: r.hs_code):
        writer.writerow(
            (
                row.reporter,
                row.partner,
                row.flow.value,
                row.period,
                row.hs_code,
                f"{row.value_usd:.2f}",
                "" if row.quantity is None else plain(row.quantity),
                row.unit or "",
            )
        )
    return out.getvalue()


def write_table(table: StatisticsTable, path: Path) -> Path:
    """Write a table's canonical CSV atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, format_table(table))
    return path


def plain(value: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros: 1200, 12.5 (never 1.2E+3)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
