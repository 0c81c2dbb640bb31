"""Where blobs are kept: what every backend offers, and the two there are."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ledger.store.cid import ContentId
from ledger.store.ipfs import IpfsBackend
from ledger.store.local import LocalBackend

__all__ = ["BlobBackend", "IpfsBackend", "LocalBackend"]


class BlobBackend(Protocol):
    """A store of opaque blobs named by their CID; every read is checked against the name."""

    name: str

    def put_file(self, path: Path) -> ContentId:
        """Store the file's bytes under their CID (again: no change) and return it."""
        ...

    def has(self, cid: ContentId) -> bool: ...

    def fetch(self, cid: ContentId, dest: Path) -> None:
        """Stream the blob to `dest`, written whole or not at all (a temporary name, then a
        rename). BlobCorrupted if its bytes do not hash to `cid` (no `dest` then),
        BlobNotFound if the backend has no such blob."""
        ...

    def pin(self, cid: ContentId) -> None:
        """Keep the blob here for good; BlobNotFound if it cannot be had."""
        ...
