"""A named lease in the database: one holder at a time, renewed while it runs, taken over by
another once it has expired (its holder died or hung). One webhook deliverer per database,
however many service processes and workers share it."""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable

from sqlalchemy import Engine, or_, update

from ledger.index.models import Lease as LeaseRow
from ledger.index.state import insert_ignoring_duplicates

DEFAULT_TTL = 30.0


def holder_name() -> str:
    """Who this process is, for an operator reading the table, and unique."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Lease:
    """The lease `name` as `holder` sees it."""

    def __init__(
        self,
        engine: Engine,
        *,
        name: str,
        holder: str | None = None,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.name = name
        self.holder = holder or holder_name()
        self.ttl = ttl
        self.clock = clock

    def acquire(self) -> bool:
        """Take the lease, or renew it if held; False while another holds it unexpired."""
        now = self.clock()
        with self.engine.begin() as db:
            insert = insert_ignoring_duplicates(db, LeaseRow)
            db.execute(insert.values(name=self.name, holder=self.holder, expires_at=now + self.ttl))
            # one statement decides: two takers of an expired lease cannot both match it
            taken = db.execute(
                update(LeaseRow)
                .where(LeaseRow.name == self.name, or_(LeaseRow.holder == self.holder, LeaseRow.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.ttl)
            ).rowcount
        return taken == 1

    def release(self) -> None:
        """Give the lease up now (if held), so another process need not wait for it to expire."""
        with self.engine.begin() as db:
            db.execute(
                update(LeaseRow).where(LeaseRow.name == self.name, LeaseRow.holder == self.holder).values(expires_at=0)
            )
