"""The local blob store: one file per blob, named by its CID, in one directory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ledger.errors import InvalidInput
from ledger.store.cid import READ_SIZE, CidBuilder, ContentId, read_chunks
from ledger.store.errors import BlobCorrupted, BlobNotFound
from ledger.store.files import write_chunks, write_verified


class LocalBackend:
    """Blobs at `root/<cid in base32>`; every read is checked against the name."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def under(cls, data_dir: Path) -> LocalBackend:
        """The default local store of a data directory: `<data dir>/store/blobs/`."""
        return cls(data_dir / "store" / "blobs")

    def path_of(self, cid: ContentId) -> Path:
        # the base32 text is [a-z2-7] only: never a path separator, never "..".
        return self.root / cid.text

    def write_chunks(self, chunks: Iterable[bytes]) -> ContentId:
        """Store bytes arriving in pieces: hashed while written to a temporary file, which is
        then renamed to its CID. One pass, memory bounded by the size of a piece."""
        # a blob already there under this name is replaced by bytes proven to hash to it
        return write_chunks(chunks, self.root, self.path_of)

    def put_file(self, path: Path) -> ContentId:
        if not path.is_file():
            raise InvalidInput("no such file", path=str(path))
        try:
            return self.write_chunks(read_chunks(path))
        except OSError as exc:  # reading the source failed (writing is StoreWriteFailed)
            raise InvalidInput(f"cannot read: {exc.strerror or exc}", path=str(path)) from None

    def has(self, cid: ContentId) -> bool:
        return self.path_of(cid).is_file()

    def fetch(self, cid: ContentId, dest: Path) -> None:
        with self._open(cid) as handle:
            write_verified(_chunks_of(handle), cid=cid, dest=dest, backend=self.name)

    def open_verified(self, cid: ContentId) -> Iterator[bytes]:
        """The blob's bytes in pieces, for a reader that streams them on (a decrypter).

        The check against the name can only come after the last byte: the iterator then
        raises BlobCorrupted, and the reader must discard what it has made of the bytes.
        BlobNotFound is raised here, before any byte."""
        self._open(cid).close()
        return self._verified(cid)

    def pin(self, cid: ContentId) -> None:
        """A local blob stays until it is deleted: pinning only checks that it is here."""
        if not self.has(cid):
            raise BlobNotFound(cid, self.name)

    def _verified(self, cid: ContentId) -> Iterator[bytes]:
        builder = CidBuilder()
        with self._open(cid) as handle:
            for chunk in _chunks_of(handle):
                builder.update(chunk)
                yield chunk
        actual = builder.finish()
        if actual != cid:
            raise BlobCorrupted(cid, self.name, actual)

    def _open(self, cid: ContentId) -> BinaryIO:
        try:
            return self.path_of(cid).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFound(cid, self.name) from None


def _chunks_of(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(READ_SIZE):
        yield chunk
