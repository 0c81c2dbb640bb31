"""Which events concern which subscriber, and the body of each delivery.

A stand-in with the interface the deliverer is written against, until the topics of the live
feed replace it: certificates of the member only.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput
from ledger.index.models import ChainEvent


class Topic(StrEnum):
    """What a subscription follows."""

    CERTIFICATES = "certificates"
    DESTINED = "destined-certificates"
    CONSIGNMENTS = "consignments"
    AEO = "aeo"
    MRAS = "mras"
    ALERTS = "alerts"


class Audience(BaseModel, frozen=True):
    """Whose eyes a subscription has: the member, the key's role, a trader's party."""

    member: str
    role: str
    operator: str | None = None
    account: str | None = None


class TopicNotAllowed(InvalidInput):
    """A topic the key may not subscribe to."""

    code = "topic-not-allowed"

    def __init__(self, topic: Topic, allowed: Iterable[Topic]) -> None:
        names = ", ".join(sorted(t.value for t in allowed)) or "none"
        super().__init__(f"a key of this role may not subscribe to {topic.value} (it may: {names})", path="topics")


def allowed_topics(audience: Audience) -> frozenset[Topic]:
    if audience.role == "trader":
        return frozenset({Topic.CERTIFICATES, Topic.CONSIGNMENTS, Topic.AEO})
    if audience.role in ("admin", "customs"):
        return frozenset(Topic)
    return frozenset()


def check_topics(audience: Audience, topics: Iterable[Topic]) -> None:
    allowed = allowed_topics(audience)
    for topic in topics:
        if topic not in allowed:
            raise TopicNotAllowed(topic, allowed)


def matching_events(
    session: Session, *, audience: Audience, topics: frozenset[Topic], after_id: int, limit: int
) -> list[tuple[ChainEvent, Topic]]:
    if Topic.CERTIFICATES not in topics:
        return []
    query = (
        select(ChainEvent)
        .where(ChainEvent.id > after_id, ChainEvent.organisation == audience.member)
        .where(ChainEvent.contract == "CertificateRegistry")
        .order_by(ChainEvent.id)
        .limit(limit)
    )
    return [(event, Topic.CERTIFICATES) for event in session.scalars(query)]


def event_key(event: ChainEvent) -> str:
    return f"{event.chain_id}:0x{event.tx_hash.hex()}:{event.log_index}"


def delivery_body(event: ChainEvent, topic: Topic, *, base_url: str | None) -> dict[str, Any]:
    transaction = "0x" + event.tx_hash.hex()
    link = f"{base_url.rstrip('/')}/tx/{transaction}" if base_url else None
    return {
        "type": f"{topic.value}.{event.event}",
        "event": event.event,
        "block": event.block_number,
        "transaction": transaction,
        "link": link,
        "data": event.args,
    }
