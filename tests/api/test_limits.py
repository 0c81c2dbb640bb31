"""Token buckets: a burst, then one request per 1/rate seconds; Retry-After in whole seconds."""

from __future__ import annotations

import pytest

from api.errors import RateLimited
from api.limits import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_refusal_with_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=0.5, burst=3, clock=clock)
    for _ in range(3):
        limiter.check("a", "key a")
    with pytest.raises(RateLimited) as refused:
        limiter.check("a", "key a")
    assert refused.value.retry_after == 2
    assert "key a" in refused.value.message


def test_tokens_come_back_with_time_up_to_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=1, burst=2, clock=clock)
    limiter.check("a", "a")
    limiter.check("a", "a")
    clock.now += 1.0
    limiter.check("a", "a")
    with pytest.raises(RateLimited):
        limiter.check("a", "a")
    clock.now += 1000
    limiter.check("a", "a")
    limiter.check("a", "a")
    with pytest.raises(RateLimited):
        limiter.check("a", "a")


def test_buckets_are_per_key() -> None:
    limiter = RateLimiter(rate=1, burst=1, clock=Clock())
    limiter.check("a", "a")
    limiter.check("b", "b")
    with pytest.raises(RateLimited):
        limiter.check("a", "a")


def test_a_rate_of_zero_turns_the_limit_off() -> None:
    limiter = RateLimiter(rate=0, burst=1, clock=Clock())
    for _ in range(1000):
        limiter.check("a", "a")


def test_the_number_of_buckets_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=0.001, burst=1, clock=clock, max_buckets=10)
    limiter.check("first", "first")
    for n in range(10):
        limiter.check(f"other-{n}", "other")
    # the least recently used bucket was dropped: "first" starts afresh
    limiter.check("first", "first")
    with pytest.raises(RateLimited):
        limiter.check("first", "first")
