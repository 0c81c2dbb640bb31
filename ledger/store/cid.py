"""Content identifiers: the CIDv1 (sha2-256, raw or dag-pb) that IPFS gives a file's bytes.

The store accepts exactly one shape of CID: version 1, codec raw or dag-pb, a sha2-256
digest. In binary that is one of two fixed 4-byte headers and 32 bytes, so the check is
written here: a general CID library (py-cid comes with ipfshttpclient) also reads CIDv0,
/ipfs/ paths and a dozen bases, and restricting it would take the same code. Text is
base32 (`b...`, what Kubo prints and what we show) or base58btc (`z...`, what js-ipfs
prints), each only in its canonical spelling, so that one blob never has two names in
one base. Compare CIDs as ContentId (their bytes), never as text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import base58
from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from ledger.errors import InvalidInput
from ledger.store.unixfs import DAG_PB_HEADER, RAW_HEADER, FileDag

Codec = Literal["raw", "dag-pb"]
_CODECS: dict[bytes, Codec] = {RAW_HEADER: "raw", DAG_PB_HEADER: "dag-pb"}
_HEADERS: dict[Codec, bytes] = {codec: header for header, codec in _CODECS.items()}
_BASE32 = re.compile(r"[a-z2-7]+")
# a CIDv1 of ours (raw or dag-pb, sha2-256) in canonical base32 (`ContentId.parse`), as the
# API's document states it: 4 bytes of prefix, 32 of digest, the last character's 2 spare bits 0
CIDV1_PATTERN = r"^baf(?:kre|ybe)i[a-h][a-z2-7]{50}[aeimquy4]$"
MAX_TEXT = 200  # a CIDv1 of ours is 59 characters in base32, 49 in base58btc; others up to ~120
READ_SIZE = 1024 * 1024


@dataclass(frozen=True)
class ContentId:
    """A CIDv1 (sha2-256; raw or dag-pb) in binary; equal when the bytes are."""

    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes):  # a bytearray or memoryview would not hash
            object.__setattr__(self, "raw", bytes(self.raw))
        if len(self.raw) != 36 or self.raw[:4] not in _CODECS:
            raise InvalidInput(_why_not_ours(self.raw), path="cid")

    @classmethod
    def parse(cls, text: str) -> ContentId:
        """Read `b...` (base32) or `z...` (base58btc); InvalidInput(path="cid") otherwise."""
        if not isinstance(text, str) or not text:
            raise InvalidInput("empty; expected a CIDv1 such as bafkrei...", path="cid")
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"{len(text)} characters is too long for a CID", path="cid")
        if text.startswith("Qm"):
            raise InvalidInput("CIDv0 (Qm...) is not accepted: give the CIDv1 (bafy... or bafk...)", path="cid")
        base, body = text[0], text[1:]
        if base == "b" and _BASE32.fullmatch(body):
            try:
                raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
            except binascii.Error:  # a length no whole number of bytes has
                raise InvalidInput(f"{text!r} is not base32 of whole bytes", path="cid") from None
        elif base == "z" and body:
            try:
                raw = base58.b58decode(body)
            except ValueError:
                raise InvalidInput(f"{text!r} is not base58btc", path="cid") from None
        else:
            raise InvalidInput(f"{text!r} is not a CIDv1 in base32 (b...) or base58btc (z...)", path="cid")
        cid = cls(raw)
        if text not in (cid.text, cid.base58btc):
            raise InvalidInput(f"{text!r} is not the canonical spelling of {cid.text}", path="cid")
        return cid

    @classmethod
    def of(cls, *, codec: Codec, digest: bytes) -> ContentId:
        """The CID of a block from its codec and sha2-256 digest (e.g. a bytes32 read on chain)."""
        if codec not in _HEADERS:
            raise InvalidInput(f"codec {codec!r} is neither raw nor dag-pb", path="cid")
        return cls(_HEADERS[codec] + bytes(digest))

    @property
    def text(self) -> str:
        """Base32, lower case, unpadded: `bafk...` (raw) or `bafy...` (dag-pb)."""
        return "b" + base64.b32encode(self.raw).decode("ascii").lower().rstrip("=")

    @property
    def base58btc(self) -> str:
        """`z...`: the spelling js-ipfs prints."""
        return "z" + base58.b58encode(self.raw).decode("ascii")

    @property
    def codec(self) -> Codec:
        return _CODECS[self.raw[:4]]

    @property
    def digest(self) -> bytes:
        """The 32-byte sha2-256 digest of the root block."""
        return self.raw[4:]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"ContentId({self.text})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """In pydantic models a ContentId is its base32 text."""
        return core_schema.no_info_plain_validator_function(
            _validate,
            json_schema_input_schema=core_schema.str_schema(pattern=r"^b[a-z2-7]{58}$"),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def shown_cid(raw: bytes) -> str | None:
    """A CID as the chain records it (binary) as people read it: `bafy...` as `sanzhi docs put`
    printed it; bytes that are no CID of ours as 0x-hex; none recorded: None."""
    if not raw:
        return None
    try:
        return ContentId(bytes(raw)).text
    except InvalidInput:
        return "0x" + bytes(raw).hex()


def _validate(value: Any) -> ContentId:
    if isinstance(value, ContentId):
        return value
    if not isinstance(value, str):
        raise ValueError("a CID is text (bafy..., bafk... or z...)")
    try:
        return ContentId.parse(value)
    except InvalidInput as exc:
        raise ValueError(exc.reason) from None


def _why_not_ours(raw: bytes) -> str:
    """What is wrong with a binary CID that is not CIDv1 + raw|dag-pb + sha2-256."""
    if raw[:2] == b"\x12\x20":
        return "CIDv0 is not accepted: give the CIDv1"
    if not raw or raw[0] != 0x01:
        return f"CID version {raw[0] if raw else 'missing'} is not 1"
    codec, at = _read_varint(raw, 1)
    if codec not in (0x55, 0x70):
        return f"codec 0x{codec:x} is neither raw (0x55) nor dag-pb (0x70)"
    hash_code, at = _read_varint(raw, at)
    if hash_code != 0x12:
        return f"hash function 0x{hash_code:x} is not sha2-256 (0x12)"
    length, at = _read_varint(raw, at)
    return f"a sha2-256 digest of {len(raw) - at} bytes (length field {length}) is not 32 bytes"


def _read_varint(raw: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(raw) and shift < 63:
        byte = raw[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if not byte & 0x80:
            break
        shift += 7
    return value, at


class CidBuilder:
    """Computes the CID of bytes fed in pieces of any size, in bounded memory."""

    def __init__(self) -> None:
        self._dag = FileDag()
        self._result: ContentId | None = None

    @property
    def size(self) -> int:
        """Bytes fed so far."""
        return self._dag.size

    def update(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._result is not None:
            raise RuntimeError("CidBuilder.update after finish")
        self._dag.update(chunk)

    def finish(self) -> ContentId:
        if self._result is None:
            self._result = ContentId(self._dag.finish())
        return self._result


def read_chunks(path: Path, size: int = READ_SIZE) -> Iterable[bytes]:
    """The file's bytes in pieces of `size`."""
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def cid_of_chunks(chunks: Iterable[bytes]) -> ContentId:
    builder = CidBuilder()
    for chunk in chunks:
        builder.update(chunk)
    return builder.finish()


def cid_of_file(path: Path) -> ContentId:
    return cid_of_chunks(read_chunks(path))


def cid_of_bytes(data: bytes) -> ContentId:
    return cid_of_chunks([data])
