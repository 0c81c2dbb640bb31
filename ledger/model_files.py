"""Pydantic models kept as JSON files: read with a clear error, written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ledger.errors import ConfigurationError, InvalidJson
from ledger.jsonfiles import load_strict

M = TypeVar("M", bound=BaseModel)
# Profiles and deployment records are a few kilobytes.
MAX_MODEL_FILE_BYTES = 1024 * 1024


def read_model(path: Path, model: type[M], what: str) -> M | None:
    """The model in `path`, None if there is no file; unreadable files are a clear error."""
    if not path.exists():
        return None
    try:
        return model.model_validate(load_strict(path, max_bytes=MAX_MODEL_FILE_BYTES))
    except (ValidationError, OSError) as exc:
        raise ConfigurationError(f"{what} file {path} is unreadable: {exc}") from exc
    except InvalidJson as exc:
        raise ConfigurationError(f"{what} file {path} is unreadable: {exc.reason}") from None


def write_model(path: Path, value: BaseModel) -> Path:
    """Write through a temporary file and a rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(value.model_dump_json(indent=2) + "\n")
    os.replace(tmp, path)
    return path


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` through a temporary name and a rename: a reader (or a rerun after a kill)
    sees the whole file or none of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_batch(directory: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write new files into `directory`, each under its own name in one create, write and
    close: the batch form of `write_text_atomic`, atomic as a batch rather than file by file.

    `write_text_atomic` costs a file two directory operations (a create and a rename); a batch
    of thousands of small files costs mostly those, so this writes each file once, by name,
    through one handle on the directory. A process killed mid-batch can leave a torn file, so
    the directory must be private to the batch, and the caller writes its own record of the
    batch (with `write_model`, whose rename is the one atomic step) only after this returns:
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
