"""Deliveries as a receiver sees them: signed (Standard Webhooks), at least once with the same
webhook id, retried on a schedule of more than a day, failed visibly and replayable."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from ledger.index.models import ChainEvent, WebhookDelivery
from ledger.index.state import cut_above
from ledger.webhooks import outbox, store
from ledger.webhooks.deliverer import IN_FLIGHT, SCHEDULE, Deliverer
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.topics import Audience, Topic
from tests.support import FakeClock, WebhookReceiver, add_chain_event, index_engine, wait_until

CN_ADMIN = Audience(member="CN", role="admin")
BOX = SecretBox(b"k" * 32)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    yield engine
    engine.dispose()


def subscribe(engine: Engine, url: str, clock: object = time.time) -> store.CreatedSubscription:
    return store.create(engine, BOX, audience=CN_ADMIN, url=url, topics=["certificates"], production=False,
                        clock=clock)  # type: ignore[arg-type]  # fmt: skip


def deliveries(engine: Engine) -> list[WebhookDelivery]:
    with Session(engine) as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_receiver_verifies_each_delivery_with_the_secret_it_was_given(engine: Engine) -> None:
    receiver = WebhookReceiver()
    with receiver.serving() as url:
        created = subscribe(engine, url + "/hooks")
        add_chain_event(engine, block=7)
        add_chain_event(engine, block=8)
        assert outbox.enqueue(engine, base_url="https://cn.example") == 2
        deliverer = Deliverer(engine, BOX, production=False)
        try:
            assert deliverer.tick() == 2
            assert deliverer.wait_idle(30)
        finally:
            deliverer.close()
    assert created.secret.startswith("whsec_")
    bodies = [Webhook(created.secret).verify(r.body, r.headers) for r in receiver.received]
    assert sorted(b["block"]["number"] for b in bodies) == [7, 8]
    assert all(r.path == "/hooks" and r.headers["webhook-id"].startswith("msg_") for r in receiver.received)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook("whsec_" + "QUJD" * 8).verify(receiver.received[0].body, receiver.received[0].headers)
    assert {d.state for d in deliveries(engine)} == {"delivered"}


def test_enqueuing_again_never_duplicates_a_delivery_and_a_replay_keeps_the_ids(index_db: Engine) -> None:
    created = subscribe(index_db, "http://127.0.0.1:9/")
    add_chain_event(index_db, block=3)
    add_chain_event(index_db, block=4, organisation="SG")  # not CN's: not for this subscription
    add_chain_event(index_db, block=5)
    assert outbox.enqueue(index_db) == 2
    assert outbox.enqueue(index_db) == 0
    before = [(d.event_key, d.webhook_id) for d in deliveries(index_db)]
    with Session(index_db) as session, session.begin():  # as if the cursor had been lost
        for row in session.scalars(select(store.WebhookSubscription)):
            row.cursor = 0
    assert outbox.enqueue(index_db) == 0
    replayed = outbox.replay(index_db, created.subscription.id, since="4", caller=CN_ADMIN)
    assert (replayed.requeued, replayed.from_block) == (1, 4)
    assert outbox.enqueue(index_db) == 0
    assert [(d.event_key, d.webhook_id) for d in deliveries(index_db)] == before
    assert [d.block_number for d in deliveries(index_db)] == [3, 5]


def test_an_event_indexed_again_in_a_reorganised_block_is_delivered_once_and_a_new_one_too(index_db: Engine) -> None:
    """A reorganisation deletes the index's last events; those indexed in their place may take
    the same row ids (SQLite reuses them). The subscription's cursor was past them: each must
    still be looked at, an event indexed again as it was delivered once, one that moved (a
    replayed transaction mined elsewhere) delivered under its new key."""
    subscribe(index_db, "http://127.0.0.1:9/")
    add_chain_event(index_db, block=3)
    add_chain_event(index_db, block=4)
    assert outbox.enqueue(index_db) == 2
    with index_db.begin() as connection:
        assert cut_above(connection, 3) == 1  # block 4 is gone
    add_chain_event(index_db, block=5)  # its event, mined again in block 5
    add_chain_event(index_db, block=6)
    assert outbox.enqueue(index_db) == 2
    assert [d.block_number for d in deliveries(index_db)] == [3, 4, 5, 6]
    with index_db.begin() as connection:
        cut_above(connection, 5)
    add_chain_event(index_db, block=6)  # the same event indexed again
    assert outbox.enqueue(index_db) == 0


def test_a_crash_between_sending_and_marking_sends_again_with_the_same_id(engine: Engine) -> None:
    clock = FakeClock(start=time.time())
    receiver = WebhookReceiver()
    with receiver.serving() as url:
        subscribe(engine, url, clock)
        add_chain_event(engine, block=5)
        outbox.enqueue(engine, clock=clock)
        crashed = Deliverer(engine, BOX, production=False, clock=clock)
        crashed._mark = lambda *args, **kwargs: None  # type: ignore[method-assign]  # dies before marking
        crashed.tick()
        assert crashed.wait_idle(30)
        crashed.close()
        assert receiver.count() == 1
        after = Deliverer(engine, BOX, production=False, clock=clock)
        try:
            assert after.tick() == 0  # still claimed by the one that died
            clock.sleep(IN_FLIGHT + 1)
            assert after.tick() == 1
            assert after.wait_idle(30)
        finally:
            after.close()
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert deliveries(engine)[0].state == "delivered"


def test_a_failing_receiver_is_retried_for_more_than_a_day_then_failed_and_replayed(engine: Engine) -> None:
    clock = FakeClock(start=time.time())
    receiver = WebhookReceiver(status=500)
    with receiver.serving() as url:
        created = subscribe(engine, url, clock)
        add_chain_event(engine, block=11)
        outbox.enqueue(engine, clock=clock)
        deliverer = Deliverer(engine, BOX, production=False, clock=clock, jitter=lambda: 1.0)
        started, waits = clock.now, []
        try:
            for _ in range(len(SCHEDULE) + 1):
                assert deliverer.tick() == 1
                assert deliverer.wait_idle(30)
                row = deliveries(engine)[0]
                if row.state == "pending":
                    waits.append(row.next_attempt_at - int(clock.now))
                    assert deliverer.tick() == 0  # not due before its time
                    clock.sleep(row.next_attempt_at - clock.now)
            assert waits == list(SCHEDULE)
            assert clock.now - started >= 24 * 3600
            status = outbox.status(engine, created.subscription.id, caller=CN_ADMIN, clock=clock)
            assert (status.pending, status.delivered, status.failed) == (0, 0, 1)
            assert status.failures[0].attempts == len(SCHEDULE) + 1
            assert status.last_error == "HTTP 500"
            receiver.status = 204
            assert deliverer.tick() == 0  # failed stays failed until replayed
            key = status.failures[0].event_key
            replayed = outbox.replay(engine, created.subscription.id, since=key, caller=CN_ADMIN, clock=clock)
            assert replayed.requeued == 1
            assert deliverer.tick() == 1
            assert deliverer.wait_idle(30)
        finally:
            deliverer.close()
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len(receiver.received) == len(SCHEDULE) + 2
    assert deliveries(engine)[0].state == "delivered"


def test_a_redirect_is_not_followed(engine: Engine) -> None:
    elsewhere = WebhookReceiver()
    with elsewhere.serving() as other:
        receiver = WebhookReceiver(status=307, location=other + "/stolen")
        with receiver.serving() as url:
            created = subscribe(engine, url)
            add_chain_event(engine, block=2)
            outbox.enqueue(engine)
            deliverer = Deliverer(engine, BOX, production=False)
            try:
                deliverer.tick()
                assert deliverer.wait_idle(30)
            finally:
                deliverer.close()
    assert receiver.count() == 1
    assert elsewhere.count() == 0
    status = outbox.status(engine, created.subscription.id, caller=CN_ADMIN)
    assert status.pending == 1
    assert "HTTP 307: redirect to" in (status.last_error or "")
    assert "not followed" in (status.last_error or "")


def test_a_slow_receiver_does_not_hold_up_a_fast_one(engine: Engine) -> None:
    slow, fast = WebhookReceiver(), WebhookReceiver()
    slow.release.clear()  # holds every request until released
    with slow.serving() as slow_url, fast.serving() as fast_url:
        subscribe(engine, slow_url)
        subscribe(engine, fast_url)
        for block in range(1, 6):
            add_chain_event(engine, block=block)
        outbox.enqueue(engine)
        deliverer = Deliverer(engine, BOX, production=False, workers=4, per_target=1, batch=2)
        try:
            # each round hands out what is due to receivers with a free slot; the slow one keeps its one
            wait_until(lambda: deliverer.tick() >= 0 and fast.count() == 5, timeout=30)
            assert slow.count() == 1
        finally:
            slow.release.set()
            deliverer.close()
    assert sorted(json.loads(r.body)["block"]["number"] for r in fast.received) == [1, 2, 3, 4, 5]


def test_a_secret_that_does_not_decrypt_holds_up_no_other_subscription(engine: Engine) -> None:
    receiver = WebhookReceiver()
    with receiver.serving() as url:
        broken = subscribe(engine, url + "/broken")
        subscribe(engine, url + "/fine")
        with Session(engine) as session, session.begin():  # as if sealed under another webhook key
            row = session.get(store.WebhookSubscription, broken.subscription.id)
            assert row is not None
            row.secret = SecretBox(b"x" * 32).seal("whsec_AAAA", subscription_id=row.id)
        add_chain_event(engine, block=6)
        outbox.enqueue(engine)
        deliverer = Deliverer(engine, BOX, production=False)
        try:
            assert deliverer.tick() == 1
            assert deliverer.wait_idle(30)
        finally:
            deliverer.close()
    assert [r.path for r in receiver.received] == ["/fine"]
    status = outbox.status(engine, broken.subscription.id, caller=CN_ADMIN)
    assert status.pending == 1
    assert "does not decrypt with this webhook key" in (status.last_error or "")


def test_a_subscription_the_library_refuses_holds_up_no_other(engine: Engine) -> None:
    refused = subscribe(engine, "http://127.0.0.1:9/refused")
    subscribe(engine, "http://127.0.0.1:9/fine")
    with Session(engine) as session, session.begin():  # a role that may not have the topic (edited by hand)
        row = session.get(store.WebhookSubscription, refused.subscription.id)
        assert row is not None
        row.role = "auditor"
    add_chain_event(engine, block=8)
    said: list[str] = []
    assert outbox.enqueue(engine, on_error=lambda exc: said.append(exc.message)) == 1
    assert len(said) == 1
    assert "auditor key may not subscribe to certificates" in said[0]


def test_a_round_with_nothing_newly_indexed_runs_no_topic_query(
    index_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(index_db, "http://127.0.0.1:9/a")
    subscribe(index_db, "http://127.0.0.1:9/b")
    add_chain_event(index_db, block=3)
    queried: list[str] = []
    matching = outbox.matching_events

    def counted(session: Session, **arguments: Any) -> list[tuple[ChainEvent, Topic]]:
        queried.append(arguments["audience"].member)
        return matching(session, **arguments)

    monkeypatch.setattr(outbox, "matching_events", counted)
    assert outbox.enqueue(index_db) == 2
    assert len(queried) == 2  # one per subscription behind the index
    assert outbox.enqueue(index_db) == 0
    assert len(queried) == 2  # both had seen the newest event: not looked at again
    add_chain_event(index_db, block=4)
    assert outbox.enqueue(index_db) == 2
    assert len(queried) == 4
