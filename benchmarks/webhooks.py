"""Webhook benchmark (`sanzhi bench webhooks`): delivery latency and rate on the embedded chain,
and a deliverer killed with SIGKILL mid-stream that loses nothing.

A fresh node; CN's admin subscribes SUBSCRIPTIONS times (topic `consignments`), each to a
local receiver of its own (a port each) that checks every signature; the index follows the
chain in this process, and the service's webhook loop (benchmarks.webhook_deliverer) runs as a
child process.

- Latency: EVENTS evidence entries sent one transaction at a time, each once the previous one's
  deliveries arrived; each delivery's latency runs from the moment the sender had the
  transaction's receipt (mined) to the moment the receiver had the delivery verified. It
  includes the index's and the deliverer's polling (every 50 ms here).
- Rate: BURST entries sent at once; deliveries per second from the first receipt to the last
  delivery.
- Kill: another BURST; once about a third of its deliveries arrived the deliverer is SIGKILLed
  and started again; every expected webhook id must arrive (at least once: duplicates are
  counted, not an error).
"""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from benchmarks.common import dev_chain, open_consignments, percentile
from benchmarks.webhook_receiver import Received, receivers
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.errors import LedgerError
from ledger.evidence.consignment import consignment_id
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.index import Follower, make_engine, upgrade
from ledger.index.follower import follow
from ledger.index.models import WebhookSubscription
from ledger.webhooks import store
from ledger.webhooks.outbox import webhook_id
from ledger.webhooks.secret_box import SecretBox
from ledger.webhooks.topics import Audience, Topic, event_key, last_event_id, matching_events

AUDIENCE = Audience(member="CN", role="admin")
POLL_SECONDS = 0.05  # the index's and the deliverer's
ENTRY_GAS = 400_000
KILL_AT = 1 / 3  # of the kill phase's deliveries received


class WebhookBenchmark(BaseModel):
    subscriptions: int
    events: int  # sent one at a time, for the latency
    burst: int  # sent at once, twice: for the rate, and for the kill
    latency_p50_ms: float
    latency_p99_ms: float
    deliveries_per_s: float
    expected: int
    received_unique: int
    lost: int
    duplicates_received: int
    refused_signatures: int
    received_at_kill: int  # of the kill phase's deliveries, when the deliverer was killed


def _entries(trader: LedgerClient, consignment: bytes, start: int, count: int) -> list[dict[str, str]]:
    binding = EvidenceRegistryBinding(trader)
    append = binding.codec.function("appendEvents")
    calls = []
    for seq in range(start, start + count):
        entry = EvidenceEntry(
            consignment=consignment,
            event_hash=hashlib.sha256(consignment + seq.to_bytes(4, "big")).digest(),
            step=1 + seq % 6,
            event_type=0,
        )
        calls.append({"to": binding.address, "data": append.call_data([entry.as_tuple()])})
    return calls


class _Deliverer:
    """The child process running the service's webhook loop."""

    def __init__(self, database_url: str, key: bytes) -> None:
        self.env = {**os.environ, "SANZHI_BENCH_DATABASE_URL": database_url,
                    "SANZHI_BENCH_WEBHOOK_KEY": base64.b64encode(key).decode(),
                    "SANZHI_BENCH_POLL_SECONDS": str(POLL_SECONDS)}  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.webhook_deliverer"], env=self.env)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait(condition: Callable[[], bool], *, timeout: float, what: str, process: _Deliverer) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.process is not None and process.process.poll() not in (None, -signal.SIGKILL):
            raise LedgerError(f"the benchmark's deliverer exited with status {process.process.returncode}")
        if time.monotonic() > deadline:
            raise LedgerError(f"the webhook benchmark timed out waiting for {what}")
        time.sleep(0.01)


def _arrived(received: Received, transactions: set[str]) -> dict[str, float]:
    """The first arrival time of each webhook id of these transactions' events."""
    first: dict[str, float] = {}
    for arrival in received.snapshot():
        if arrival.transaction in transactions and arrival.webhook_id not in first:
            first[arrival.webhook_id] = arrival.at
    return first


def _send_one(trader: LedgerClient, call: dict[str, str]) -> tuple[str, float]:
    """Send the call; its transaction, and when it was mined (its receipt in hand)."""
    sent = trader.send(call, gas=ENTRY_GAS)
    return sent.tx_hash.lower(), time.time()


def _send_all(trader: LedgerClient, calls: list[dict[str, str]]) -> tuple[set[str], float]:
    """Send the calls at once; their transactions and the moment the sending began."""
    started = time.time()
    hashes = trader.send_batch(calls, gas=ENTRY_GAS)
    trader.wait_many(hashes)
    return {h.lower() for h in hashes}, started


