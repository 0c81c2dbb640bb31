"""The webhook loop a service runs beside its index follower: while it holds the deliverer's
lease, enqueue what the follower indexed and post what is due; without it, wait.

A round runs every `poll_seconds`, and at once whenever a send ends (its receiver's slot is free
again): a receiver with a backlog is posted to as fast as it answers, not `per_target` times per
interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine

from ledger.webhooks.deliverer import IN_FLIGHT, Deliverer
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
    lease_ttl: float = DEFAULT_TTL,
    in_flight: int = IN_FLIGHT,
    clock: Clock = time.time,
    on_error: Callable[[Exception], None] = lambda exc: None,
) -> None:
    """Until `stop`: enqueue and deliver while this process holds the lease (renewed once a third
    of its time to live has passed, and checked whenever it is renewed); a failure of a round is
    reported and the next round tries again. `lease_ttl` and `in_flight` (see Deliverer) are how
    long another process waits before it takes over from one that died."""
    lease = Lease(engine, name=LEASE_NAME, ttl=max(lease_ttl, 3 * poll_seconds), clock=clock)
    wake = threading.Event()  # set by a send that ended, and by `stop`
    threading.Thread(target=_relay, args=(stop, wake), name="sanzhi-webhooks-stop", daemon=True).start()
    deliverer: Deliverer | None = None
    renew_at = 0.0
    try:
        while not stop.is_set():
            try:
                if clock() >= renew_at:
                    held = lease.acquire()
                    renew_at = clock() + lease.ttl / 3 if held else 0.0
                if renew_at:
                    deliverer = deliverer or Deliverer(
                        engine, box, production=production, clock=clock, in_flight=in_flight, on_freed=wake.set
                    )
                    enqueue(engine, base_url=base_url, clock=clock, on_error=on_error)
                    deliverer.tick()
                elif deliverer is not None:  # another process took over: it delivers from now on
                    deliverer.close()
                    deliverer = None
            except Exception as exc:  # a database outage must not end the service's deliverer
                renew_at = 0.0  # the lease is checked again before anything more is sent
                on_error(exc)
            wake.wait(poll_seconds)
            wake.clear()
    finally:
        if deliverer is not None:
            deliverer.close()
        lease.release()


def _relay(stop: threading.Event, wake: threading.Event) -> None:
    """Wake the loop when it is told to stop (it waits on `wake` alone)."""
    stop.wait()
    wake.set()
