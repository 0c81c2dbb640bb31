"""`sanzhi subscribe ...`: an organisation's webhook subscriptions, managed by the service's
operator on the service's database (as `sanzhi apikey` manages its keys)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from cli.context import JsonOption, print_json, print_rows, short_time, state
from ledger.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ledger.webhooks.audience import Audience
    from ledger.webhooks.models import DeliveryStatus, Subscription
    from ledger.webhooks.secret_box import SecretBox

app = typer.Typer(
    help="Webhook subscriptions: add (secret shown once), list, remove, status, replay, rotate.",
    no_args_is_help=True,
)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}

IdArgument = Annotated[str, typer.Argument(help="The subscription id (sub_..., as listed).")]


def _engine(ctx: typer.Context) -> Engine:
    from ledger.index import open_index

    return open_index(state(ctx).settings)


def _box(ctx: typer.Context) -> SecretBox:
    from ledger.webhooks.secret_box import secret_box

    return secret_box(state(ctx).settings)


def parse_duration(text: str, *, path: str) -> timedelta:
    """`24h`, `90m`, `2d`, `30s` or plain seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise InvalidInput(f"{text!r} is not a duration (e.g. 24h, 90m, 2d)", path=path)
    return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[(match[2] or "s").lower()])


@app.command()
def add(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The member subscribing, e.g. SG.")],
    url: Annotated[str, typer.Option("--url", help="Where deliveries are posted (http or https).")],
    topic: Annotated[
        list[str],
        typer.Option(
            "--topic", help="certificates, destined-certificates, consignments, aeo, mras or alerts; repeatable."
        ),
    ],
    role: Annotated[str, typer.Option("--role", help="Whose eyes: admin, customs, issuer or trader.")] = "admin",
    operator: Annotated[
        str | None, typer.Option("--operator", help="A trader's subscription: its operator id, e.g. USCI:9133...")
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="A trader's subscription: its party account.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Subscribe an organisation; the signing secret is printed this once."""
    from ledger.webhooks import store
    from ledger.webhooks.errors import TopicNotAllowed

    audience = _audience(org=org, role=role, operator=operator, account=account)
    engine = _engine(ctx)
    try:
        created = store.create(engine, _box(ctx), audience=audience, url=url, topics=topic,
                               production=state(ctx).settings.env == "prod")  # fmt: skip
    except TopicNotAllowed as exc:  # bad input at the command line: exit 2
        raise InvalidInput(exc.message, path="topic") from None
    finally:
        engine.dispose()
    if as_json:
        print_json(created)
        return
    sub = created.subscription
    typer.echo(f"subscription {sub.id} of {sub.member} ({sub.role}) to {', '.join(sub.topics)} at {sub.url}")
    typer.echo(created.secret)
    typer.echo("the signing secret is shown once; give it to the receiver now", err=True)


@app.command("list")
def list_subscriptions(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this member's.")] = None,
    removed: Annotated[bool, typer.Option("--removed", help="Removed ones too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List subscriptions (never their secrets)."""
    from ledger.webhooks import store
    from ledger.webhooks.audience import Audience

    member = Audience(member=org, role="admin").member if org else None
    engine = _engine(ctx)
    try:
        found = store.list_subscriptions(engine, caller=None, member=member, include_removed=removed)
    finally:
        engine.dispose()
    if as_json:
        print_json(found)
        return
    print_rows([_row(s) for s in found], ("ID", "ORG", "ROLE", "TOPICS", "URL", "CREATED", "REMOVED"))


@app.command()
def remove(ctx: typer.Context, subscription_id: IdArgument, as_json: JsonOption = False) -> None:
    """Remove a subscription: nothing more is posted for it."""
    from ledger.webhooks import store

    engine = _engine(ctx)
    try:
        sub = store.remove(engine, subscription_id, caller=None)
    finally:
        engine.dispose()
    if as_json:
        print_json(sub)
    else:
        typer.echo(f"subscription {sub.id} of {sub.member} removed at {short_time(sub.removed_at)}")


@app.command()
def status(
    ctx: typer.Context,
    subscription_id: Annotated[str | None, typer.Argument(help="One subscription (default: every live one).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Deliveries per state, the next attempt, the last error, and those that failed."""
    from ledger.webhooks import outbox, store

    engine = _engine(ctx)
    try:
        ids = [subscription_id] if subscription_id else [s.id for s in store.list_subscriptions(engine, caller=None)]
        found = [outbox.status(engine, i, caller=None) for i in ids]
    finally:
        engine.dispose()
    if as_json:
        print_json(found if subscription_id is None else found[0])
        return
    header = ("ID", "ORG", "PENDING", "DELIVERED", "FAILED", "NEXT ATTEMPT", "LAST ERROR")
    print_rows([_status_row(s) for s in found], header)
    for one in found:
        for failure in one.failures:
            typer.echo(f"failed: {one.subscription.id} {failure.webhook_id} {failure.event_key} (block "
                       f"{failure.block}, {failure.attempts} attempts): {failure.last_error or '-'}")  # fmt: skip


@app.command()
def replay(
    ctx: typer.Context,
    subscription_id: IdArgument,
    since: Annotated[str, typer.Option("--since", help="A block number, or the event key of a delivery (as listed).")],
    as_json: JsonOption = False,
) -> None:
    """Queue the subscription's deliveries again from a block or an event, with their webhook ids."""
    from ledger.webhooks import outbox

    engine = _engine(ctx)
    try:
        done = outbox.replay(engine, subscription_id, since=since, caller=None)
    finally:
        engine.dispose()
    if as_json:
        print_json(done)
    else:
        typer.echo(f"{done.requeued} deliveries of {done.subscription_id} queued again from block {done.from_block}; "
                   "events from there not yet delivered follow")  # fmt: skip


@app.command()
def rotate(
    ctx: typer.Context,
    subscription_id: IdArgument,
    grace: Annotated[
        str, typer.Option("--grace", help="How long the old secret still signs beside the new one (0: not at all).")
    ] = "24h",
    as_json: JsonOption = False,
) -> None:
    """A new signing secret, printed this once; the old one signs beside it for the grace period."""
    from ledger.webhooks import store

    period = parse_duration(grace, path="grace")
    engine = _engine(ctx)
    try:
        created = store.rotate(engine, _box(ctx), subscription_id, caller=None, grace=period)
    finally:
        engine.dispose()
    if as_json:
        print_json(created)
        return
    until = created.subscription.previous_secret_until
    typer.echo(f"subscription {created.subscription.id}: new signing secret"
               + (f" (the old one signs beside it until {short_time(until)})" if until else ""))  # fmt: skip
    typer.echo(created.secret)
    typer.echo("the signing secret is shown once; give it to the receiver now", err=True)


def _audience(*, org: str, role: str, operator: str | None, account: str | None) -> Audience:
    from pydantic import ValidationError

    from ledger.webhooks.audience import Audience

    if role.strip().lower() != "trader" and (operator or account):
        raise InvalidInput("only a trader's subscription names an operator or an account", path="operator")
    try:
        return Audience(member=org, role=role.strip().lower(), operator=operator, account=account)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "org"
        raise InvalidInput(str(error["msg"]).removeprefix("Value error, "), path=where) from None


def _row(sub: Subscription) -> tuple[str, ...]:
    return (sub.id, sub.member, sub.role, ",".join(sub.topics), sub.url, short_time(sub.created_at),
            short_time(sub.removed_at))  # fmt: skip


def _status_row(one: DeliveryStatus) -> tuple[str, ...]:
    return (one.subscription.id, one.subscription.member, str(one.pending), str(one.delivered), str(one.failed),
            short_time(one.next_attempt_at), (one.last_error or "-")[:60])  # fmt: skip