class _Run:
    """One benchmark's chain, receiver and deliverer, phase by phase."""

    def __init__(self, trader: LedgerClient, consignment: bytes, received: Received, subscriptions: int,
                 deliverer: _Deliverer, timeout: float) -> None:  # fmt: skip
        self.trader, self.consignment, self.received = trader, consignment, received
        self.subscriptions, self.deliverer, self.timeout = subscriptions, deliverer, timeout
        self.sent = 0

    def calls(self, count: int) -> list[dict[str, str]]:
        calls = _entries(self.trader, self.consignment, self.sent, count)
        self.sent += count
        return calls

    def wait_for(self, transactions: set[str], count: int, what: str) -> dict[str, float]:
        _wait(lambda: len(_arrived(self.received, transactions)) >= count, timeout=self.timeout, what=what,
              process=self.deliverer)  # fmt: skip
        return _arrived(self.received, transactions)

    def latency(self, events: int) -> list[float]:
        """Send `events` one at a time, each once the previous one's deliveries all arrived (the
        latency of a deliverer with no backlog); each delivery's seconds from mined to verified."""
        latencies: list[float] = []
        for call in self.calls(events):
            transaction, mined = _send_one(self.trader, call)
            self.wait_for({transaction}, self.subscriptions, "a latency event's deliveries")
            latencies += [a.at - mined for a in self.received.snapshot() if a.transaction == transaction]
        return latencies

    def rate(self, burst: int) -> float:
        """Send `burst` at once; deliveries per second from the first send to the last arrival."""
        transactions, started = _send_all(self.trader, self.calls(burst))
        arrived = self.wait_for(transactions, burst * self.subscriptions, "the rate phase's deliveries")
        return round(len(arrived) / max(max(arrived.values()) - started, 1e-6), 1)

    def kill(self, burst: int) -> int:
        """SIGKILL the deliverer once a third of the burst arrived, start it again, wait for the
        rest; how many deliveries had arrived at the kill."""
        transactions, _ = _send_all(self.trader, self.calls(burst))
        total = burst * self.subscriptions
        self.wait_for(transactions, max(1, int(total * KILL_AT)), "the first third of the kill phase's deliveries")
        self.deliverer.kill()
        at_kill = len(_arrived(self.received, transactions))
        self.deliverer.start()
        self.wait_for(transactions, total, "the kill phase's deliveries after the restart")
        return at_kill


def _expected(engine: Engine, after_id: int) -> set[str]:
    """The webhook id of every event each subscription should have got, computed from the index
    as a subscriber would expect it (not read from the outbox); every subscription is AUDIENCE's
    to the same topic, so they all expect the same events."""
    with Session(engine) as session:
        found = matching_events(session, audience=AUDIENCE, topics=frozenset({Topic.CONSIGNMENTS}),
                                after_id=after_id, limit=10_000_000)  # fmt: skip
        keys = [event_key(event) for event, _ in found]
        subscriptions = session.scalars(select(WebhookSubscription.id)).all()
    return {webhook_id(subscription, key) for subscription in subscriptions for key in keys}


@contextmanager
def _following(client: LedgerClient, engine: Engine) -> Iterator[None]:
    """The index following the chain in a thread, as the service's follower does."""
    stop = threading.Event()
    follower = Follower(client=client, engine=engine)
    arguments = {"follower": follower, "poll_seconds": POLL_SECONDS, "stop": stop}
    thread = threading.Thread(target=follow, kwargs=arguments, name="bench-follower", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def run_webhook_benchmark(
    *, subscriptions: int, events: int, burst: int, port: int = 0, workdir: Path | None = None, timeout: float = 300
) -> WebhookBenchmark:
    """The three phases on a fresh node (see the module's doc)."""
    key = os.urandom(32)
    box = SecretBox(key)
    with (
        dev_chain(prefix="sanzhi-bench-webhooks-", port=port, workdir=workdir) as chain,
        tempfile.TemporaryDirectory(prefix="sanzhi-bench-webhooks-db-", dir=workdir) as tmp,
    ):
        database_url = f"sqlite:///{tmp}/index.sqlite"
        engine = make_engine(database_url)
        upgrade(engine)
        trader = build_client(chain.settings, "cn-trader")
        consignment = consignment_id("6CN9144010012345678-SG-WEBHOOK")
        open_consignments(trader, [consignment])
        Follower(client=build_client(chain.settings), engine=engine).catch_up()
        with Session(engine) as session:
            head = last_event_id(session)
        secrets: dict[str, str] = {}
        deliverer = _Deliverer(database_url, key)
        try:
            names = [f"s{n}" for n in range(subscriptions)]
            with receivers(secrets, names) as (urls, received), _following(build_client(chain.settings), engine):
                for name in names:
                    created = store.create(engine, box, audience=AUDIENCE, url=urls[name],
                                           topics=[Topic.CONSIGNMENTS.value], production=False)  # fmt: skip
                    secrets[name] = created.secret
                deliverer.start()
                run = _Run(trader, consignment, received, subscriptions, deliverer, timeout)
                run.latency(1)  # a warm-up: the deliverer process has started and holds the lease
                latencies = run.latency(events)
                rate = run.rate(burst)
                at_kill = run.kill(burst)
                expected = _expected(engine, head)
                arrivals = received.snapshot()
        finally:
            deliverer.stop()
            engine.dispose()
    unique = {a.webhook_id for a in arrivals}
    return WebhookBenchmark(
        subscriptions=subscriptions, events=events, burst=burst,
        latency_p50_ms=round(percentile(latencies, 0.5) * 1000, 1),
        latency_p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
        deliveries_per_s=rate, expected=len(expected), received_unique=len(unique & expected),
        lost=len(expected - unique), duplicates_received=len(arrivals) - len(unique),
        refused_signatures=received.refused, received_at_kill=at_kill,
    )  # fmt: skip
