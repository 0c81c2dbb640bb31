"""Shared token buckets: a burst, then one request per 1/rate seconds; Retry-After in whole
seconds; one bucket whichever worker (store connection) asks; a store that stays bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.errors import RateLimited
from api.rate_limits import ServiceLimits
from api.settings import ServiceSettings
from api.shared_buckets import Limit, SharedBuckets
from ledger.index.db import make_engine
from ledger.settings import LedgerSettings
from tests.support import FakeClock, postgres_database


def store(path: Path, clock: FakeClock, **options: int) -> SharedBuckets:
    return SharedBuckets(make_engine(f"sqlite:///{path / 'limits.sqlite'}"), clock=clock, **options)


def test_a_burst_then_refusal_with_the_wait(tmp_path: Path) -> None:
    buckets = store(tmp_path, FakeClock())
    limit = Limit("address", rate=0.5, burst=3)
    for _ in range(3):
        buckets.take(limit, "a", "key a")
    with pytest.raises(RateLimited) as refused:
        buckets.take(limit, "a", "key a")
    assert refused.value.retry_after == 2
    assert "key a" in refused.value.message


def test_tokens_come_back_with_time_up_to_the_burst(tmp_path: Path) -> None:
    clock = FakeClock()
    buckets = store(tmp_path, clock)
    limit = Limit("address", rate=1, burst=2)
    buckets.take(limit, "a", "a")
    buckets.take(limit, "a", "a")
    clock.now += 1.0
    buckets.take(limit, "a", "a")
    with pytest.raises(RateLimited):
        buckets.take(limit, "a", "a")
    clock.now += 1000
    buckets.take(limit, "a", "a")
    buckets.take(limit, "a", "a")
    with pytest.raises(RateLimited):
        buckets.take(limit, "a", "a")


def test_buckets_are_per_key_and_per_limit(tmp_path: Path) -> None:
    buckets = store(tmp_path, FakeClock())
    address, static = Limit("address", rate=1, burst=1), Limit("static", rate=1, burst=1)
    buckets.take(address, "a", "a")
    buckets.take(address, "b", "b")
    buckets.take(static, "a", "a")
    with pytest.raises(RateLimited):
        buckets.take(address, "a", "a")


def test_a_rate_of_zero_turns_the_limit_off(tmp_path: Path) -> None:
    buckets = store(tmp_path, FakeClock())
    for _ in range(100):
        buckets.take(Limit("address", rate=0, burst=1), "a", "a")
    assert buckets.rows() == 0


def test_two_workers_share_one_bucket(tmp_path: Path) -> None:
    """Two processes' stores on one database: together they let through the burst, not twice it."""
    clock = FakeClock()
    first, second = store(tmp_path, clock), store(tmp_path, clock)
    limit = Limit("address", rate=0.001, burst=10)
    granted = 0
    for n in range(40):
        try:
            (first if n % 2 else second).take(limit, "203.0.113.7", "address 203.0.113.7")
            granted += 1
        except RateLimited:
            pass
    assert granted == 10


def test_a_flood_of_addresses_cannot_grow_the_store_without_end(tmp_path: Path) -> None:
    clock = FakeClock()
    buckets = store(tmp_path, clock, max_rows=50)
    limit = Limit("address", rate=1, burst=5)
    for n in range(500):
        buckets.take(limit, f"198.51.100.{n}", "flood")
        if n % 100 == 99:
            buckets.prune()
    assert buckets.rows() <= 50
    # a bucket that has refilled is no different from none: it goes at the next prune
    clock.now += 10
    buckets.prune()
    assert buckets.rows() == 0


def test_login_attempts_are_limited_per_address_and_per_key_id(tmp_path: Path) -> None:
    service = ServiceSettings(login_rate=0.001, login_burst=2)
    limits = ServiceLimits.of(LedgerSettings(data_dir=tmp_path), service)
    key = "szk_0123456789abcdef_" + "0" * 64
    limits.take_login(address="192.0.2.1", token=key)
    limits.take_login(address="192.0.2.2", token=key)
    # the same key id guessed from a third address: its own bucket is spent
    with pytest.raises(RateLimited) as refused:
        limits.take_login(address="192.0.2.3", token=key)
    assert "0123456789abcdef" in refused.value.message
    # and one address trying many keys is held by its address's bucket
    limits.take_login(address="192.0.2.4", token="szk_1111111111111111_x")
    limits.take_login(address="192.0.2.4", token="szk_2222222222222222_x")
    with pytest.raises(RateLimited) as again:
        limits.take_login(address="192.0.2.4", token="szk_3333333333333333_x")
    assert "192.0.2.4" in again.value.message
    limits.close()


@pytest.mark.postgres
def test_hosts_share_buckets_in_postgresql(postgres_server: str) -> None:
    """Several hosts: one PostgreSQL database (SANZHI_API_RATE_LIMIT_DATABASE_URL) for them all."""
    clock = FakeClock()
    with postgres_database(postgres_server) as url:
        first, second = (SharedBuckets(make_engine(url), clock=clock) for _ in range(2))
        limit = Limit("address", rate=0.5, burst=4)
        for n in range(4):
            (first if n % 2 else second).take(limit, "203.0.113.7", "address 203.0.113.7")
        for buckets in (first, second):
            with pytest.raises(RateLimited) as refused:
                buckets.take(limit, "203.0.113.7", "address 203.0.113.7")
            assert refused.value.retry_after == 2
        clock.now += 2
        first.take(limit, "203.0.113.7", "address 203.0.113.7")  # one token back after 1/rate
        clock.now += 100
        first.prune()
        assert second.rows() == 0
        first.close()
        second.close()
