"""The one atomic file writer: a temporary file beside the target, fsync, rename, fsync the directory.

A reader, or a rerun after a crash or a kill, sees the old file or the whole new one, never
half of it. Every module that replaces a file goes through here (tests/architecture checks it).
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO


class Staged:
    """A temporary file in a directory, renamed to its final name by `commit` (which may be
    chosen after writing, as a blob's CID is); removed if never committed."""

    def __init__(self, directory: Path, *, mode: int | None) -> None:
        self.directory = directory
        self.path = directory / f".staged-{secrets.token_hex(8)}.tmp"
        # mode None: what open() would create (0666 less the umask); else exactly `mode`, and a
        # private file is never readable by others, not even for a moment
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666 if mode is None else mode)
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            self.file: BinaryIO = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self.path.unlink(missing_ok=True)
            raise
        self.committed = False

    def commit(self, dest: Path) -> None:
        """Flush the file to disk and rename it to `dest` (in the same directory, or one on the
        same file system), then make the rename itself durable."""
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.path, dest)
        self.committed = True
        sync_directory(dest.parent)

    def discard(self) -> None:
        self.file.close()
        if not self.committed:
            self.path.unlink(missing_ok=True)


@contextmanager
def staged(directory: Path, *, mode: int | None = None) -> Iterator[Staged]:
    """A temporary file in `directory`, for a writer that names the result at the end (`commit`)."""
    stage = Staged(directory, mode=mode)
    try:
        yield stage
    finally:
        stage.discard()


@contextmanager
def atomic_open(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that replaces `path` when the block ends; an exception leaves `path` as it was."""
    with staged(path.parent, mode=mode) as stage:
        yield stage.file
        stage.commit(path)


@contextmanager
def atomic_open_text(path: Path, *, mode: int | None = None, newline: str | None = None) -> Iterator[TextIO]:
    """`atomic_open` for UTF-8 text."""
    with staged(path.parent, mode=mode) as stage:
        text = io.TextIOWrapper(stage.file, encoding="utf-8", newline=newline)
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # the stage owns the file: closing the wrapper would close it
        stage.commit(path)


def write_atomic(path: Path, data: bytes | str, *, mode: int | None = None) -> Path:
    """Replace `path` with `data` (text as UTF-8), atomically and durably; `mode`: see `Staged`."""
    with atomic_open(path, mode=mode) as out:
        out.write(data.encode() if isinstance(data, str) else data)
    return path


def sync_directory(directory: Path) -> None:
    """Make the names created, renamed or removed in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_directory(staging: Path, target: Path) -> None:
    """Put the directory `staging` in the place of `target` (absent, empty or a previous copy).

    Two renames, not one: a crash between them leaves `target` absent and the previous copy
    beside it as `.<name>.replaced-<pid>`, never a mix of the two.
    """
    if target.exists() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(staging, target)
    else:
        replaced = target.parent / f".{target.name}.replaced-{os.getpid()}"
        os.rename(target, replaced)
        os.rename(staging, target)
        shutil.rmtree(replaced)
    sync_directory(target.parent)


def move_names(source: Path, target: Path, names: Iterable[str]) -> list[str]:
    """Rename each of `names` from the directory `source` into `target` (same file system),
    through one handle on each directory: one rename per file, no look-up first. Returns the
    names `source` did not hold (moved already, by a run that was killed, or never there)."""
    missing = []
    source_fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY)
    try:
        target_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name in names:
                try:
                    os.replace(name, name, src_dir_fd=source_fd, dst_dir_fd=target_fd)
                except FileNotFoundError:
                    missing.append(name)
            os.fsync(target_fd)
        finally:
            os.close(target_fd)
    finally:
        os.close(source_fd)
    return missing


def write_batch(directory: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write new files into `directory`, each under its own name in one create, write and
    close: atomic as a batch rather than file by file.

    `write_atomic` costs a file a create, a rename and two flushes to disk; a batch of
    thousands of small files would cost mostly those, so this writes each file once, by name,
    through one handle on the directory. A process killed mid-batch can leave a torn file, so
    the directory must be private to the batch, and the caller writes its own record of the
    batch (with `write_atomic`, whose rename is the one atomic step) only after this returns:
    a directory without that record is a batch that never completed and is discarded. A name
    that already exists is an error (the directory is the batch's own). Returns the number of
    files written.
    """
    written = 0
    folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name, data in files:
            if not name or "/" in name or name in (".", ".."):
                raise ValueError(f"not a file name: {name!r}")
            handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666, dir_fd=folder)
            try:
                view = memoryview(data)
                while view:  # a regular file takes all of it at once; loop for the odd short write
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
            written += 1
    finally:
        os.close(folder)
    return written
