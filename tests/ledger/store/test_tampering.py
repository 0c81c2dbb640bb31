"""Whatever is changed in a stored document, ciphertext, envelope or name, it is detected: the
reader gets a refusal, never different plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import InvalidInput, LedgerError
from ledger.store.blobs import BlobStore
from ledger.store.cid import ContentId
from ledger.store.documents import decrypt_to, encrypt_into
from ledger.store.errors import BlobCorrupted, BlobNotFound, DocumentTampered
from ledger.store.layout import StoreLayout

PLAINTEXT = b"phytosanitary inspection report, lot 42\n" * 700  # ~28 KB: one IPFS block


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[BlobStore, ContentId, bytes]:
    root = tmp_path_factory.mktemp("store")
    source = root / "report.txt"
    source.write_bytes(PLAINTEXT)
    blobs = BlobStore.open(StoreLayout(root / "store"), None)
    cid, key, _ = encrypt_into(blobs, source, chunk_bytes=4096)
    return blobs, cid, key


def test_the_untouched_document_reads_back(stored: tuple[BlobStore, ContentId, bytes], tmp_path: Path) -> None:
    blobs, cid, key = stored
    decrypt_to(blobs, cid, key, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == PLAINTEXT


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_a_changed_ciphertext_byte_is_refused(
    stored: tuple[BlobStore, ContentId, bytes], tmp_path: Path, position: int, flip: int
) -> None:
    blobs, cid, key = stored
    path = blobs.local_path(cid)
    original = path.read_bytes()
    changed = bytearray(original)
    changed[position % len(changed)] ^= flip
    path.write_bytes(bytes(changed))
    out = tmp_path / f"out-{position}-{flip}"
    try:
        with pytest.raises((BlobCorrupted, DocumentTampered)):
            decrypt_to(blobs, cid, key, out)
        assert not out.exists()
    finally:
        path.write_bytes(original)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), replacement=st.sampled_from("abcdefghijklmnopqrstuvwxyz234567XYZ019"))
def test_a_changed_name_reads_nothing(
    stored: tuple[BlobStore, ContentId, bytes], tmp_path: Path, position: int, replacement: str
) -> None:
    blobs, cid, key = stored
    text = cid.text
    at = position % len(text)
    changed = text[:at] + replacement + text[at + 1 :]
    if changed == text:
        return
    out = tmp_path / f"out-{at}-{replacement}"
    with pytest.raises(LedgerError) as refused:
        decrypt_to(blobs, ContentId.parse(changed), key, out)
    assert isinstance(refused.value, InvalidInput | BlobNotFound)
    assert not out.exists()
