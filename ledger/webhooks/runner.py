"""The webhook loop a service runs beside its index follower: while it holds the deliverer's
lease, enqueue what the follower indexed and post what is due; without it, wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from ledger.webhooks.deliverer import Deliverer
from ledger.webhooks.lease import DEFAULT_TTL, Lease
from ledger.webhooks.outbox import enqueue
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.store import Clock

LEASE_NAME = "webhook-deliverer"


def run_webhooks(
    *,
    engine: Engine,
    box: SecretBox,
    production: bool,
    stop: threading.Event,
    base_url: str | None = None,
    poll_seconds: float = 1.0,
    clock: Clock = time.time,
    on_error: Callable[[Exception], None] = lambda exc: None,
    make_deliverer: Callable[[], Deliverer] | None = None,
) -> None:
    """Until `stop`: enqueue and deliver while this process holds the lease (renewed each
    round); a failure of a round is reported and the next round tries again."""
    lease = Lease(engine, name=LEASE_NAME, ttl=max(DEFAULT_TTL, 3 * poll_seconds), clock=clock)
    build = make_deliverer or (lambda: Deliverer(engine, box, production=production, clock=clock))
    deliverer: Deliverer | None = None
    try:
        while not stop.is_set():
            try:
                if lease.acquire():
                    deliverer = deliverer or build()
                    enqueue(engine, base_url=base_url, clock=clock, on_error=on_error)
                    deliverer.tick()
                elif deliverer is not None:  # another process took over: it delivers from now on
                    deliverer.close()
                    deliverer = None
            except Exception as exc:  # a database outage must not end the service's deliverer
                on_error(exc)
            stop.wait(poll_seconds)
    finally:
        if deliverer is not None:
            deliverer.close()
        lease.release()
