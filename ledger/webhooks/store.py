"""Subscriptions in the index database: made, listed, removed and rotated on behalf of a caller
whose audience (member, role, a trader's party) bounds what it sees and changes.

`caller=None` is the service's operator at the command line (like `sanzhi apikey`): every
subscription of every member.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput
from ledger.index.models import WebhookSubscription
from ledger.timestamps import from_unix, iso
from ledger.webhooks.audience import ADMIN_ROLE, TRADER_ROLE
from ledger.webhooks.errors import NotYourSubscription, SubscriptionLimit, SubscriptionNotFound, SubscriptionRemoved
from ledger.webhooks.models import CreatedSubscription, Subscription
from ledger.webhooks.secret_box import SecretBox, new_secret
from ledger.webhooks.targets import check_new_target
from ledger.webhooks.topics import Audience, Topic, check_topics, last_event_id

Clock = Callable[[], float]
ID_PREFIX = "sub_"
_ID = re.compile(r"^sub_[a-z2-7]{24}$")
# live subscriptions: each key (at the command line: each role, or trader party, of a member) has
# room of its own, so one key's subscriptions never lock another out; a trader key has little,
# and the member's trader keys together a bounded share
MAX_LIVE_PER_KEY = 50
MAX_LIVE_PER_TRADER = 10
MAX_LIVE_OF_TRADERS = 200
DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=30)


def new_id() -> str:
    return ID_PREFIX + base64.b32encode(secrets.token_bytes(15)).decode().lower()


def checked_id(subscription_id: str) -> str:
    text = subscription_id.strip()
    if not _ID.match(text):
        raise InvalidInput(f"{subscription_id[:60]!r} is not a subscription id (sub_ and 24 letters or digits)",
                           path="subscription_id")  # fmt: skip
    return text


def parse_topics(values: Iterable[str]) -> list[Topic]:
    """Topics named by their values, each once, in the order given."""
    topics: list[Topic] = []
    for value in values:
        try:
            topic = Topic(value.strip().lower())
        except ValueError:
            raise InvalidInput(f"unknown topic {value[:60]!r}; one of {', '.join(Topic)}", path="topics") from None
        if topic not in topics:
            topics.append(topic)
    if not topics:
        raise InvalidInput("name at least one topic", path="topics")
    return topics


def view(row: WebhookSubscription, *, now: float) -> Subscription:
    rotating = row.previous_until if row.previous_until is not None and row.previous_until > now else None
    return Subscription(
        id=row.id, member=row.member, role=row.role, operator=row.operator, url=row.url,
        topics=[Topic(t) for t in row.topics], created_at=from_unix(row.created_at),
        removed_at=from_unix(row.removed_at), previous_secret_until=from_unix(rotating),
    )  # fmt: skip


def audience_of(row: WebhookSubscription) -> Audience:
    """The subscription's audience; a row the library no longer accepts (edited by hand, or made
    by an older version) is InvalidInput, so that it holds up no other subscription."""
    try:
        return Audience(member=row.member, role=row.role, operator=row.operator, account=row.account)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"subscription {row.id} names no audience the service accepts: {reason}",
                           path="subscription") from None  # fmt: skip


def _visible(row: WebhookSubscription, caller: Audience | None) -> bool:
    if caller is None:
        return True
    if row.member != caller.member:
        return False
    if caller.role == TRADER_ROLE:  # a trader key sees its own party's subscriptions only
        return row.role == TRADER_ROLE and row.operator == caller.operator and row.account == caller.account
    return True


def find(
    session: Session, subscription_id: str, *, caller: Audience | None, change: bool = False
) -> WebhookSubscription:
    """The subscription, if `caller` may see it (and, with `change`, change it: the role that
    made it, or an admin of its member); another member's is not found, as an unknown id is."""
    row = session.get(WebhookSubscription, checked_id(subscription_id))
    if row is None or not _visible(row, caller):
        raise SubscriptionNotFound(subscription_id)
    if change:
        if caller is not None and caller.role not in (ADMIN_ROLE, row.role):
            raise NotYourSubscription(row.id, row.role)
        if row.removed_at is not None:
            raise SubscriptionRemoved(row.id, iso(row.removed_at))
    return row


