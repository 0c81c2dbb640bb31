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

from api.errors import RateLimited

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
