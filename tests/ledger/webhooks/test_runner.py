"""The loop each service process runs: however many run on one database, one delivers."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.index.models import Lease
from ledger.webhooks import store
from ledger.webhooks.runner import LEASE_NAME, run_webhooks
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.topics import Audience
from tests.support import WebhookReceiver, add_chain_event, index_engine, wait_until


def test_two_processes_on_one_database_deliver_each_event_once(tmp_path: Path) -> None:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    box = SecretBox(b"w" * 32)
    receiver = WebhookReceiver()
    stop = threading.Event()
    errors: list[Exception] = []
    with receiver.serving() as url:
        store.create(engine, box, audience=Audience(member="CN", role="admin"), url=url, topics=["certificates"],
                     production=False)  # fmt: skip
        runners = [
            threading.Thread(
                target=run_webhooks,
                kwargs={
                    "engine": engine,
                    "box": box,
                    "production": False,
                    "stop": stop,
                    "poll_seconds": 0.05,
                    "on_error": errors.append,
                },
            )
            for _ in range(2)
        ]
        for runner in runners:
            runner.start()
        try:
            for block in range(1, 6):
                add_chain_event(engine, block=block)
            wait_until(lambda: receiver.count() >= 5, timeout=30, failure="not every event was delivered")
            with Session(engine) as session:
                holders = [lease.holder for lease in session.scalars(select(Lease).where(Lease.name == LEASE_NAME))]
        finally:
            stop.set()
            for runner in runners:
                runner.join(timeout=30)
    engine.dispose()
    assert errors == []
    assert len(holders) == 1
    assert set(Counter(r.headers["webhook-id"] for r in receiver.received).values()) == {1}
    assert receiver.count() == 5


def test_a_receivers_backlog_goes_out_as_fast_as_it_answers_not_once_per_interval(tmp_path: Path) -> None:
    engine = index_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    box = SecretBox(b"b" * 32)
    receiver = WebhookReceiver()
    stop = threading.Event()
    errors: list[Exception] = []
    with receiver.serving() as url:
        store.create(engine, box, audience=Audience(member="CN", role="admin"), url=url, topics=["certificates"],
                     production=False)  # fmt: skip
        for block in range(1, 13):  # a backlog: six times what the receiver's two slots take at once
            add_chain_event(engine, block=block)
        # an interval far longer than the test may take: only the sends ending can move the loop on
        arguments = {"engine": engine, "box": box, "production": False, "stop": stop, "poll_seconds": 600.0,
                     "on_error": errors.append}  # fmt: skip
        loop = threading.Thread(target=run_webhooks, kwargs=arguments)
        loop.start()
        try:
            wait_until(lambda: receiver.count() >= 12, timeout=60, failure=lambda: f"{receiver.count()} of 12 posted")
        finally:
            stop.set()
            loop.join(timeout=60)
    engine.dispose()
    assert not loop.is_alive()  # told to stop, it stops without waiting out its interval
    assert errors == []
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 12
