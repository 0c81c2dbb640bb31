"""The durable outbox: events that concern a subscription become deliveries (enqueue), are
shown (status) and queued again (replay). A delivery's webhook id comes from its subscription
and its event, so every attempt and every replay carries the same id."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput, LedgerError
from ledger.index.models import ChainEvent, WebhookDelivery, WebhookSubscription, api_keys
from ledger.index.state import insert_ignoring_duplicates
from ledger.timestamps import from_unix
from ledger.webhooks.models import DeliveryState, DeliveryStatus, FailedDelivery, Replayed
from ledger.webhooks.store import Clock, audience_of, find, view
from ledger.webhooks.topics import Audience, Topic, delivery_body, event_key, last_event_id, matching_events

BATCH = 500
SHOWN_FAILURES = 20
_BLOCK = re.compile(r"^[0-9]{1,19}$")


def webhook_id(subscription_id: str, key: str) -> str:
    """`msg_` and 32 hex digits: the same for one event and one subscription, always."""
    return "msg_" + hashlib.sha256(f"{subscription_id}\n{key}".encode()).hexdigest()[:32]


def enqueue(
    engine: Engine,
    *,
    base_url: str | None = None,
    clock: Clock = time.time,
    batch: int = BATCH,
    on_error: Callable[[LedgerError], None] | None = None,
) -> int:
    """Turn the events each live subscription has not yet seen into pending deliveries, with its
    cursor moved past them in the same transaction (a rerun after a crash inserts nothing twice).
    Returns how many deliveries were added. A subscription the library refuses (`on_error` is
    told) holds up no other. A round in which nothing was indexed costs two small queries."""
    with Session(engine) as session:
        head = last_event_id(session)
        # a cursor past the head: the index was rebuilt (its ids start again), so it is looked at too
        behind = list(session.scalars(select(WebhookSubscription.id).where(
            WebhookSubscription.removed_at.is_(None), WebhookSubscription.cursor != head
        )))  # fmt: skip
    added = 0
    for subscription_id in behind:
        try:
            added += _enqueue_one(engine, subscription_id, head=head, base_url=base_url, now=int(clock()), batch=batch)
        except LedgerError as exc:
            if on_error is None:
                raise
            on_error(exc)
    return added


def _enqueue_one(engine: Engine, subscription_id: str, *, head: int, base_url: str | None, now: int, batch: int) -> int:
    added = 0
    while True:
        with Session(engine) as session, session.begin():
            row = session.get(WebhookSubscription, subscription_id)
            if row is None or row.removed_at is not None or _key_revoked(session, row.key_id):
                return added
            if row.cursor > head:  # the index was rebuilt (ids start again): the outbox's keys de-duplicate
                row.cursor = 0
            topics = frozenset(Topic(t) for t in row.topics)
            found = matching_events(session, audience=audience_of(row), topics=topics, after_id=row.cursor, limit=batch)
            values = [_delivery(row.id, event, topic, base_url=base_url, now=now) for event, topic in found]
            if values:
                # what RETURNING lists was inserted: a multi-row insert's rowcount is -1 on PostgreSQL
                insert = insert_ignoring_duplicates(session.connection(), WebhookDelivery)
                added += len(session.execute(insert.values(values).returning(WebhookDelivery.id)).all())
            # fewer than a batch: every event up to the head (read before this query) was looked at
            row.cursor = found[-1][0].id if len(found) >= batch else max(head, found[-1][0].id if found else 0)
        if len(found) < batch:
            return added


def _key_revoked(session: Session, key_id: str | None) -> bool:
    """Whether the API key that made a subscription was revoked since: its eyes are closed, so
    nothing more is enqueued for it (a subscription made at the command line has no key)."""
    if key_id is None:
        return False
    revoked = session.execute(select(api_keys.c.revoked_at).where(api_keys.c.key_id == key_id)).first()
    return revoked is None or revoked[0] is not None


def _delivery(
    subscription_id: str, event: ChainEvent, topic: Topic, *, base_url: str | None, now: int
) -> dict[str, Any]:
    key = event_key(event)
    body = json.dumps(delivery_body(event, topic, base_url=base_url), ensure_ascii=False, separators=(",", ":"))
    return {
        "subscription_id": subscription_id, "event_key": key, "event_id": event.id, "block_number": event.block_number,
        "topic": topic.value, "webhook_id": webhook_id(subscription_id, key), "body": body,
        "state": DeliveryState.PENDING.value, "attempts": 0, "next_attempt_at": now, "created_at": now,
    }  # fmt: skip


def replay(
    engine: Engine, subscription_id: str, *, since: str, caller: Audience | None, clock: Clock = time.time
) -> Replayed:
    """Queue again every delivery of the subscription from `since` (an event key of one of its
    deliveries, or a block number) with the webhook ids they had; events from there never
    enqueued (before the subscription existed) are enqueued by the next round."""
    text = since.strip()
    now = int(clock())
    with Session(engine) as session, session.begin():
        row = find(session, subscription_id, caller=caller, change=True)
        if _BLOCK.match(text):
            from_block = int(text)
        else:
            block = session.scalar(
                select(WebhookDelivery.block_number).where(
                    WebhookDelivery.subscription_id == row.id, WebhookDelivery.event_key == text
                )
            )
            if block is None:
                raise InvalidInput(
                    f"{since[:120]!r} is neither a block number nor the event key of one of this subscription's "
                    "deliveries (see `sanzhi subscribe status`)",
                    path="since",
                )
            from_block = block
        requeued = (
            session.connection()
            .execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.subscription_id == row.id, WebhookDelivery.block_number >= from_block)
                .values(state=DeliveryState.PENDING.value, attempts=0, next_attempt_at=now)
            )
            .rowcount
        )
        first = session.scalar(select(func.min(ChainEvent.id)).where(ChainEvent.block_number >= from_block))
        if first is not None:
            row.cursor = min(row.cursor, first - 1)
        return Replayed(subscription_id=row.id, requeued=requeued or 0, from_block=from_block)


def status(
    engine: Engine, subscription_id: str, *, caller: Audience | None, clock: Clock = time.time
) -> DeliveryStatus:
    """Counts per state, the next attempt, the last error and the latest failures."""
    with Session(engine) as session:
        row = find(session, subscription_id, caller=caller)
        mine = WebhookDelivery.subscription_id == row.id
        counts = dict(
            session.execute(
                select(WebhookDelivery.state, func.count()).where(mine).group_by(WebhookDelivery.state)
            ).all()
        )
        pending = WebhookDelivery.state == DeliveryState.PENDING.value
        next_at = session.scalar(select(func.min(WebhookDelivery.next_attempt_at)).where(mine, pending))
        delivered_at = session.scalar(select(func.max(WebhookDelivery.delivered_at)).where(mine))
        last = session.execute(
            select(WebhookDelivery.last_status, WebhookDelivery.last_error)
            .where(mine, WebhookDelivery.last_error.is_not(None))
            .order_by(WebhookDelivery.last_attempt_at.desc().nulls_last(), WebhookDelivery.id.desc())
            .limit(1)
        ).first()
        failed = session.scalars(
            select(WebhookDelivery)
            .where(mine, WebhookDelivery.state == DeliveryState.FAILED.value)
            .order_by(WebhookDelivery.event_id.desc())
            .limit(SHOWN_FAILURES)
        )
        failures = [
            FailedDelivery(
                webhook_id=d.webhook_id,
                event_key=d.event_key,
                topic=Topic(d.topic),
                block=d.block_number,
                attempts=d.attempts,
                last_status=d.last_status,
                last_error=d.last_error,
                last_attempt_at=from_unix(d.last_attempt_at),
            )
            for d in failed
        ]
        return DeliveryStatus(
            subscription=view(row, now=clock()),
            pending=counts.get(DeliveryState.PENDING.value, 0),
            delivered=counts.get(DeliveryState.DELIVERED.value, 0),
            failed=counts.get(DeliveryState.FAILED.value, 0),
            next_attempt_at=from_unix(next_at),
            last_delivered_at=from_unix(delivered_at),
            last_error=last[1] if last else None,
            failures=failures,
        )
