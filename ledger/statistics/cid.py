"""The sha2-256 digest inside a document store CID, which the registry keeps with a root.

Hand-written on purpose: the document store, which owns CIDs, is being written alongside, and
this needs only the one form it names documents by (CIDv1, multibase base32 'b', a sha2-256
multihash). The standard library decodes the base32; the rest is three varints. A CID in any
other form is refused in one line rather than read differently.
"""

from __future__ import annotations

import base64
import binascii
import re

from ledger.errors import InvalidInput

SHA2_256 = 0x12
_BASE32 = re.compile(r"^b[a-z2-7]+$")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """An unsigned LEB128 varint (multiformats: at most 9 bytes, minimal) and the next offset."""
    value = 0
    for i in range(9):
        if at + i >= len(data):
            break
        byte = data[at + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if byte == 0 and i > 0:
                break  # not minimal
            return value, at + i + 1
    raise ValueError("bad varint")


def cid_digest(text: str) -> bytes:
    """The 32-byte sha2-256 digest in a CIDv1 such as `bafkrei...`."""
    cid = text.strip()
    if cid.startswith("Qm"):
        raise InvalidInput(f"{cid!r} is a CIDv0: give the document's CIDv1 (base32, starting with 'b')", path="cid")
    if not _BASE32.match(cid):
        raise InvalidInput(f"{cid!r} is not a CIDv1 in base32 (lower case, starting with 'b')", path="cid")
    body = cid[1:].upper()
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
        version, at = _varint(raw, 0)
        _codec, at = _varint(raw, at)
        hash_code, at = _varint(raw, at)
        length, at = _varint(raw, at)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{cid!r} is not a valid CID", path="cid") from None
    if version != 1:
        raise InvalidInput(f"{cid!r} is a CID version {version}, not 1", path="cid")
    if hash_code != SHA2_256 or length != 32:
        raise InvalidInput(f"{cid!r} is not named by a sha2-256 digest", path="cid")
    digest = raw[at:]
    if len(digest) != 32:
        raise InvalidInput(f"{cid!r} is truncated or has bytes after its digest", path="cid")
    return digest


def cid_of_digest(digest: bytes, *, codec: int = 0x55) -> str:
    """The CIDv1 (base32, `raw` codec by default) naming a sha2-256 digest: the inverse of
    `cid_digest`, for samples and tests."""
    if len(digest) != 32:
        raise InvalidInput("a sha2-256 digest is 32 bytes", path="cid")
    if codec >= 0x80:
        raise InvalidInput("only one-byte codecs are written here", path="cid")
    raw = bytes([1, codec, SHA2_256, 32]) + digest
    return "b" + base64.b32encode(raw).decode().rstrip("=").lower()
