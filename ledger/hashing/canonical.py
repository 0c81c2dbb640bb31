"""Canonical JSON (RFC 8785, JCS): one byte string per JSON value on every machine."""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

import rfc8785

_MAX_SAFE_INTEGER = 2**53 - 1


def canonical_json(value: Any) -> bytes:
    """RFC 8785 serialisation of a JSON value (UTF-8 bytes)."""
    result: bytes = rfc8785.dumps(value)
    return result


def canonical_scalar(value: Any) -> str:
    """RFC 8785 text of one leaf value, fast for strings, small integers, booleans and null.

    JCS escapes strings exactly as JSON.stringify does, which is what Python's json encoder
    does without ensure_ascii (`"`, `\\`, and control characters, lowercase hex); anything
    less common goes through the rfc8785 package.
    """
    kind = type(value)
    if kind is str:
        text: str = encode_basestring(value)
        return text
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int and -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
        return str(value)
    return canonical_json(value).decode("utf-8")
