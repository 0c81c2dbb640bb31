"""`sanzhi apikey ...`: the service's API keys (bound to an organisation and a role, stored hashed)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.keystore import ApiKey, KeyStore
from cli.context import JsonOption, account_address, print_json, print_rows, short_time, state

app = typer.Typer(help="API keys of the service: create (shown once), list, revoke.", no_args_is_help=True)


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
    as_json: JsonOption = False,
) -> None:
    """Create a key; its token is printed this once and stored only as a hash. A trader key acts
    for one party account (--account), and the service signs for it only with that account; its
    --operator id lets the party see its certificates and AEO status."""
    bound = account_address(ctx, account.strip()) if account and account.strip() else account
    store = _store(ctx)
    try:  # bad input is InvalidInput: one line and exit 2, as from every command (cli.main.run)
        created = store.create(organisation=org, role=role, label=label, account=bound, operator=operator)
    finally:
        store.close()
    if as_json:
        print_json(created)
        return
    key = created.key
    acting = f", account {key.account}" if key.account else ""
    acting += f", operator {key.operator}" if key.operator else ""
    typer.echo(f"API key {key.key_id} for {key.organisation} ({key.role.value}{acting}, {key.label!r}):")
    typer.echo(created.token)
    typer.echo("the token is shown once; store it now", err=True)


@app.command("list")
def list_keys(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", help="Only this member's keys.")] = None,
    active: Annotated[bool, typer.Option("--active", help="Only keys not revoked.")] = False,
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
    print_rows([_row(k) for k in keys], ("KEY", "ORG", "ROLE", "ACCOUNT", "OPERATOR", "LABEL", "CREATED", "REVOKED"))


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
            short_time(key.created_at), short_time(key.revoked_at))  # fmt: skip
