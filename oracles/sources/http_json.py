"""An HTTP(S) endpoint returning the JSON export (GET, `Accept: application/json`)."""

from __future__ import annotations

import requests

from ledger.errors import InvalidJson, SourceUnavailable
from ledger.jsonfiles import MAX_BYTES, loads_strict
from oracles.sources.base import SourceRows
from oracles.sources.json_file import parse_json_rows

TIMEOUT_SECONDS = 30


def read_http_json(url: str, *, max_bytes: int = MAX_BYTES) -> SourceRows:
    try:
        with requests.get(
            url, headers={"Accept": "application/json"}, timeout=TIMEOUT_SECONDS, stream=True
        ) as response:
            if response.status_code != 200:
                raise SourceUnavailable(url, f"HTTP {response.status_code}")
            body = _read_bounded(url, response, max_bytes)
    except requests.RequestException as exc:
        raise SourceUnavailable(url, type(exc).__name__) from exc
    try:
        data = loads_strict(body, source=url, max_bytes=max_bytes)
    except InvalidJson as exc:
        raise SourceUnavailable(url, exc.reason) from None
    return parse_json_rows(url, data)


def _read_bounded(url: str, response: requests.Response, max_bytes: int) -> bytes:
    """The body, refused as soon as it grows past `max_bytes` (whatever Content-Length says)."""
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body += chunk
        if len(body) > max_bytes:
            raise SourceUnavailable(url, f"the response is larger than {max_bytes} bytes")
    return bytes(body)
