"""`sanzhi alert ...`: joint risk alerts a member's customs publishes for its partners."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cli.aeo_cmd import customs_member
from cli.context import AsOption, JsonOption, print_json, print_rows, signing_key, state
from cli.docs_cmd import blob_store
from cli.names import shown_account, shown_member
from ledger.aeo.codes import operator_hash
from ledger.alerts import Alert, AlertRegistryBinding, AlertScope, Severity
from ledger.alerts.reason_document import put_reason
from ledger.consortium.names import Names
from ledger.errors import InvalidInput
from ledger.store.cid import ContentId
from ledger.timestamps import iso, parse_time

app = typer.Typer(help="Joint risk alerts between members: publish, extend, withdraw, list.", no_args_is_help=True)

IdArg = Annotated[int, typer.Argument(help="The alert's id (see `sanzhi alert list`).", min=1)]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="End, ISO 8601 (UTC unless an offset is given); or --days.")
]
DaysOption = Annotated[
    int | None, typer.Option("--days", help="In force for this many days from now (instead of --until).", min=1)
]


def _end(binding: AlertRegistryBinding, until: str | None, days: int | None) -> datetime:
    """The end a user gave: a time, or a number of days from the chain's time now."""
    if (until is None) == (days is None):
        raise InvalidInput("give the end as either --until DATE or --days N", path="until")
    if until is not None:
        return parse_time(until, path="until")
    return binding.now() + timedelta(days=days or 0)


def _operator(value: str | None, origins: list[str]) -> str | None:
    """A pseudonymous operator id: given as 0x hash, or hashed from a national id with the one
    origin member that certifies it (as the AEO registry keys operators)."""
    if value is None:
        return None
    if value.strip().lower().startswith("0x"):
        return value
    if len(origins) != 1:
        raise InvalidInput(
            "give the operator's 0x id, or its national id with exactly one --origin (the member that registers it)",
            path="operator",
        )
    return "0x" + operator_hash(origins[0], value).hex()


