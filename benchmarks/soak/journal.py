"""A soak client's journal: one JSON line per operation, appended and fsynced as it happens, so
that what the system acknowledged is on disk before the client goes on (plain appends with
fsync, not ledger/files.py's atomic writer: a journal grows, it is never replaced)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel


class Outcome(StrEnum):
    ACKNOWLEDGED = "acknowledged"  # a write the system confirmed (HTTP 2xx or a library return)
    READ = "read"  # a read that answered
    FAILED = "failed"  # refused, unreachable or an error answer


class Record(BaseModel):
    """One operation of a client. A write carries what identifies it on chain: its transaction,
    the event it emits there and the event argument that names the write (a certificate batch's
    root, an evidence entry's hash, a declaration reference...), None when the transaction alone
    names it."""

    op: str
    outcome: Outcome
    at: float  # time.time() when the answer came
    client: str = ""
    tx: str | None = None
    event: str | None = None
    key_arg: str | None = None
    status: int | None = None  # the HTTP status of a failure (None: no answer, the connection failed)
    code: str | None = None  # the problem type of a failure, or the exception's class
    number_key: str | None = None  # a utilization's certificate number
    amount: int | None = None  # thousandths of the certificate's unit drawn
    remaining: int | None = None  # thousandths left on the number after the draw, as answered


class ClientJournal:
    """Appends records to one client's file."""

    def __init__(self, path: Path, client: str) -> None:
        self.path = path
        self.client = client
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, record: Record) -> None:
        line = record.model_copy(update={"client": self.client}).model_dump_json(exclude_none=True) + "\n"
        os.write(self._fd, line.encode())
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def read_journals(directory: Path) -> list[Record]:
    """Every record of every client journal in `directory` (`*.jsonl`); a torn last line skipped."""
    records: list[Record] = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                records.append(Record.model_validate_json(line))
            except ValueError:
                continue
    return records
