"""The deliverer: posts due deliveries of the outbox, signed, at least once, with exponential
backoff and jitter over more than a day before a delivery is marked failed.

Each delivery is claimed before it is sent (its next attempt moved past the time a send may
take), so a crash between sending and marking sends it again later, with the same webhook id.
A slow or dead receiver holds at most `per_target` of the pool's threads; the others go on.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial

import httpx
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.index.models import WebhookDelivery, WebhookSubscription
from ledger.webhooks.errors import InvalidTarget
from ledger.webhooks.models import DeliveryState
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.signing import webhook_headers
from ledger.webhooks.store import Clock, signing_secrets
from ledger.webhooks.targets import Resolver, check_target, pin, system_resolver

# seconds before each retry: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.6 h in all,
# more than 24 h even with the jitter at its least); then the delivery is failed
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = (0.9, 1.1)
IN_FLIGHT = 300  # a claimed delivery not marked by then is due again
USER_AGENT = "sanzhi-webhooks/0.1"


@dataclass(frozen=True)
class _Job:
    id: int
    webhook_id: str
    body: str
    url: str
    attempts: int
    secrets: list[str]


def retry_delay(attempts: int, *, jitter: float) -> float | None:
    """Seconds before the next try after `attempts` failed ones (None: give up)."""
    return SCHEDULE[attempts - 1] * jitter if attempts <= len(SCHEDULE) else None


class Deliverer:
    """Posts due deliveries on a thread pool; `tick` hands out work and returns at once."""

    def __init__(
        self,
        engine: Engine,
        box: SecretBox,
        *,
        production: bool,
        clock: Clock = time.time,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        workers: int = 8,
        per_target: int = 2,
        batch: int = 100,
        in_flight: int = IN_FLIGHT,
        jitter: Callable[[], float] = lambda: random.uniform(*JITTER),
        on_freed: Callable[[], None] = lambda: None,
    ) -> None:
        """`in_flight`: seconds a claimed delivery stays claimed (then it is due again, as after a
        crash); `on_freed` is called (on a pool thread) each time a send ends and frees a slot."""
        self.engine = engine
        self.box = box
        self.production = production
        self.clock = clock
        self.resolver = resolver
        self.per_target = per_target
        self.batch = batch
        self.in_flight = in_flight
        self.jitter = jitter
        self.on_freed = on_freed
        # no redirect followed (a 3xx is a failure), no proxy from the environment (it would
        # connect to the name, not to the address checked), and no connection kept for another
        # request: connections are pooled by address, and one made (TLS name checked) for one
        # subscription's name must never carry another name's delivery to a shared address
        self._http = httpx.Client(
            transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0), headers={"user-agent": USER_AGENT},
        )  # fmt: skip
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sanzhi-webhook")
        self._busy: Counter[str] = Counter()
        self._running: set[Future[None]] = set()
        self._lock = threading.Lock()

    def tick(self) -> int:
        """Claim the due deliveries of receivers with a free slot and start sending them."""
        jobs = self._claim()
        for job, target in jobs:
            future = self._pool.submit(self._send, job)
            with self._lock:
                self._running.add(future)
            future.add_done_callback(partial(self._finished, target=target))
        return len(jobs)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for the sends under way to end; False if some still run after `timeout`."""
        with self._lock:
            running = set(self._running)
        _, left = wait(running, timeout=timeout)
        return not left

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()

    def _finished(self, future: Future[None], *, target: str) -> None:
        with self._lock:
            self._running.discard(future)
            self._busy[target] -= 1
        self.on_freed()

    def _claim(self) -> list[tuple[_Job, str]]:
        """Per subscription with due deliveries, as many as its receiver has free slots: a
        receiver with a long backlog takes no slot of another (no head-of-line blocking)."""
        now = int(self.clock())
        claimed: list[tuple[_Job, str]] = []
        due = (WebhookDelivery.state == DeliveryState.PENDING.value) & (WebhookDelivery.next_attempt_at <= now)
        with Session(self.engine) as session, session.begin():
            subscriptions = session.scalars(
                select(WebhookSubscription)
                .where(WebhookSubscription.removed_at.is_(None))
                .where(
                    select(WebhookDelivery.id)
                    .where(WebhookDelivery.subscription_id == WebhookSubscription.id, due)
                    .exists()
                )
                .order_by(WebhookSubscription.id)
            ).all()
            for subscription in subscriptions:
                target = _target_key(subscription.url)
                with self._lock:
                    free = min(self.per_target - self._busy[target], self.batch - len(claimed))
                if free <= 0:
                    continue  # this receiver is slow or busy: the others are not held up
                rows = session.scalars(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.subscription_id == subscription.id, due)
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                    .limit(free)
                ).all()
                try:
                    secrets = signing_secrets(subscription, self.box, now=now)
                except LedgerError as exc:  # one subscription's unreadable secret holds up no other
                    for delivery in rows:
                        delivery.last_error, delivery.next_attempt_at = exc.message[:300], now + self.in_flight
                    continue
                for delivery in rows:
                    delivery.next_attempt_at = now + self.in_flight
                    job = _Job(id=delivery.id, webhook_id=delivery.webhook_id, body=delivery.body,
                               url=subscription.url, attempts=delivery.attempts, secrets=secrets)  # fmt: skip
                    claimed.append((job, target))
                with self._lock:
                    self._busy[target] += len(rows)
        return claimed

    def _send(self, job: _Job) -> None:
        status: int | None = None
        error: str | None = None
        try:
            target = check_target(job.url, production=self.production)
            pinned = pin(target, production=self.production, resolver=self.resolver)
            headers = webhook_headers(webhook_id=job.webhook_id, timestamp=int(self.clock()), body=job.body,
                                      secrets=job.secrets)  # fmt: skip
            headers["host"] = pinned.host_header
            extensions = {"sni_hostname": pinned.server_name} if pinned.server_name else {}
            # streamed and closed unread: a receiver cannot make the deliverer read a large answer
            with self._http.stream(
                "POST", pinned.url, content=job.body.encode(), headers=headers, extensions=extensions
            ) as response:
                status = response.status_code
                if response.is_redirect:
                    error = f"HTTP {status}: redirect to {response.headers.get('location', '?')[:120]} not followed"
                elif not response.is_success:
                    error = f"HTTP {status}"
        except InvalidTarget as exc:
            error = exc.message
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except Exception as exc:  # anything else is this attempt's failure too: counted, retried, never lost
            error = f"{type(exc).__name__}: {exc}"
        self._mark(job, status=status, error=error)

    def _mark(self, job: _Job, *, status: int | None, error: str | None) -> None:
        now = int(self.clock())
        attempts = job.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_status": status, "last_attempt_at": now}
        if error is None:
            values |= {"state": DeliveryState.DELIVERED.value, "delivered_at": now, "last_error": None}
        else:
            delay = retry_delay(attempts, jitter=self.jitter())
            values["last_error"] = error[:300]
            if delay is None:
                values["state"] = DeliveryState.FAILED.value
            else:
                values["next_attempt_at"] = now + max(1, round(delay))
        with self.engine.begin() as db:
            db.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == job.id, WebhookDelivery.state == DeliveryState.PENDING.value)
                .values(**values)
            )


def _target_key(url: str) -> str:
    """The receiver a URL names (scheme, host and port), for its share of the pool."""
    try:
        target = check_target(url, production=False)
    except InvalidTarget:
        return url
    return f"{target.scheme}://{target.host}:{target.port}"
