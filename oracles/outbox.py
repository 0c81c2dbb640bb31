"""The feed's outbox: every change keyed, batched, signed by a quorum, submitted, confirmed.

One SQLite file in the data directory (WAL mode) holds the state of every oracle process of
a machine, and it is also where those processes meet: each stores its signature of a batch
here, and whichever sees the quorum submits. (Oracles on different machines would need to
exchange signatures through a shared database or an API; not provided yet.)

A change's life: pending -> batched (signatures k of n) -> submitted (tx hash) -> done; or
superseded (the source changed before it was batched) or dead (refused on its own by the
contract). A batch: signing -> ready -> submitting -> submitted -> done, or expired/failed,
which releases its changes to be batched again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils.crypto import keccak
from filelock import FileLock

from ledger.aeo.changes import AeoChange
from ledger.aeo.codes import ChangeKind
from ledger.timestamps import iso
from oracles.aeo_diff import PlannedChange
from oracles.aeo_records import RowProblem
from oracles.outbox_schema import ADDED_COLUMNS, SCHEMA

OPEN_BATCH_STATES = ("signing", "ready", "submitting", "submitted")


@dataclass
class Batch:
    """A batch as stored: what the oracles sign (member, changes, nonce, deadline)."""

    id: str
    member: str
    nonce: int
    deadline: int
    state: str
    tx_hash: str | None
    submitter: str | None
    keys: list[str]
    changes: list[AeoChange]
    signatures: dict[str, bytes] = field(default_factory=dict)
    solo: bool = False
    registry: str = ""  # the AeoRegistry version ('' in an outbox from before versions: version 1)


def _change(row: Sequence[object]) -> AeoChange:
    _, kind, operator, tier, valid_from, valid_until, evidence, reason, effective_at = row
    return AeoChange(
        kind=ChangeKind(int(str(kind))),
        operator=bytes.fromhex(str(operator)[2:]),
        tier=int(str(tier)),
        valid_from=int(str(valid_from)),
        valid_until=int(str(valid_until)),
        evidence_hash=bytes(evidence),  # type: ignore[call-overload]
        reason=int(str(reason)),
        effective_at=int(str(effective_at)),
    )


def batch_nonce(keys: Sequence[str]) -> int:
    """The contract nonce of a batch: derived from its changes' idempotency keys only, so a
    batch re-signed after a crash carries the nonce the contract may already have used."""
    return int.from_bytes(keccak(b"".join(bytes.fromhex(k) for k in keys)), "big")


class Outbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One Outbox per feed; a feed may be built in one thread and run in another.
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        # Switching to WAL needs the database to itself and does not wait on the busy timeout:
        # oracles opening the outbox at the same moment take turns.
        with FileLock(str(path) + ".init.lock"):
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=60000")
            self._db.executescript(SCHEMA)  # CREATE ... IF NOT EXISTS
            for table, column, declaration in ADDED_COLUMNS:
                columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the database lock up front (BEGIN IMMEDIATE)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ intake

    def add_changes(self, member: str, planned: Sequence[PlannedChange]) -> int:
        """Record new changes; a key seen before (in any state) is ignored. Returns new rows."""
        now = time.time()
        rows = [
            (p.key, member, "0x" + p.change.operator.hex(), p.operator_id, p.seq,
             int(p.change.kind), *p.change.as_tuple()[2:], p.registry, now)
            for p in planned
        ]  # fmt: skip
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO changes (key, member, operator, operator_id, seq, kind,"
                " tier, valid_from, valid_until, evidence, reason, effective_at, registry, state,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'pending',?,?)",
                [(*r, now) for r in rows],
            )
            return db.total_changes - before

    def supersede_unbatched(self, member: str, current_keys: set[str]) -> int:
        """Pending, unbatched changes the latest derivation no longer asks for are dropped."""
        with self.transaction() as db:
            stale = [
                key
                for (key,) in db.execute("SELECT key FROM changes WHERE member=? AND state='pending'", (member,))
                if key not in current_keys
            ]
            db.executemany(
                "UPDATE changes SET state='superseded', updated_at=? WHERE key=?",
                [(time.time(), k) for k in stale],
            )
        return len(stale)

    def add_dead_letters(self, member: str, source: str, problems: Sequence[RowProblem]) -> int:
        """Record rows that cannot be applied; the same problem twice is recorded once."""
        rows = []
        for p in problems:
            raw = json.dumps(p.raw, sort_keys=True)
            key = keccak(text=f"{member}|{p.operator_id}|{raw}|{p.reason}").hex()
            rows.append((key, member, source, p.ref, p.operator_id, p.reason, raw, time.time()))
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO dead_letters (key, member, source, ref, operator_id,"
                " reason, raw, created_at) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            return db.total_changes - before

    # ------------------------------------------------------------------ batching

    def form_batches(self, member: str, *, size: int, deadline: int) -> int:
        """Put pending changes into batches of up to `size`, never splitting an operator's
        changes (they must apply in order); `solo` changes get a batch per operator."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT key, operator, solo, registry FROM changes WHERE member=? AND state='pending'"
                " ORDER BY created_at, operator, seq",
                (member,),
            ).fetchall()
            # a batch goes to one AeoRegistry version: group by version first
            groups: dict[tuple[str, str, int], list[str]] = {}
            for key, operator, solo, registry in rows:
                groups.setdefault((registry, operator, solo), []).append(key)
            batches: list[tuple[list[str], bool, str]] = []
            current: list[str] = []
            current_registry = ""
            for (registry, _, solo), keys in sorted(groups.items(), key=lambda g: g[0][0]):
                if solo:
                    batches.append((keys, True, registry))
                    continue
                if current and (len(current) + len(keys) > size or registry != current_registry):
                    batches.append((current, False, current_registry))
                    current = []
                current_registry = registry
                current.extend(keys)
            if current:
                batches.append((current, False, current_registry))
            now = time.time()
            for keys, solo, registry in batches:
                nonce = batch_nonce(keys)
                batch_id = keccak(nonce.to_bytes(32, "big") + deadline.to_bytes(8, "big")).hex()
                db.execute(
                    "INSERT INTO batches (id, member, nonce, deadline, state, size, solo, registry,"
                    " created_at, updated_at) VALUES (?,?,?,?,'signing',?,?,?,?,?)",
                    (batch_id, member, hex(nonce), deadline, len(keys), int(solo), registry, now, now),
                )
                db.executemany(
                    "UPDATE changes SET state='batched', batch_id=?, position=?, updated_at=? WHERE key=?",
                    [(batch_id, i, now, k) for i, k in enumerate(keys)],
                )
        return len(batches)

    def batches(self, member: str, states: Sequence[str] = OPEN_BATCH_STATES) -> list[Batch]:
        marks = ",".join("?" * len(states))
        rows = self._db.execute(
            "SELECT id, member, nonce, deadline, state, tx_hash, submitter, solo, registry FROM batches"
            f" WHERE member=? AND state IN ({marks}) ORDER BY created_at, id",
            (member, *states),
        ).fetchall()
        return [self._load(row) for row in rows]

    def _load(self, row: tuple[object, ...]) -> Batch:
        batch_id, member, nonce, deadline, state, tx_hash, submitter, solo, registry = row
        changes = self._db.execute(
            "SELECT key, kind, operator, tier, valid_from, valid_until, evidence, reason,"
            " effective_at FROM changes WHERE batch_id=? ORDER BY position",
            (batch_id,),
        ).fetchall()
        signatures = dict(
            self._db.execute("SELECT signer, signature FROM signatures WHERE batch_id=?", (batch_id,)).fetchall()
        )
        return Batch(
            id=str(batch_id),
            member=str(member),
            nonce=int(str(nonce), 16),
            deadline=int(str(deadline)),
            state=str(state),
            tx_hash=str(tx_hash) if tx_hash else None,
            submitter=str(submitter) if submitter else None,
            keys=[c[0] for c in changes],
            changes=[_change(c) for c in changes],
            signatures=signatures,
            solo=bool(solo),
            registry=str(registry),
        )

    # ------------------------------------------------------------------ signing, submitting

    def add_signatures(self, member: str, signatures: Sequence[tuple[str, str, bytes]], quorum: int) -> None:
        """Store (batch, signer, signature) rows of `member`'s batches; those of its batches
        with `quorum` signatures are ready. Other members' batches are never touched: their
        quorum is their own (the outbox is shared by every oracle of the data directory)."""
        with self.transaction() as db:
            mine = {b for (b,) in db.execute("SELECT id FROM batches WHERE member=? AND state='signing'", (member,))}
            db.executemany(
                "INSERT OR IGNORE INTO signatures (batch_id, signer, signature, created_at) VALUES (?,?,?,?)",
                [(b, s, sig, time.time()) for b, s, sig in signatures if b in mine],
            )
            self._promote(db, member, quorum)

    def promote_ready(self, member: str, quorum: int) -> None:
        with self.transaction() as db:
            self._promote(db, member, quorum)

    @staticmethod
    def _promote(db: sqlite3.Connection, member: str, quorum: int) -> None:
        db.execute(
            "UPDATE batches SET state='ready', updated_at=? WHERE member=? AND state='signing' AND"
            " (SELECT count(*) FROM signatures s WHERE s.batch_id=batches.id) >= ?",
            (time.time(), member, quorum),
        )

    def claim(self, member: str, submitter: str, *, limit: int, stale_before: float, mine_before: float) -> list[str]:
        """Take up to `limit` batches to submit: ready ones, submissions whose submitter went
        quiet before `stale_before` (a crashed process, a dropped transaction), and this
        submitter's own from before `mine_before` (its previous, killed, process)."""
        with self.transaction() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM batches WHERE member=? AND (state='ready' OR"
                    " (state IN ('submitting','submitted') AND"
                    "  (updated_at < ? OR (submitter=? AND updated_at < ?))))"
                    " ORDER BY created_at, id LIMIT ?",
                    (member, stale_before, submitter, mine_before, limit),
                )
            ]
            db.executemany(
                "UPDATE batches SET state='submitting', submitter=?, updated_at=? WHERE id=?",
                [(submitter, time.time(), i) for i in ids],
            )
        return ids

    def unclaim(self, member: str, batch_ids: Sequence[str]) -> None:
        """Give back `member`'s claimed batches that were not sent (a refused or failed send)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE batches SET state='ready', updated_at=? WHERE id=? AND member=? AND state='submitting'",
                [(time.time(), b, member) for b in batch_ids],
            )

    def drop_signature(self, member: str, batch_id: str, signer: str) -> None:
        """Forget a signature the contract refused (signer no longer an oracle of the member)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM batches WHERE id=? AND member=?", (batch_id, member)).fetchone():
                db.execute("DELETE FROM signatures WHERE batch_id=? AND lower(signer)=lower(?)", (batch_id, signer))
                db.execute("UPDATE batches SET state='signing', updated_at=? WHERE id=?", (time.time(), batch_id))

    def load(self, member: str, batch_ids: Sequence[str]) -> list[Batch]:
        """`member`'s batches of these ids (ids of another member's batches are skipped)."""
        found = []
        for batch_id in batch_ids:
            row = self._db.execute(
                "SELECT id, member, nonce, deadline, state, tx_hash, submitter, solo, registry FROM batches"
                " WHERE id=? AND member=?",
                (batch_id, member),
            ).fetchone()
            if row is not None:
                found.append(self._load(row))
        return found

    def record_submitted(self, sent: Sequence[tuple[str, str]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE batches SET state='submitted', tx_hash=?, updated_at=? WHERE id=?",
                [(tx, time.time(), b) for b, tx in sent],
            )

    def mark_done(self, batch_ids: Sequence[str], note: str = "") -> None:
        now = time.time()
        with self.transaction() as db:
            for batch_id in batch_ids:
                db.execute(
                    "UPDATE batches SET state='done', error=?, updated_at=? WHERE id=?",
                    (note or None, now, batch_id),
                )
                db.execute(
                    "UPDATE changes SET state='done', updated_at=? WHERE batch_id=?",
                    (now, batch_id),
                )

    def release(self, batch_id: str, state: str, error: str, *, solo: bool) -> None:
        """End a batch as `expired` or `failed` and return its changes to be batched again
        (each operator alone when `solo`, to find the one the contract refuses)."""
        now = time.time()
        with self.transaction() as db:
            db.execute(
                "UPDATE batches SET state=?, error=?, updated_at=? WHERE id=?",
                (state, error, now, batch_id),
            )
            db.execute(
                "UPDATE changes SET state='pending', batch_id=NULL, position=NULL,"
                " solo=max(solo, ?), updated_at=? WHERE batch_id=?",
                (int(solo), now, batch_id),
            )

    def dead_letter_batch(self, batch_id: str, source: str, reason: str) -> None:
        """A batch of one operator's changes that the contract refuses: its changes are dead."""
        now = time.time()
        with self.transaction() as db:
            db.execute(
                "UPDATE batches SET state='failed', error=?, updated_at=? WHERE id=?",
                (reason, now, batch_id),
            )
            rows = db.execute("SELECT key, member, operator_id FROM changes WHERE batch_id=?", (batch_id,)).fetchall()
            db.executemany(
                "UPDATE changes SET state='dead', detail=?, updated_at=? WHERE key=?",
                [(reason, now, key) for key, _, _ in rows],
            )
            db.executemany(
                "INSERT OR IGNORE INTO dead_letters (key, member, source, ref, operator_id,"
                " reason, raw, created_at) VALUES (?,?,?,?,?,?,?,?)",
                [
                    (key, m, source, f"change {key[:12]}", op, f"refused by the contract: {reason}",
                     "{}", now)
                    for key, m, op in rows
                ],
            )  # fmt: skip

    # ------------------------------------------------------------------ reporting

    def counts(self, member: str | None = None) -> dict[str, int]:
        """Changes by state, with batched changes shown by their batch's state."""
        where, args = ("WHERE c.member=?", (member,)) if member else ("", ())
        rows = self._db.execute(
            "SELECT CASE WHEN c.state='batched' THEN b.state ELSE c.state END, count(*)"
            f" FROM changes c LEFT JOIN batches b ON b.id=c.batch_id {where} GROUP BY 1",
            args,
        ).fetchall()
        return {str(state): int(n) for state, n in rows}

    def dead_letters(self, member: str | None = None) -> list[dict[str, str | None]]:
        where, args = ("WHERE member=?", (member,)) if member else ("", ())
        rows = self._db.execute(
            "SELECT member, source, ref, operator_id, reason, created_at FROM dead_letters"
            f" {where} ORDER BY created_at, rowid",
            args,
        ).fetchall()
        keys = ("member", "source", "ref", "operator_id", "reason", "created_at")
        return [dict(zip(keys, (str(v) if v is not None else None for v in r), strict=True))
                for r in rows]  # fmt: skip

    def changes(self, member: str | None = None, *, limit: int = 1000) -> list[dict[str, object]]:
        """The latest `limit` changes, newest first: who, what, state, `decided_at` (the customs
        decision time, the change's effective time on chain; None: effective when recorded on
        chain) and `recorded_at` (when the feed recorded it in the outbox), both ISO 8601."""
        where, args = ("WHERE c.member=?", (member,)) if member else ("", ())
        rows = self._db.execute(
            "SELECT c.member, c.operator_id, c.kind, CASE WHEN c.state='batched' THEN b.state ELSE c.state END,"
            f" c.effective_at, c.created_at FROM changes c LEFT JOIN batches b ON b.id=c.batch_id {where}"
            " ORDER BY c.created_at DESC, c.operator_id, c.seq DESC LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [
            {
                "member": str(m),
                "operator_id": str(op),
                "change": ChangeKind(int(kind)).name.lower(),
                "state": str(state),
                "decided_at": iso(int(effective)) if effective else None,
                "recorded_at": iso(int(created)),
            }
            for m, op, kind, state, effective, created in rows
        ]

    def open_batches(self, member: str | None = None) -> list[dict[str, object]]:
        where, args = ("AND b.member=?", (member,)) if member else ("", ())
        rows = self._db.execute(
            "SELECT b.id, b.member, b.state, b.size, b.tx_hash, b.deadline,"
            " (SELECT count(*) FROM signatures s WHERE s.batch_id=b.id) FROM batches b"
            f" WHERE b.state IN ('signing','ready','submitting','submitted') {where}"
            " ORDER BY b.created_at",
            args,
        ).fetchall()
        keys = ("id", "member", "state", "changes", "tx_hash", "deadline", "signatures")
        found = [dict(zip(keys, r, strict=True)) for r in rows]
        for batch in found:
            batch["deadline"] = iso(int(str(batch["deadline"])))  # ISO 8601, like every time people read
        return found
