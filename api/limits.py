"""Rate limits: one token bucket per API key, and per client address on public routes.

Hand-written: a bucket is a few lines, needs no store, and works the same in `def` routes
(thread pool) and async code; the limiter libraries at hand either want an async backend or a
Redis. Buckets live in the process, so with N workers a client gets up to N times the rate
(documented in docs/api.md). The number of buckets is bounded: the least recently used are
dropped, so a flood of addresses cannot grow memory without end.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PayloadTooLarge, RateLimited, problem_for, problem_response

MAX_BUCKETS = 100_000


class TokenBucket:
    """`rate` tokens per second up to `burst`; a request takes one."""

    __slots__ = ("tokens", "updated")

    def __init__(self, burst: int, now: float) -> None:
        self.tokens = float(burst)
        self.updated = now


class RateLimiter:
    """Buckets by key; `check` takes a token or raises RateLimited with the wait in seconds."""

    def __init__(
        self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_BUCKETS
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max = max_buckets
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def check(self, key: str, who: str) -> None:
        """Take one token from `key`'s bucket; `who` names the caller in the refusal."""
        if not self.enabled:
            return
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(self.burst, now)
                self._buckets[key] = bucket
                if len(self._buckets) > self._max:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(key)
                bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
                bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return
            wait = (1 - bucket.tokens) / self.rate
        raise RateLimited(who, max(1, math.ceil(wait)))


async def refused_as_page(scope: Scope, receive: Receive, send: Send) -> bool:
    """On the portal's paths a body over the limit gets the portal's page, in the reader's
    language (False: the path is the API's, which answers a problem)."""
    from api.portal.http_errors import too_large_page  # the portal renders pages with the API's errors

    return await too_large_page(scope, receive, send)


class BodySizeLimit:
    """Refuse a request body over the limit: at once when its Content-Length says so, else as
    soon as the bytes read pass it (a chunked body). Answered as a problem either way (FastAPI's
    own limit answers a declared oversize body in plain text)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            if await refused_as_page(scope, receive, send):
                return
            problem = problem_for(PayloadTooLarge(limit, int(declared)))
            await problem_response(problem, {"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited, send)
