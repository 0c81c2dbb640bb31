"""Webhook subscriptions of the calling key's organisation: made, listed, removed, rotated and
replayed; each receives only what the key that made it may see. A key sees its organisation's
subscriptions (a trader key only its party's) and changes those made with its role (an admin
key any of its organisation's); another organisation's are not found."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import Engine

from api.auth import Caller
from api.deps import Context, ServiceContext
from api.errors import IndexUnavailable, error_responses
from api.keystore import key_audience
from api.schemas.common import QueryFlag
from api.schemas.subscriptions import ReplayRequest, RotateRequest, SubscriptionRequest
from api.strict_json import StrictJsonRoute
from ledger.webhooks import outbox, store
from ledger.webhooks.models import CreatedSubscription, DeliveryStatus, Replayed, Subscription
from ledger.webhooks.secret_box import SecretBox, secret_box

router = APIRouter(prefix="/subscriptions", tags=["subscriptions"], route_class=StrictJsonRoute)
READ_ERRORS = error_responses(401, 403, 404, 422, 429, 503)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 503)
SubscriptionId = Annotated[str, Path(pattern=r"^sub_[a-z2-7]{24}$", description="sub_... as listed")]


def _engine(context: ServiceContext) -> Engine:
    if context.keys is None:
        raise IndexUnavailable("this service has no database")
    return context.keys.engine  # the service database: keys, index and subscriptions


def _box(context: ServiceContext) -> SecretBox:
    return secret_box(context.settings)


@router.post("", status_code=201, responses=WRITE_ERRORS, summary="Subscribe the organisation")
def create(body: SubscriptionRequest, key: Caller, context: Context) -> CreatedSubscription:
    """The signing secret is in this answer only. 403 `topic-not-allowed` for a topic the key's
    role may not receive; 422 `invalid-webhook-url` for a URL the service will not post to."""
    return store.create(_engine(context), _box(context), audience=key_audience(key), url=body.url,
                        topics=[t.value for t in body.topics], production=context.settings.env == "prod",
                        key_id=key.key_id)  # fmt: skip


@router.get("", responses=READ_ERRORS, summary="The organisation's subscriptions")
def list_subscriptions(
    key: Caller,
    context: Context,
    removed: Annotated[QueryFlag, Query(description="Removed ones too")] = False,
) -> list[Subscription]:
    """Oldest first; never a secret."""
    return store.list_subscriptions(_engine(context), caller=key_audience(key), include_removed=removed)


@router.get("/{subscription_id}", responses=READ_ERRORS, summary="One subscription")
def get(subscription_id: SubscriptionId, key: Caller, context: Context) -> Subscription:
    return store.get(_engine(context), subscription_id, caller=key_audience(key))


@router.delete("/{subscription_id}", responses=WRITE_ERRORS, summary="Remove a subscription")
def remove(subscription_id: SubscriptionId, key: Caller, context: Context) -> Subscription:
    """Nothing more is posted for it; 409 if it was removed already."""
    return store.remove(_engine(context), subscription_id, caller=key_audience(key))


@router.post("/{subscription_id}/rotate", responses=WRITE_ERRORS, summary="A new signing secret")
def rotate(subscription_id: SubscriptionId, key: Caller, context: Context, body: RotateRequest) -> CreatedSubscription:
    """The new secret is in this answer only; the replaced one signs beside it for `grace`
    (deliveries carry both signatures)."""
    return store.rotate(_engine(context), _box(context), subscription_id, caller=key_audience(key), grace=body.grace)


@router.post("/{subscription_id}/replay", responses=WRITE_ERRORS, summary="Deliver again from a block or event")
def replay(subscription_id: SubscriptionId, body: ReplayRequest, key: Caller, context: Context) -> Replayed:
    """Deliveries from there are queued again with the webhook ids they had (receivers
    de-duplicate by `webhook-id`)."""
    return outbox.replay(_engine(context), subscription_id, since=body.since, caller=key_audience(key))


@router.get("/{subscription_id}/deliveries", responses=READ_ERRORS, summary="How its deliveries stand")
def deliveries(subscription_id: SubscriptionId, key: Caller, context: Context) -> DeliveryStatus:
    """Counts per state, the next attempt, the last error, and the latest failed deliveries."""
    return outbox.status(_engine(context), subscription_id, caller=key_audience(key))
