"""Blobs on disk: hashed while they are written, renamed into place only when whole and
named right, so a reader never sees half a blob or bytes under the wrong name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.files import Staged
from ledger.store.cid import CidBuilder, ContentId
from ledger.store.errors import BlobCorrupted, StoreWriteFailed


def write_chunks(chunks: Iterable[bytes], directory: Path, name: Callable[[ContentId], Path]) -> ContentId:
    """Write `chunks` to a temporary file in `directory` (ledger.files), computing their CID on
    the way, and rename it to `name(cid)` once whole and flushed to disk; the temporary file is
    removed if anything fails (a failing source raises its own error)."""
    with _writing(directory):
        directory.mkdir(parents=True, exist_ok=True)
        stage = Staged(directory, mode=None)
    try:
        builder = CidBuilder()
        for chunk in chunks:
            builder.update(chunk)
            with _writing(directory):
                stage.file.write(chunk)
        cid = builder.finish()
        dest = name(cid)
        with _writing(dest):
            stage.commit(dest)
    finally:
        stage.discard()
    return cid


@contextmanager
def _writing(where: Path) -> Iterator[None]:
    """A failed write (disk full, permissions) as the store's error, naming where it failed."""
    try:
        yield
    except OSError as exc:
        raise StoreWriteFailed(where, exc.strerror or str(exc)) from None


def write_verified(chunks: Iterable[bytes], *, cid: ContentId, dest: Path, backend: str) -> None:
    """Stream `chunks` to `dest` if and only if they hash to `cid`; BlobCorrupted otherwise,
    and then `dest` is left as it was."""

    def checked(actual: ContentId) -> Path:
        if actual != cid:
            raise BlobCorrupted(cid, backend, actual)
        return dest

    write_chunks(chunks, dest.parent, checked)
