"""The issuing side's own record of the certificate numbers its member has issued.

The registry already counts utilization per certificate number, so a second copy of a number
can never be drawn twice; this record stops the second copy from being issued at all. It lives
in the issuer's data directory (SQLite), one row per (chain, registry, member, type, number).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS issued_numbers (
    chain_id INTEGER NOT NULL,
    registry TEXT NOT NULL,
    member TEXT NOT NULL,
    cert_type TEXT NOT NULL,
    number TEXT NOT NULL,
    root TEXT NOT NULL,
    recorded_at REAL NOT NULL,
    PRIMARY KEY (chain_id, registry, member, cert_type, number)
)
"""
_CHUNK = 500  # SQLite's limit on host parameters is far above this


def numbers_path(data_dir: Path) -> Path:
    """Where a data directory keeps its issuer's record of numbers."""
    return data_dir / "issuer" / "numbers.sqlite"


class IssuedNumbers:
    """Certificate numbers already issued, per chain, registry, member and type."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def already_issued(
        self, *, chain_id: int, registry: str, member: str, cert_type: str, numbers: Sequence[str]
    ) -> list[str]:
        """Those of `numbers` this member has issued before, in the order given."""
        found: set[str] = set()
        with self._connect() as db:
            for start in range(0, len(numbers), _CHUNK):
                part = list(numbers[start : start + _CHUNK])
                marks = ",".join("?" * len(part))
                rows = db.execute(
                    "SELECT number FROM issued_numbers WHERE chain_id = ? AND registry = ? AND member = ? "
                    f"AND cert_type = ? AND number IN ({marks})",
                    [chain_id, registry.lower(), member, cert_type, *part],
                )
                found.update(row[0] for row in rows)
        return [n for n in numbers if n in found]

    def record(
        self, *, chain_id: int, registry: str, member: str, cert_type: str, entries: Sequence[tuple[str, str]]
    ) -> None:
        """Record (number, root) pairs as issued; recording the same pair again changes nothing."""
        now = time.time()
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO issued_numbers VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(chain_id, registry.lower(), member, cert_type, number, root, now) for number, root in entries],
            )

    def recorded(self) -> list[tuple[int, str, str, str, str, str]]:
        """Every recorded (chain id, registry, member, type, number, root), oldest first: what
        the audit index imports as the issuer's records."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT chain_id, registry, member, cert_type, number, root FROM issued_numbers ORDER BY recorded_at"
            )
            return [(int(c), str(r), str(m), str(t), str(n), str(root)) for c, r, m, t, n, root in rows]
