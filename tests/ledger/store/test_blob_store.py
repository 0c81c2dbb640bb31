"""The blob store above the backends: small blobs (envelopes) are bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.store.blobs import BlobStore
from ledger.store.documents import MAX_ENVELOPE_BYTES
from ledger.store.errors import BlobTooLarge
from ledger.store.layout import StoreLayout


def test_an_oversized_envelope_is_refused(tmp_path: Path) -> None:
    blobs = BlobStore.open(StoreLayout(tmp_path / "store"), None)
    huge = blobs.write([b" " * (MAX_ENVELOPE_BYTES + 1)])
    with pytest.raises(BlobTooLarge, match="over the"):
        blobs.read_small(huge, limit=MAX_ENVELOPE_BYTES)
    small = blobs.write([b"{}"])
    assert blobs.read_small(small, limit=MAX_ENVELOPE_BYTES) == b"{}"
