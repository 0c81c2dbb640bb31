"""Chunked AES-256-GCM: round trips at chunk boundaries, and every change is detected."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.store.errors import DocumentTampered
from ledger.store.stream import HEADER_BYTES, ciphertext_size, decrypt_stream, encrypt_stream, new_document_key

CHUNK = 64


def seal(data: bytes, key: bytes) -> bytes:
    return b"".join(encrypt_stream(io.BytesIO(data), key, chunk_bytes=CHUNK))


def unseal(blob: bytes, key: bytes, piece: int = 7) -> bytes:
    return b"".join(decrypt_stream((blob[i : i + piece] for i in range(0, len(blob), piece)), key))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 3])
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    key = new_document_key()
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    blob = seal(data, key)
    assert len(blob) == ciphertext_size(size, CHUNK)
    if size >= 16:  # a byte or two of plaintext turns up in any ciphertext by chance
        assert data not in blob[HEADER_BYTES:]
    assert unseal(blob, key) == data


def test_wrong_key_is_refused() -> None:
    blob = seal(b"certificate of origin", new_document_key())
    with pytest.raises(DocumentTampered, match="chunk 0"):
        unseal(blob, new_document_key())


def test_dropping_the_last_chunk_is_detected() -> None:
    key = new_document_key()
    blob = seal(b"x" * (3 * CHUNK), key)
    sealed = CHUNK + 16
    truncated = blob[: HEADER_BYTES + 2 * sealed]
    with pytest.raises(DocumentTampered, match="chunk 1"):
        unseal(truncated, key)


def test_swapping_chunks_is_detected() -> None:
    key = new_document_key()
    blob = seal(b"a" * CHUNK + b"b" * CHUNK + b"c", key)
    sealed = CHUNK + 16
    first, second = blob[HEADER_BYTES : HEADER_BYTES + sealed], blob[HEADER_BYTES + sealed : HEADER_BYTES + 2 * sealed]
    swapped = blob[:HEADER_BYTES] + second + first + blob[HEADER_BYTES + 2 * sealed :]
    with pytest.raises(DocumentTampered):
        unseal(swapped, key)


def test_a_blob_that_is_not_a_document_is_refused() -> None:
    with pytest.raises(DocumentTampered, match="header"):
        unseal(b"%PDF-1.7 plain file", new_document_key())


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=4 * CHUNK), position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_any_changed_byte_is_detected(data: bytes, position: int, flip: int) -> None:
    key = new_document_key()
    blob = bytearray(seal(data, key))
    blob[position % len(blob)] ^= flip
    with pytest.raises(DocumentTampered):
        unseal(bytes(blob), key)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=4 * CHUNK), cut=st.integers(min_value=1))
def test_any_truncation_is_detected(data: bytes, cut: int) -> None:
    key = new_document_key()
    blob = seal(data, key)
    with pytest.raises(DocumentTampered):
        unseal(blob[: len(blob) - 1 - (cut % (len(blob) - 1))], key)
