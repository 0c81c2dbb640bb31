"""JSON exports: `{"member": "CN", "operators": [{...}, ...]}` or a bare list of records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.errors import InvalidJson, SourceUnavailable
from ledger.jsonfiles import load_strict
from oracles.sources.base import RawRow, SourceRows


def read_json(path: Path) -> SourceRows:
    try:
        data = load_strict(path)
    except OSError as exc:
        raise SourceUnavailable(str(path), exc.strerror or str(exc)) from exc
    except InvalidJson as exc:
        raise SourceUnavailable(str(path), exc.reason) from None
    return parse_json_rows(str(path), data)


def parse_json_rows(source: str, data: Any) -> SourceRows:
    """Rows from decoded JSON; a record that is not an object is a problem, not a failure."""
    member: str | None = None
    if isinstance(data, dict):
        member = data.get("member") if isinstance(data.get("member"), str) else None
        records = data.get("operators")
        if not isinstance(records, list):
            raise SourceUnavailable(source, 'expected an "operators" list')
    elif isinstance(data, list):
        records = data
    else:
        raise SourceUnavailable(source, 'expected {"operators": [...]} or a list')
    rows: list[RawRow] = []
    problems: list[tuple[str, str]] = []
    for index, record in enumerate(records):
        ref = f"operators[{index}]"
        if not isinstance(record, dict):
            problems.append((ref, "malformed row: a record must be a JSON object"))
            continue
        fields = {str(k).strip().lower(): _text(v) for k, v in record.items()}
        rows.append(RawRow(ref=ref, fields=fields))
    return SourceRows(source=source, rows=rows, member=member, problems=problems)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value) if isinstance(value, dict | list) else str(value)
