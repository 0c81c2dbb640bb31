"""What concerns whom: the topics an organisation's key may subscribe to, the indexed events
each topic selects for that key, the body delivered for each, and the stable key of an event."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ledger.index.models import ChainEvent
from ledger.webhooks.audience import Audience as Audience
from ledger.webhooks.audience import Topic as Topic
from ledger.webhooks.audience import allowed_topics as allowed_topics
from ledger.webhooks.audience import check_topics as check_topics
from ledger.webhooks.bodies import delivery_body as delivery_body
from ledger.webhooks.errors import TopicNotAllowed as TopicNotAllowed
from ledger.webhooks.selection import condition_for


def matching_events(
    session: Session, *, audience: Audience, topics: frozenset[Topic], after_id: int, limit: int
) -> list[tuple[ChainEvent, Topic]]:
    """The indexed events after row `after_id` that concern `audience` under `topics`, in the
    index's order (row id), at most `limit`; an event under several topics comes once, with the
    first of them in Topic's order. Topics the key may not have are refused (TopicNotAllowed)."""
    return _select(session, audience, topics, ChainEvent.id > after_id, limit, newest_first=False)


def latest_events(
    session: Session, *, audience: Audience, topics: frozenset[Topic], up_to_id: int, limit: int
) -> list[tuple[ChainEvent, Topic]]:
    """The newest `limit` of those events up to row `up_to_id`, newest first (what a live feed
    shows before it follows)."""
    return _select(session, audience, topics, ChainEvent.id <= up_to_id, limit, newest_first=True)


def _select(
    session: Session,
    audience: Audience,
    topics: frozenset[Topic],
    bound: ColumnElement[bool],
    limit: int,
    *,
    newest_first: bool,
) -> list[tuple[ChainEvent, Topic]]:
    check_topics(audience, topics)
    if limit <= 0 or not topics:
        return []
    order = ChainEvent.id.desc() if newest_first else ChainEvent.id
    found: dict[int, tuple[ChainEvent, Topic]] = {}
    # each topic's first `limit` rows: together they hold the first `limit` rows of the union
    for topic in (t for t in Topic if t in topics):
        condition = condition_for(topic, session, audience)
        for event in session.scalars(select(ChainEvent).where(bound, condition).order_by(order).limit(limit)):
            found.setdefault(event.id, (event, topic))
    return [found[key] for key in sorted(found, reverse=newest_first)[:limit]]


def last_event_id(session: Session) -> int:
    """The index's newest row id (0 when it holds no event): where a feed starts following."""
    return int(session.scalar(select(func.max(ChainEvent.id))) or 0)


def event_key(event: ChainEvent) -> str:
    """The event's identity across re-indexing and database moves: chain id, transaction hash,
    log index (the row id is not: a rebuilt index numbers its rows anew)."""
    return f"{event.chain_id}:0x{bytes(event.tx_hash).hex()}:{event.log_index}"
