"""Opaque keyset cursors: the chain position of the last row of a page, bound to the query.

A cursor carries (block number, log index) and a fingerprint of the query that handed it out:
the next page starts strictly after that position, so pages never repeat or skip an event
however many are indexed meanwhile, and a cursor replayed on another query is refused rather
than silently answering a question nobody asked. It is not a secret: the position is public.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct

from ledger.index.errors import InvalidCursor

_LAYOUT = struct.Struct(">QI8s")  # block number, log index, fingerprint
MAX_LIMIT = 500


def fingerprint(*parts: object) -> bytes:
    """Eight bytes naming a query and its filters."""
    return hashlib.sha256(repr(parts).encode()).digest()[:8]


def encode_cursor(block_number: int, log_index: int, query: bytes) -> str:
    return base64.urlsafe_b64encode(_LAYOUT.pack(block_number, log_index, query)).decode().rstrip("=")


def decode_cursor(text: str, query: bytes) -> tuple[int, int]:
    """The position in `text`, if `query` handed it out."""
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        block_number, log_index, owner = _LAYOUT.unpack(raw)
    except (binascii.Error, struct.error, UnicodeEncodeError, ValueError):
        raise InvalidCursor from None
    if owner != query:
        raise InvalidCursor
    return int(block_number), int(log_index)
