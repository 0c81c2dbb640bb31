"""Signing secrets are encrypted at rest and rotated with a grace period; one deliverer per
database holds the lease."""

from __future__ import annotations

import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from ledger.errors import ConfigurationError
from ledger.index.models import WebhookSubscription
from ledger.settings import LedgerSettings
from ledger.webhooks import store
from ledger.webhooks.errors import WebhookKeyMissing
from ledger.webhooks.lease import Lease
from ledger.webhooks.secret_box import KEY_FILE, SecretBox, webhook_key
from ledger.webhooks.signing import webhook_headers
from ledger.webhooks.topics import Audience
from tests.support import FakeClock, index_engine

CN_ADMIN = Audience(member="CN", role="admin")


def test_development_makes_one_private_key_and_production_needs_one_given(tmp_path: Path) -> None:
    dev = LedgerSettings(data_dir=tmp_path)
    key = webhook_key(dev)
    assert len(key) == 32
    assert webhook_key(dev) == key  # made once, then read
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    with pytest.raises(WebhookKeyMissing, match="SANZHI_WEBHOOK_KEY is not set"):
        webhook_key(LedgerSettings(data_dir=tmp_path / "prod", env="prod"))
    for env in ("dev", "prod"):
        with pytest.raises(WebhookKeyMissing, match="SANZHI_WEBHOOK_KEY is a placeholder"):
            webhook_key(LedgerSettings(data_dir=tmp_path, env=env, webhook_key=SecretStr(" ChangeMe ")))
    with pytest.raises(WebhookKeyMissing, match="not base64"):
        webhook_key(LedgerSettings(data_dir=tmp_path, webhook_key=SecretStr("not base64!")))
    with pytest.raises(WebhookKeyMissing, match="not 32"):
        SecretBox(webhook_key(LedgerSettings(data_dir=tmp_path, webhook_key=SecretStr("c2hvcnQ="))))


def test_secrets_are_stored_encrypted_and_only_under_their_key(tmp_path: Path) -> None:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        box = SecretBox(b"a" * 32)
        created = store.create(engine, box, audience=CN_ADMIN, url="http://127.0.0.1:9/", topics=["certificates"],
                               production=False)  # fmt: skip
        with Session(engine) as session:
            row = session.scalars(select(WebhookSubscription)).one()
            assert created.secret.encode() not in row.secret
            assert created.secret.removeprefix("whsec_").encode() not in row.secret
            assert store.signing_secrets(row, box, now=time.time()) == [created.secret]
            with pytest.raises(ConfigurationError, match="does not decrypt"):
                store.signing_secrets(row, SecretBox(b"b" * 32), now=time.time())
        assert "secret" not in store.get(engine, created.subscription.id, caller=CN_ADMIN).model_dump()
    finally:
        engine.dispose()


def test_a_rotated_secret_signs_beside_the_new_one_until_its_grace_ends(tmp_path: Path) -> None:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    clock = FakeClock(start=time.time())
    box = SecretBox(b"r" * 32)
    try:
        old = store.create(engine, box, audience=CN_ADMIN, url="http://127.0.0.1:9/", topics=["certificates"],
                           production=False, clock=clock)  # fmt: skip
        new = store.rotate(engine, box, old.subscription.id, caller=CN_ADMIN, grace=timedelta(hours=2), clock=clock)
        assert new.secret != old.secret
        assert new.subscription.previous_secret_until == datetime.fromtimestamp(int(clock.now) + 7200, tz=UTC)
        with Session(engine) as session:
            row = session.scalars(select(WebhookSubscription)).one()
            during = store.signing_secrets(row, box, now=clock.now)
            clock.sleep(7201)
            after = store.signing_secrets(row, box, now=clock.now)
        assert during == [new.secret, old.secret]
        assert after == [new.secret]
        now = int(time.time())
        headers = webhook_headers(webhook_id="msg_1", timestamp=now, body="{}", secrets=during)
        assert len(headers["webhook-signature"].split(" ")) == 2
        for secret in (old.secret, new.secret):  # a receiver with either secret accepts it
            Webhook(secret).verify("{}", headers)
        with pytest.raises(Exception, match="grace period"):
            store.rotate(engine, box, old.subscription.id, caller=CN_ADMIN, grace=timedelta(days=31))
    finally:
        engine.dispose()


def test_one_deliverer_holds_the_lease_until_it_expires(index_db: Engine) -> None:
    clock = FakeClock(start=1_000_000.0)
    first = Lease(index_db, name="webhook-deliverer", holder="first", ttl=30, clock=clock)
    second = Lease(index_db, name="webhook-deliverer", holder="second", ttl=30, clock=clock)
    assert first.acquire()
    assert not second.acquire()
    clock.sleep(20)
    assert first.acquire()  # renewed: 30 s from now
    clock.sleep(20)
    assert not second.acquire()
    clock.sleep(11)  # the first stopped renewing (died): its lease ran out
    assert second.acquire()
    assert not first.acquire()
    second.release()
    assert first.acquire()
