"""Blobs on disk: hashed while they are written, renamed into place only when whole and
named right, so a reader never sees half a blob or bytes under the wrong name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.store.cid import CidBuilder, ContentId
from ledger.store.errors import BlobCorrupted, StoreWriteFailed


def hashed_temp(chunks: Iterable[bytes], directory: Path) -> tuple[Path, ContentId]:
    """Write `chunks` to a new temporary file in `directory` (beside the final name, so the
    rename is atomic) and compute their CID on the way; the file is flushed to disk before
    it is handed back, and removed if anything fails."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    except OSError as exc:
        raise StoreWriteFailed(directory, exc.strerror or str(exc)) from None
    temp = Path(name)
    builder = CidBuilder()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:  # a failing source raises its own error, after the cleanup below
                builder.update(chunk)
                with _writing(directory):
                    out.write(chunk)
            with _writing(directory):
                out.flush()
                os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, builder.finish()


@contextmanager
def _writing(directory: Path) -> Iterator[None]:
    """A failed write (disk full, permissions) as the store's error, naming the directory."""
    try:
        yield
    except OSError as exc:
        raise StoreWriteFailed(directory, exc.strerror or str(exc)) from None


def move_into_place(temp: Path, dest: Path) -> None:
    try:
        os.replace(temp, dest)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreWriteFailed(dest, exc.strerror or str(exc)) from None


def write_verified(chunks: Iterable[bytes], *, cid: ContentId, dest: Path, backend: str) -> None:
    """Stream `chunks` to `dest` if and only if they hash to `cid`; BlobCorrupted otherwise,
    and then `dest` is left as it was."""
    temp, actual = hashed_temp(chunks, dest.parent)
    if actual != cid:
        temp.unlink(missing_ok=True)
        raise BlobCorrupted(cid, backend, actual)
    move_into_place(temp, dest)
