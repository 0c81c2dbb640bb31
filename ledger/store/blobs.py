"""The blobs of the document store: always written locally first, then pushed to IPFS when
one is configured; a push that fails leaves the blob pending for `sanzhi docs sync`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ledger.settings import LedgerSettings
from ledger.store.backends import BlobBackend
from ledger.store.cid import ContentId
from ledger.store.errors import BlobNotFound, BlobTooLarge, StoreUnavailable
from ledger.store.layout import StoreLayout
from ledger.store.local import LocalBackend


class SyncReport(BaseModel):
    pushed: list[str]
    still_pending: list[str]
    error: str | None = None


@dataclass
class BlobStore:
    layout: StoreLayout
    local: LocalBackend
    remote: BlobBackend | None = None

    @classmethod
    def open(cls, layout: StoreLayout, remote: BlobBackend | None) -> BlobStore:
        return cls(layout=layout, local=LocalBackend(layout.blobs), remote=remote)

    def write(self, chunks: Iterable[bytes]) -> ContentId:
        """Store a new blob locally and mark it for the remote."""
        cid = self.local.write_chunks(chunks)
        if self.remote is not None:
            self.layout.mark_pending(cid)
        return cid

    def push(self, cids: Iterable[ContentId]) -> str | None:
        """Push (and pin) pending blobs; None when all went, else why the remote refused."""
        if self.remote is None:
            return None
        for cid in cids:
            try:
                pushed = self.remote.put_file(self.local_path(cid))
                self.remote.pin(pushed)
            except StoreUnavailable as exc:
                return exc.message
            self.layout.clear_pending(cid)
        return None

    def sync(self) -> SyncReport:
        pending = self.layout.pending()
        error = self.push(pending)
        left = self.layout.pending()
        return SyncReport(
            pushed=[c.text for c in pending if c not in left], still_pending=[c.text for c in left], error=error
        )

    def ensure_local(self, cid: ContentId) -> Path:
        """The local copy of a blob, fetched (and checked against its name) from the remote if needed."""
        if not self.local.has(cid):
            if self.remote is None:
                raise BlobNotFound(cid, self.local.name)
            self.remote.fetch(cid, self.local_path(cid))
        return self.local_path(cid)

    def read_verified(self, cid: ContentId) -> Iterable[bytes]:
        """The blob's bytes, refused (BlobCorrupted) at the end if they do not hash to its name."""
        self.ensure_local(cid)
        return self.local.open_verified(cid)

    def read_small(self, cid: ContentId, *, limit: int) -> bytes:
        """A small blob (an envelope) whole; refused beyond `limit` bytes: anyone may publish an
        envelope pointer, so its size is not to be trusted."""
        size = self.ensure_local(cid).stat().st_size
        if size > limit:
            raise BlobTooLarge(cid, size, limit)
        return b"".join(self.local.open_verified(cid))

    def local_path(self, cid: ContentId) -> Path:
        return self.layout.blobs / cid.text


def open_blob_store(settings: LedgerSettings) -> BlobStore:
    """The local store under the data directory, and IPFS when SANZHI_IPFS_API names a node."""
    from ledger.store.ipfs import IpfsBackend  # the IPFS client is imported only when one is configured

    remote: BlobBackend | None = IpfsBackend(settings.ipfs_api) if settings.ipfs_api else None
    return BlobStore.open(StoreLayout.under(settings.data_dir), remote)
