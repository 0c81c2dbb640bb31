"""Chunked AES-256-GCM for documents of any size, in bounded memory.

The plaintext is cut into chunks of `chunk_bytes`; each chunk is sealed with AES-256-GCM under
the document key with nonce `prefix (7 bytes) | chunk index (4 bytes, big-endian) | last (1
byte)` and the blob's header as associated data (the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár). Reordering, dropping, duplicating or truncating chunks, or changing the
header, fails authentication. The ciphertext blob is the header followed by the sealed chunks:

    magic "SZDOC1" (6) | chunk_bytes (4, big-endian) | nonce prefix (7) | chunk 0 | chunk 1 ...

An empty document is one sealed empty chunk (its tag only).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.store.errors import DocumentTampered

MAGIC = b"SZDOC1"
DEFAULT_CHUNK_BYTES = 1 << 20
MAX_CHUNK_BYTES = 16 << 20
TAG_BYTES = 16
_HEADER = struct.Struct(">6sI7s")
HEADER_BYTES = _HEADER.size
MAX_CHUNKS = 1 << 32


def new_document_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= MAX_CHUNKS:
        raise DocumentTampered("the document has more chunks than the format allows")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def encrypt_stream(source: BinaryIO, key: bytes, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[bytes]:
    """The ciphertext blob of what `source` holds, as pieces of at most one chunk each."""
    if not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
        raise ValueError(f"chunk size must be between 1 and {MAX_CHUNK_BYTES} bytes")
    aead = AESGCM(key)
    header = _HEADER.pack(MAGIC, chunk_bytes, os.urandom(7))
    prefix = header[-7:]
    yield header
    index = 0
    current = source.read(chunk_bytes)
    while True:
        following = source.read(chunk_bytes) if len(current) == chunk_bytes else b""
        last = not following
        yield aead.encrypt(_nonce(prefix, index, last), current, header)
        if last:
            return
        current = following
        index += 1


class _Reader:
    """Reads exact sizes from an iterable of byte pieces of any size."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


def decrypt_stream(pieces: Iterable[bytes], key: bytes) -> Iterator[bytes]:
    """The plaintext of a ciphertext blob, chunk by chunk; DocumentTampered on any change.

    A caller must not use the plaintext before the iterator is exhausted: a later chunk can
    still fail (write to a temporary file and rename at the end).
    """
    reader = _Reader(pieces)
    header = reader.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise DocumentTampered("the blob is shorter than its header")
    magic, chunk_bytes, prefix = _HEADER.unpack(header)
    if magic != MAGIC or not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
        raise DocumentTampered("the blob is not a sanzhi encrypted document (bad header)")
    aead = AESGCM(key)
    sealed_bytes = chunk_bytes + TAG_BYTES
    index = 0
    current = reader.read(sealed_bytes)
    while True:
        following = reader.read(sealed_bytes) if len(current) == sealed_bytes else b""
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, index, last), current, header)
        except InvalidTag:
            raise DocumentTampered(f"chunk {index} of the ciphertext fails authentication") from None
        if last:
            return
        current = following
        index += 1


def ciphertext_size(plaintext_size: int, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> int:
    chunks = max(1, -(-plaintext_size // chunk_bytes))
    return HEADER_BYTES + plaintext_size + chunks * TAG_BYTES