def create(
    engine: Engine,
    box: SecretBox,
    *,
    audience: Audience,
    url: str,
    topics: Iterable[str],
    production: bool,
    key_id: str | None = None,
    clock: Clock = time.time,
) -> CreatedSubscription:
    """A subscription of `audience` to `topics` at `url`; from the newest indexed event on."""
    chosen = parse_topics(topics)
    check_topics(audience, chosen)
    target = check_new_target(url, production=production)
    secret = new_secret()
    subscription_id = new_id()
    now = int(clock())
    with Session(engine) as session, session.begin():
        _check_room(session, audience, key_id=key_id)
        head = last_event_id(session)
        row = WebhookSubscription(
            id=subscription_id, member=audience.member, role=audience.role, operator=audience.operator,
            account=audience.account, key_id=key_id, url=target.url, topics=[t.value for t in chosen],
            secret=box.seal(secret, subscription_id=subscription_id), created_at=now, cursor=head,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return CreatedSubscription(subscription=view(row, now=now), secret=secret)


def _live(session: Session, *where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).where(WebhookSubscription.removed_at.is_(None), *where)) or 0


def _check_room(session: Session, audience: Audience, *, key_id: str | None) -> None:
    """Refuse a subscription beyond its maker's room (SubscriptionLimit): the key's (at the
    command line: the role's, or the trader party's, of the member) and, for a trader, the
    room of the member's trader keys together."""
    trader = audience.role == TRADER_ROLE
    of_member = WebhookSubscription.member == audience.member
    if key_id is not None:
        maker = WebhookSubscription.key_id == key_id
        whose = f"the {audience.role} key {key_id}"
    else:
        maker = (
            (WebhookSubscription.key_id.is_(None)) & (WebhookSubscription.role == audience.role)
            & WebhookSubscription.operator.is_not_distinct_from(audience.operator)
            & WebhookSubscription.account.is_not_distinct_from(audience.account)
        )  # fmt: skip
        whose = f"{audience.member}'s {audience.role} at the command line" + (
            f" ({audience.operator or audience.account})" if trader else ""
        )
    limit = MAX_LIVE_PER_TRADER if trader else MAX_LIVE_PER_KEY
    if _live(session, of_member, maker) >= limit:
        raise SubscriptionLimit(whose, limit)
    if trader and _live(session, of_member, WebhookSubscription.role == TRADER_ROLE) >= MAX_LIVE_OF_TRADERS:
        raise SubscriptionLimit(f"{audience.member}'s trader keys together", MAX_LIVE_OF_TRADERS)


def list_subscriptions(
    engine: Engine, *, caller: Audience | None, member: str | None = None, include_removed: bool = False,
    clock: Clock = time.time,
) -> list[Subscription]:  # fmt: skip
    """The subscriptions `caller` may see (of `member`, when given), oldest first."""
    query = select(WebhookSubscription).order_by(WebhookSubscription.created_at, WebhookSubscription.id)
    wanted = caller.member if caller is not None else member
    if wanted is not None:
        query = query.where(WebhookSubscription.member == wanted)
    if not include_removed:
        query = query.where(WebhookSubscription.removed_at.is_(None))
    now = clock()
    with Session(engine) as session:
        return [view(row, now=now) for row in session.scalars(query) if _visible(row, caller)]


def get(engine: Engine, subscription_id: str, *, caller: Audience | None, clock: Clock = time.time) -> Subscription:
    with Session(engine) as session:
        return view(find(session, subscription_id, caller=caller), now=clock())


def remove(engine: Engine, subscription_id: str, *, caller: Audience | None, clock: Clock = time.time) -> Subscription:
    """Stop a subscription: nothing more is enqueued or posted for it (its record stays)."""
    now = int(clock())
    with Session(engine) as session, session.begin():
        row = find(session, subscription_id, caller=caller, change=True)
        row.removed_at = now
        return view(row, now=now)


def rotate(
    engine: Engine,
    box: SecretBox,
    subscription_id: str,
    *,
    caller: Audience | None,
    grace: timedelta = DEFAULT_GRACE,
    clock: Clock = time.time,
) -> CreatedSubscription:
    """A new signing secret; the one it replaces signs beside it for `grace` (0: not at all).
    A second rotation within the grace drops the oldest secret."""
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise InvalidInput(f"a grace period is 0 to {MAX_GRACE.days} days", path="grace")
    secret = new_secret()
    now = int(clock())
    with Session(engine) as session, session.begin():
        row = find(session, subscription_id, caller=caller, change=True)
        if grace > timedelta(0):
            row.previous_secret, row.previous_until = row.secret, now + int(grace.total_seconds())
        else:
            row.previous_secret, row.previous_until = None, None
        row.secret = box.seal(secret, subscription_id=row.id)
        return CreatedSubscription(subscription=view(row, now=now), secret=secret)


def signing_secrets(row: WebhookSubscription, box: SecretBox, *, now: float) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the replaced one during its grace."""
    found = [box.open(row.secret, subscription_id=row.id)]
    if row.previous_secret is not None and row.previous_until is not None and row.previous_until > now:
        found.append(box.open(row.previous_secret, subscription_id=row.id))
    return found
