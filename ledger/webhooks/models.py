"""Subscriptions and their deliveries as the CLI and the service show them (never a secret,
but in the answer that makes one)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from ledger.webhooks.topics import Topic


class DeliveryState(StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Subscription(BaseModel):
    """A subscription: who it is for, where it posts, what."""

    id: str = Field(description="sub_...: names the subscription in every other request")
    member: str = Field(description="The organisation it belongs to, e.g. SG")
    role: str = Field(description="The role of the key that made it: it receives what that role may see")
    operator: str | None = Field(default=None, description="A trader's subscription: its party's operator id")
    url: str
    topics: list[Topic]
    created_at: datetime
    removed_at: datetime | None = None
    previous_secret_until: datetime | None = Field(
        default=None, description="Until when the secret replaced by a rotation still signs beside the new one"
    )


class CreatedSubscription(BaseModel):
    """A new subscription, or a rotated one, with its signing secret: shown this once."""

    subscription: Subscription
    secret: str = Field(description="whsec_...: verify each delivery's webhook-signature with it")


class FailedDelivery(BaseModel):
    """A delivery given up on: replay it once the receiver is fixed."""

    webhook_id: str
    event_key: str
    topic: Topic
    block: int
    attempts: int
    last_status: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None


class DeliveryStatus(BaseModel):
    """How a subscription's deliveries stand."""

    subscription: Subscription
    pending: int
    delivered: int
    failed: int
    next_attempt_at: datetime | None = Field(default=None, description="The earliest pending delivery's next try")
    last_delivered_at: datetime | None = None
    last_error: str | None = Field(default=None, description="The latest failed attempt's status or error")
    failures: list[FailedDelivery] = Field(description="The latest deliveries given up on (at most 20)")


class Replayed(BaseModel):
    """What a replay queued again."""

    subscription_id: str
    requeued: int = Field(description="Deliveries made pending again, with the webhook ids they had")
    from_block: int
