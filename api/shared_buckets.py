"""Token buckets every worker of a service shares, one row per bucket in a small database.

Hand-written: the limiter libraries at hand keep a row per request and a table per bucket
(pyrate-limiter's SQLite and PostgreSQL buckets), or need Redis (limits); a token bucket is one
row here and one statement per request, `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, which
SQLite and PostgreSQL both run atomically, so two workers never both take the last token.

The store stays bounded: a bucket that has refilled is the same as no bucket, so rows whose
`full_at` has passed are deleted now and then, and past `max_rows` the least recently used go
too (a flood of addresses cannot grow the store without end).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, event, text
from sqlalchemy.schema import CreateIndex, CreateTable

from api.errors import RateLimited

MAX_ROWS = 100_000
PRUNE_EVERY = 1000  # checks between two prunes (a prune is one indexed DELETE)

metadata = MetaData()
buckets = Table(
    "rate_limit_buckets",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated", Float, nullable=False),
    Column("full_at", Float, nullable=False, index=True),
    Column("granted", Integer, nullable=False),
)

# refill since the last request, capped at the burst; take one token when there is one
_REFILLED = "(rate_limit_buckets.tokens + (CASE WHEN :now > rate_limit_buckets.updated THEN :now - rate_limit_buckets.updated ELSE 0 END) * :rate)"  # noqa: E501
_CAPPED = f"(CASE WHEN {_REFILLED} > :burst THEN :burst ELSE {_REFILLED} END)"
_TAKE = text(f"""
INSERT INTO rate_limit_buckets (key, tokens, updated, full_at, granted)
VALUES (:key, :burst - 1, :now, :now + 1.0 / :rate, 1)
ON CONFLICT (key) DO UPDATE SET
  tokens = CASE WHEN {_CAPPED} >= 1 THEN {_CAPPED} - 1 ELSE {_CAPPED} END,
  updated = CASE WHEN :now > rate_limit_buckets.updated THEN :now ELSE rate_limit_buckets.updated END,
  full_at = :now + (:burst - (CASE WHEN {_CAPPED} >= 1 THEN {_CAPPED} - 1 ELSE {_CAPPED} END)) / :rate,
  granted = CASE WHEN {_CAPPED} >= 1 THEN 1 ELSE 0 END
RETURNING tokens, granted
""")
_TAKE_SQL = str(_TAKE)  # SQLite's driver takes the same :name parameters
_PRUNE = text("DELETE FROM rate_limit_buckets WHERE full_at < :now")
_COUNT = text("SELECT count(*) FROM rate_limit_buckets")
_OLDEST = text(
    "DELETE FROM rate_limit_buckets WHERE key IN (SELECT key FROM rate_limit_buckets ORDER BY updated LIMIT :excess)"
)


def _unsynchronised(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@dataclass(frozen=True)
class Limit:
    """`rate` requests per second per bucket, up to `burst` at once; a rate of 0 is no limit."""

    name: str
    rate: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.rate > 0


class SharedBuckets:
    """The buckets of one service in the database at `engine` (created when missing)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time, max_rows: int = MAX_ROWS) -> None:
        self.engine = engine
        self._clock = clock  # wall time: the workers (and hosts) sharing the store agree on it
        self._max = max_rows
        self._checks = 0
        self._lock = threading.Lock()
        self._connections = threading.local()
        self._opened: list[Any] = []
        if self.local:  # a lost bucket is refilled, not lost data: no need to wait for the disk
            event.listen(engine, "connect", _unsynchronised)
        with engine.begin() as db:  # IF NOT EXISTS: the workers start together, each creating it
            db.execute(CreateTable(buckets, if_not_exists=True))
            for index in buckets.indexes:
                db.execute(CreateIndex(index, if_not_exists=True))

    def take(self, limit: Limit, key: str, who: str) -> None:
        """Take one token from `limit`'s bucket for `key`, or RateLimited with the wait in
        seconds; `who` names the caller in the refusal."""
        if not limit.enabled:
            return
        now = self._clock()
        params = {"key": f"{limit.name}:{key}", "now": now, "rate": limit.rate, "burst": limit.burst}
        if self.local:
            tokens, granted = self._take_sqlite(params)
        else:
            with self.engine.begin() as db:
                tokens, granted = db.execute(_TAKE, params).one()
        self._maybe_prune(now)
        if not granted:
            raise RateLimited(who, max(1, math.ceil((1 - tokens) / limit.rate)))

    @property
    def local(self) -> bool:
        """Whether the store is a SQLite file on this host (a write takes ~0.1 ms: no thread needed)."""
        return self.engine.dialect.name == "sqlite"

    def _take_sqlite(self, params: dict[str, object]) -> tuple[float, int]:
        # the driver's own connection, one per thread and kept: through SQLAlchemy's pool and
        # text() a take costs about three times as much (measured: ~0.1 ms against ~0.3 ms)
        connection = getattr(self._connections, "db", None)
        if connection is None:
            connection = self._connections.db = self.engine.raw_connection()
            with self._lock:
                self._opened.append(connection)
        cursor = connection.cursor()
        try:
            cursor.execute(_TAKE_SQL, params)
            row = cursor.fetchone()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            cursor.close()
        assert row is not None  # an upsert always returns its row
        return float(row[0]), int(row[1])

    def prune(self, now: float | None = None) -> None:
        """Delete the buckets that have refilled, then the least recently used past `max_rows`."""
        with self.engine.begin() as db:
            db.execute(_PRUNE, {"now": self._clock() if now is None else now})
            excess = db.execute(_COUNT).scalar_one() - self._max
            if excess > 0:
                db.execute(_OLDEST, {"excess": excess})

    def rows(self) -> int:
        with self.engine.connect() as db:
            return int(db.execute(_COUNT).scalar_one())

    def _maybe_prune(self, now: float) -> None:
        with self._lock:
            self._checks += 1
            due = self._checks % PRUNE_EVERY == 0
        if due:
            self.prune(now)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            with contextlib.suppress(Exception):  # a connection of a thread that has ended
                connection.close()
        self.engine.dispose()
