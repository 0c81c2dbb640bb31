"""The issuing side's own record of the certificate numbers its member has issued.

The registry already counts utilization per certificate number, so a second copy of a number
can never be drawn twice; this record stops the second copy from being issued at all. It lives
in the issuer's data directory (SQLite), one row per (chain, registry, member, type, number),
where the chain is its genesis and deployment block (ledger.chain.identity).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ledger.chain.identity import DeploymentIdentity

# Before numbers were kept per chain (genesis and deployment block hashes) they were kept per
# chain id and registry address, which a reset development chain reproduces: those rows stay (nothing
# recorded is lost) and count only where the chain still has their batch (`legacy_issued`).
_LEGACY_SCHEMA = """
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
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chain_numbers (
    genesis_hash TEXT NOT NULL,
    deployment_block INTEGER NOT NULL,
    deployment_hash TEXT NOT NULL,
    chain_id INTEGER NOT NULL,
    registry TEXT NOT NULL,
    member TEXT NOT NULL,
    cert_type TEXT NOT NULL,
    number TEXT NOT NULL,
    root TEXT NOT NULL,
    recorded_at REAL NOT NULL,
    PRIMARY KEY (genesis_hash, deployment_hash, registry, member, cert_type, number)
)
"""
_CHUNK = 500  # SQLite's limit on host parameters is far above this


def numbers_path(data_dir: Path) -> Path:
    """Where a data directory keeps its issuer's record of numbers."""
    return data_dir / "issuer" / "numbers.sqlite"


@dataclass(frozen=True)
class IssuedNumber:
    """One recorded number; `chain` is None for a number recorded before numbers were kept per chain."""

    chain_id: int
    registry: str
    member: str
    cert_type: str
    number: str
    root: str
    chain: DeploymentIdentity | None


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


class IssuedNumbers:
    """Certificate numbers already issued, per chain (deployment), registry, member and type."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_LEGACY_SCHEMA)
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def _matching(self, query: str, key: Sequence[object], numbers: Sequence[str]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        with self._connect() as db:
            for start in range(0, len(numbers), _CHUNK):
                part = list(numbers[start : start + _CHUNK])
                marks = ",".join("?" * len(part))
                found.extend(db.execute(f"{query} AND number IN ({marks})", [*key, *part]))
        return [(str(n), str(r)) for n, r in found]

    def already_issued(
        self, *, chain: DeploymentIdentity, registry: str, member: str, cert_type: str, numbers: Sequence[str]
    ) -> list[str]:
        """Those of `numbers` this member has issued before on this chain, in the order given."""
        query = ("SELECT number, root FROM chain_numbers WHERE genesis_hash = ? AND deployment_hash = ? "
                 "AND registry = ? AND member = ? AND cert_type = ?")  # fmt: skip
        key = [_hex(chain.genesis_hash), _hex(chain.deployment_hash), registry.lower(), member, cert_type]
        found = {number for number, _ in self._matching(query, key, numbers)}
        return [n for n in numbers if n in found]

    def legacy_issued(
        self, *, chain_id: int, registry: str, member: str, cert_type: str, numbers: Sequence[str]
    ) -> list[tuple[str, str]]:
        """(number, root) of those of `numbers` recorded before numbers were kept per chain, for
        this chain id and registry: of this chain only if the chain has their batch root."""
        query = ("SELECT number, root FROM issued_numbers WHERE chain_id = ? AND registry = ? AND member = ? "
                 "AND cert_type = ?")  # fmt: skip
        return self._matching(query, [chain_id, registry.lower(), member, cert_type], numbers)

    def record(
        self,
        *,
        chain: DeploymentIdentity,
        chain_id: int,
        registry: str,
        member: str,
        cert_type: str,
        entries: Sequence[tuple[str, str]],
    ) -> None:
        """Record (number, root) pairs as issued on `chain`; recording the same pair again changes nothing."""
        now = time.time()
        ids = (_hex(chain.genesis_hash), chain.deployment_block, _hex(chain.deployment_hash), chain_id)
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO chain_numbers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*ids, registry.lower(), member, cert_type, number, root, now) for number, root in entries],
            )

    def recorded(self) -> list[IssuedNumber]:
        """Every recorded number, those recorded before numbers were kept per chain first, then
        oldest first: what the audit index imports as the issuer's records."""
        with self._connect() as db:
            legacy = db.execute(
                "SELECT chain_id, registry, member, cert_type, number, root FROM issued_numbers ORDER BY recorded_at"
            ).fetchall()
            current = db.execute(
                "SELECT chain_id, registry, member, cert_type, number, root, genesis_hash, deployment_block, "
                "deployment_hash FROM chain_numbers ORDER BY recorded_at"
            ).fetchall()
        found = [
            IssuedNumber(chain_id=int(c), registry=str(r), member=str(m), cert_type=str(t), number=str(n),
                         root=str(root), chain=None)
            for c, r, m, t, n, root in legacy
        ]  # fmt: skip
        found.extend(
            IssuedNumber(
                chain_id=int(c), registry=str(r), member=str(m), cert_type=str(t), number=str(n), root=str(root),
                chain=DeploymentIdentity(bytes.fromhex(g[2:]), int(block), bytes.fromhex(d[2:])),
            )
            for c, r, m, t, n, root, g, block, d in current
        )  # fmt: skip
        return found
