"""Pydantic models kept as JSON files: read with a clear error, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ledger.errors import ConfigurationError, InvalidJson
from ledger.files import write_atomic
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
    """Write `value` as JSON, atomically (ledger.files): a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, value.model_dump_json(indent=2) + "\n")
