"""An HTTP(S) endpoint returning the JSON export (GET, `Accept: application/json`)."""

from __future__ import annotations

import requests

from ledger.errors import SourceUnavailable
from oracles.sources.base import SourceRows
from oracles.sources.json_file import parse_json_rows

TIMEOUT_SECONDS = 30


def read_http_json(url: str) -> SourceRows:
    try:
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise SourceUnavailable(url, type(exc).__name__) from exc
    if response.status_code != 200:
        raise SourceUnavailable(url, f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise SourceUnavailable(url, "the response is not JSON") from exc
    return parse_json_rows(url, data)
