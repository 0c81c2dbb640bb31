"""`sanzhi apikey ...`: the service's API keys (bound to an organisation and a role, stored hashed)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.key_lifetimes import DEFAULT_GRACE, DEFAULT_KEY_LIFETIME
from api.keystore import ApiKey, CreatedKey, KeyStore
from cli.context import JsonOption, account_address, print_json, print_rows, short_time, state

app = typer.Typer(help="API keys of the service: create (shown once), list, rotate, revoke.", no_args_is_help=True)
ExpiresOption = Annotated[
    str | None,
    typer.Option(
        "--expires",
        help=f"When the key stops working: days (90d) or a date (2027-06-30, as it begins, UTC); "
        f"default {DEFAULT_KEY_LIFETIME.days}d.",
        show_default=False,
    ),
]


def _store(ctx: typer.Context) -> KeyStore:
    return KeyStore(state(ctx).settings.resolved_database_url)


@app.command()
def create(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="Member the key acts for, e.g. CN.")],
    role: Annotated[str, typer.Option("--role", help="issuer, customs, auditor, trader, admin or oracle.")],
    label: Annotated[str, typer.Option("--label", help="Who or what holds the key.")],
    account: Annotated[
        str | None,
        typer.Option("--account", help="Trader keys only: the party account it acts for (address or profile)."),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            help="Trader keys only: its party's operator id with its scheme, e.g. USCI:91330200MA2AB1CD2X.",
        ),
    ] = None,
    expires: ExpiresOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a key; its token is printed this once and stored only as a hash. A trader key acts
    for one party account (--account), and the service signs for it only with that account; its
    --operator id lets the party see its certificates and AEO status."""
    bound = account_address(ctx, account.strip()) if account and account.strip() else account
    store = _store(ctx)
    try:  # bad input is InvalidInput: one line and exit 2, as from every command (cli.main.run)
        created = store.create(
            organisation=org, role=role, label=label, account=bound, operator=operator, expires=expires
        )
    finally:
        store.close()
    _show(created, as_json=as_json, what="for")


@app.command()
def rotate(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (16 hex digits, as listed).")],
    grace: Annotated[
        str, typer.Option("--grace", help="How long the old token still works: 30m, 24h, 7d (at most 30d).")
    ] = DEFAULT_GRACE,
    expires: ExpiresOption = None,
    as_json: JsonOption = False,
) -> None:
    """Give a key a new token (same id, organisation, role and party) and a new expiry; the old
    token works until the grace period ends (never past the key's old expiry)."""
    store = _store(ctx)
    try:
        rotated = store.rotate(key_id, grace=grace, expires=expires)
    finally:
        store.close()
    _show(rotated, as_json=as_json, what="rotated: new token for")
    if not as_json:
        typer.echo(f"the old token works until {short_time(rotated.key.previous_until)}", err=True)


def _show(created: CreatedKey, *, as_json: bool, what: str) -> None:
    if as_json:
        print_json(created)
        return
    key = created.key
    acting = f", account {key.account}" if key.account else ""
    acting += f", operator {key.operator}" if key.operator else ""
    typer.echo(f"API key {key.key_id} {what} {key.organisation} ({key.role.value}{acting}, {key.label!r}), "
               f"expires {short_time(key.expires_at)}:")  # fmt: skip
    typer.echo(created.token)
    typer.echo("the token is shown once; store it now", err=True)


@app.command("list")
def list_keys(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this member's keys.")] = None,
    active: Annotated[bool, typer.Option("--active", help="Only keys neither revoked nor expired.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List keys (never their secrets)."""
    store = _store(ctx)
    try:
        keys = store.list(organisation=org, include_revoked=not active)
    finally:
        store.close()
    if as_json:
        print_json(keys)
        return
    print_rows([_row(k) for k in keys],
               ("KEY", "ORG", "ROLE", "ACCOUNT", "OPERATOR", "LABEL", "CREATED", "EXPIRES", "REVOKED"))  # fmt: skip


@app.command()
def revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (16 hex digits, as listed).")],
    as_json: JsonOption = False,
) -> None:
    """Revoke a key: every request with it is refused from now on."""
    store = _store(ctx)
    try:
        key = store.revoke(key_id)
    finally:
        store.close()
    if as_json:
        print_json(key)
    else:
        typer.echo(f"API key {key.key_id} of {key.organisation} revoked at {short_time(key.revoked_at)}")


def _row(key: ApiKey) -> tuple[str, ...]:
    return (key.key_id, key.organisation, key.role.value, key.account or "-", key.operator or "-", key.label,
            short_time(key.created_at), short_time(key.expires_at), short_time(key.revoked_at))  # fmt: skip
