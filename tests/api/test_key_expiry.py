"""API keys expire and rotate: an expired key is refused with its date, a rotated key's old
secret works until its grace period ends, and keys made before expiry existed get the default."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.errors import AuthenticationFailed, Conflict
from api.key_lifetimes import DEFAULT_KEY_LIFETIME
from api.keystore import KeyStore
from api.main import create_app
from api.settings import ServiceSettings
from ledger.errors import InvalidInput
from ledger.settings import LedgerSettings
from tests.support import Api, assert_problem

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> KeyStore:
    return KeyStore(f"sqlite:///{tmp_path / 'keys.sqlite'}", clock=clock)


def test_a_key_expires_by_default_and_is_refused_with_its_date(store: KeyStore, clock: Clock) -> None:
    created = store.create(organisation="CN", role="customs", label="desk")
    assert created.key.expires_at == START + DEFAULT_KEY_LIFETIME
    clock.now = created.key.expires_at - timedelta(seconds=1)
    assert store.authenticate(created.token).key_id == created.key.key_id
    clock.now = created.key.expires_at
    with pytest.raises(AuthenticationFailed, match=f"expired on {created.key.expires_at:%Y-%m-%d %H:%M} UTC"):
        store.authenticate(created.token)


def test_an_expiry_is_given_as_days_or_a_date(store: KeyStore) -> None:
    in_90_days = store.create(organisation="CN", role="issuer", label="x", expires="90d")
    assert in_90_days.key.expires_at == START + timedelta(days=90)
    on_date = store.create(organisation="CN", role="issuer", label="x", expires="2027-06-30")
    assert on_date.key.expires_at == datetime(2027, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0d", "at least 1 day"),
        ("-5d", "not an expiry"),
        ("90", "not an expiry"),
        ("1e3d", "not an expiry"),
        ("\uff19\uff10d", "not an expiry"),  # full-width digits
        ("99999d", "at most"),
        ("2027-02-28", "in the past"),
        ("2027-13-01", "not an expiry"),
        ("2040-01-01", "at most"),
        ("tomorrow", "not an expiry"),
    ],
)
def test_a_bad_expiry_is_refused_in_words(store: KeyStore, text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        store.create(organisation="CN", role="issuer", label="x", expires=text)
    assert refused.value.path == "expires"


def test_rotation_gives_a_new_token_and_the_old_one_works_until_its_grace_ends(store: KeyStore, clock: Clock) -> None:
    old = store.create(organisation="CN", role="trader", label="party",
                       account="0x2546BcD3c84621e976D8185a91A922aE77ECEc30", operator="USCI:9133")  # fmt: skip
    clock.now = START + timedelta(days=10)
    new = store.rotate(old.key.key_id, grace="24h")
    assert new.token != old.token
    same = ("key_id", "organisation", "role", "account", "operator", "label")
    assert new.key.model_dump(include=set(same)) == old.key.model_dump(include=set(same))
    assert new.key.previous_until == clock.now + timedelta(hours=24)
    clock.now += timedelta(hours=23, minutes=59)
    assert store.authenticate(old.token).key_id == old.key.key_id
    assert store.authenticate(new.token).key_id == old.key.key_id
    clock.now += timedelta(minutes=1)
    with pytest.raises(AuthenticationFailed, match="replaced"):
        store.authenticate(old.token)
    assert store.authenticate(new.token).key_id == old.key.key_id


def test_a_second_rotation_ends_the_first_secret_and_a_revoked_key_cannot_rotate(store: KeyStore) -> None:
    first = store.create(organisation="CN", role="issuer", label="x")
    second = store.rotate(first.key.key_id, grace="1h")
    third = store.rotate(first.key.key_id, grace="1h")
    with pytest.raises(AuthenticationFailed):
        store.authenticate(first.token)
    assert store.authenticate(second.token).key_id == store.authenticate(third.token).key_id
    store.revoke(first.key.key_id)
    with pytest.raises(Conflict, match="revoked"):
        store.rotate(first.key.key_id, grace="1h")
    with pytest.raises(AuthenticationFailed, match="revoked"):
        store.authenticate(third.token)


@pytest.mark.parametrize("text", ["24", "1.5h", "-1h", "31d", "h", "24 h"])
def test_a_bad_grace_is_refused(store: KeyStore, text: str) -> None:
    key = store.create(organisation="CN", role="issuer", label="x")
    with pytest.raises(InvalidInput) as refused:
        store.rotate(key.key.key_id, grace=text)
    assert refused.value.path == "grace"


def test_the_old_secret_of_an_expiring_key_gets_no_longer_than_the_key_had(store: KeyStore, clock: Clock) -> None:
    old = store.create(organisation="CN", role="issuer", label="x", expires="1d")
    clock.now = START + timedelta(hours=23)
    new = store.rotate(old.key.key_id, grace="24h")
    assert new.key.previous_until == START + timedelta(days=1)
    assert new.key.expires_at == clock.now + DEFAULT_KEY_LIFETIME


def test_the_api_refuses_an_expired_key_saying_when_it_expired(api: Api, tmp_path: Path) -> None:
    past = Clock(datetime.now(UTC) - timedelta(days=3))
    maker = KeyStore(str(api.keys.engine.url), clock=past)
    try:
        created = maker.create(organisation="CN", role="auditor", label="old", expires="1d")
    finally:
        maker.close()
    response = api.client.get("/audit/events", headers={"Authorization": f"Bearer {created.token}"})
    assert_problem(response, 401, "key-expired", "expired on", f"{created.key.expires_at:%Y-%m-%d}")


def test_the_migration_gives_existing_keys_the_default_expiry_and_the_service_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from alembic import command

    from ledger.index.db import _config, make_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    command.upgrade(_config(engine), "0005")
    with engine.begin() as connection:
        for key_id in ("00000000000000a1", "00000000000000a2"):
            connection.exec_driver_sql(
                "INSERT INTO api_keys (key_id, organisation, role, label, secret_sha256, created_at) "
                f"VALUES ('{key_id}', 'CN', 'customs', 'old desk', '{'0' * 64}', '2026-11-01 00:00:00')"
            )
    engine.dispose()
    deployed = datetime.now(UTC)
    store = KeyStore(url)
    try:
        keys = store.list()
        assert len(keys) == 2
        for key in keys:
            assert abs(key.expires_at - (deployed + DEFAULT_KEY_LIFETIME)) < timedelta(minutes=5)
    finally:
        store.close()
    caplog.set_level(logging.WARNING, logger="api.keystore")
    settings = LedgerSettings(data_dir=tmp_path, database_url=url)
    for _ in range(2):  # a second start (or a second worker) says nothing
        with TestClient(create_app(settings, ServiceSettings(organisation="CN"))) as client:
            assert client.get("/health").status_code in (200, 503)
    said = [r.getMessage() for r in caplog.records if "had no expiry" in r.getMessage()]
    assert said == [f"2 API keys had no expiry: they now expire on {keys[0].expires_at:%Y-%m-%d}"]
