"""Source adapters: each turns a file or URL into raw rows (field name -> text)."""

from __future__ import annotations

from pathlib import Path

from ledger.errors import SourceUnavailable
from oracles.sources.base import RawRow, SourceRows
from oracles.sources.csv_file import read_csv
from oracles.sources.http_json import read_http_json
from oracles.sources.json_file import parse_json_rows, read_json

__all__ = ["RawRow", "SourceRows", "load_rows", "parse_json_rows"]


def load_rows(source: str) -> SourceRows:
    """Rows from `source`: an http(s) URL returning JSON, or a .csv or .json file."""
    if source.startswith(("http://", "https://")):
        return read_http_json(source)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    raise SourceUnavailable(source, "expected a .csv or .json file or an http(s) URL")