@app.command()
def publish(
    ctx: typer.Context,
    severity: Annotated[Severity, typer.Option("--severity", help="low, medium or high.", case_sensitive=False)],
    until: UntilOption = None,
    days: DaysOption = None,
    hs: Annotated[list[str] | None, typer.Option("--hs", help="HS chapter, heading or subheading (repeat).")] = None,
    origin: Annotated[list[str] | None, typer.Option("--origin", help="Origin member, e.g. CN (repeat).")] = None,
    destination: Annotated[
        list[str] | None, typer.Option("--destination", help="Destination member, e.g. SG (repeat).")
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Operator: its 0x id, or national id with one --origin.")
    ] = None,
    loading: Annotated[
        list[str] | None, typer.Option("--port-of-loading", help="UN/LOCODE, e.g. CNNGB (repeat).")
    ] = None,
    discharge: Annotated[
        list[str] | None, typer.Option("--port-of-discharge", help="UN/LOCODE, e.g. SGSIN (repeat).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Start, ISO 8601; default now.")] = None,
    reason_file: Annotated[
        Path | None,
        typer.Option("--reason-file", help="The reason's details, shared encrypted.", exists=True, dir_okay=False),
    ] = None,
    share_with: Annotated[
        list[str] | None, typer.Option("--share-with", help="Member whose customs may read the reason (repeat).")
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Publish an alert as your member's customs; prints its id."""
    if share_with and reason_file is None:
        raise InvalidInput("--share-with names who reads the --reason-file; give the file too", path="share-with")
    origins = origin or []
    scope = AlertScope(
        hs=hs or [],
        origins=origins,
        destinations=destination or [],
        operator=_operator(operator, origins),
        ports_of_loading=loading or [],
        ports_of_discharge=discharge or [],
    )
    start = parse_time(since, path="since") if since else None
    cli = state(ctx)
    client = cli.client(as_)
    binding = AlertRegistryBinding(client)
    end = _end(binding, until, days)
    customs_member(client)  # a governance or other key is told which key to use instead
    reason = None
    if reason_file is not None:
        put = put_reason(
            client=client,
            sender=signing_key(client, needed_for="sharing the reason needs the publisher's key"),
            source=reason_file,
            share_with=share_with or [],
            blobs=blob_store(cli.settings),
        )
        reason = ContentId.parse(put.cid)
    alert = binding.publish(severity=severity, scope=scope, until=end, since=start, reason_cid=reason)
    _print(alert.with_names(Names.load(client=client)), as_json, f"alert {alert.id} published")


@app.command()
def extend(ctx: typer.Context, alert_id: IdArg, until: UntilOption = None, days: DaysOption = None,
           as_: AsOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Keep one of your member's alerts in force until a later time."""
    client = state(ctx).client(as_)
    binding = AlertRegistryBinding(client)
    end = _end(binding, until, days)
    customs_member(client)
    alert, _ = binding.extend(alert_id, end)
    _print(alert.with_names(Names.load(client=client)), as_json, f"alert {alert.id} extended")


@app.command()
def withdraw(ctx: typer.Context, alert_id: IdArg, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Withdraw one of your member's alerts from now on."""
    client = state(ctx).client(as_)
    customs_member(client)
    alert, _ = AlertRegistryBinding(client).withdraw(alert_id)
    _print(alert.with_names(Names.load(client=client)), as_json, f"alert {alert.id} withdrawn")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Also alerts ended, withdrawn or not yet begun.")] = False,
    at: Annotated[str | None, typer.Option("--at", help="In force at this ISO 8601 time; default now.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The alerts in force now (the chain's time, or --at), or every alert (--all)."""
    client = state(ctx).client()
    binding = AlertRegistryBinding(client)
    when = parse_time(at, path="at") if at else binding.now()
    alerts = binding.alerts() if all_ else binding.in_force(when)
    names = Names.load(client=client)
    alerts = [a.with_names(names) for a in alerts]
    if as_json:
        print_json(binding.with_tx_hashes(alerts))
        return
    if not alerts:
        typer.echo("no alerts" if all_ else f"no alert in force at {iso(when)}")
        return
    print_rows([_row(a, when) for a in alerts], ("ID", "MEMBER", "SEVERITY", "STATE", "UNTIL", "SCOPE"))


@app.command()
def show(ctx: typer.Context, alert_id: IdArg, as_json: JsonOption = False) -> None:
    """One alert: scope, interval, extensions, withdrawal, reason."""
    client = state(ctx).client()
    alert = AlertRegistryBinding(client).alert(alert_id).with_names(Names.load(client=client))
    _print(alert, as_json, f"alert {alert.id}")


def _print(alert: Alert, as_json: bool, headline: str) -> None:
    if as_json:
        print_json(alert)
        return
    typer.echo(f"{headline}: {alert.severity} from {shown_member(alert.member, alert.member_name)}")
    typer.echo(f"  scope: {_scope_text(alert.scope)}")
    typer.echo(f"  in force: {iso(max(alert.since, alert.published_at))} until {iso(alert.until)}")
    for extension in alert.extensions:
        typer.echo(f"  extended at {iso(extension.at)} until {iso(extension.until)}")
    if alert.withdrawn_at is not None:
        typer.echo(f"  withdrawn at {iso(alert.withdrawn_at)}")
    by = shown_account(alert.publisher, alert.publisher_name.label if alert.publisher_name else None)
    typer.echo(f"  published by {by} (tx {alert.tx_hash or '-'})")
    if alert.reason_cid:
        typer.echo(f"  reason: {alert.reason_cid} (`sanzhi docs get {alert.reason_cid}` if shared with you)")


def _row(alert: Alert, at: datetime) -> tuple[str, ...]:
    return (
        str(alert.id),
        alert.member,
        alert.severity.value,
        alert.state_at(at).value,
        iso(alert.until),
        _scope_text(alert.scope),
    )


def _scope_text(scope: AlertScope) -> str:
    parts = [
        ("HS", scope.hs),
        ("from", scope.origins),
        ("to", scope.destinations),
        ("loading", scope.ports_of_loading),
        ("discharge", scope.ports_of_discharge),
    ]
    shown = [f"{label} {','.join(values)}" for label, values in parts if values]
    if scope.operator:
        shown.append(f"operator {scope.operator[:10]}…")
    return "; ".join(shown) or "everything"
