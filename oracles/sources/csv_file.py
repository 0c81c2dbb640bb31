"""CSV exports (UTF-8, header row; see oracles/README.md for the columns)."""

from __future__ import annotations

import csv
from pathlib import Path

from ledger.errors import SourceUnavailable
from oracles.sources.base import RawRow, SourceRows


def read_csv(path: Path) -> SourceRows:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceUnavailable(str(path), str(exc)) from exc
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    if not reader.fieldnames:
        raise SourceUnavailable(str(path), "the CSV has no header row")
    rows: list[RawRow] = []
    problems: list[tuple[str, str]] = []
    for index, row in enumerate(reader, start=1):
        ref = f"row {index}"
        extra = row.pop(None, None)
        if extra:
            problems.append((ref, f"malformed row: {len(extra)} more cells than header columns"))
            continue
        if any(value is None for value in row.values()):
            problems.append((ref, "malformed row: fewer cells than header columns"))
            continue
        fields = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        rows.append(RawRow(ref=ref, fields=fields))
    return SourceRows(source=str(path), rows=rows, problems=problems)
