"""`sanzhi aeo ...`: certify, suspend, reinstate, revoke operators; status, history, recognition."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, print_rows, state
from cli.names import shown_member
from ledger.aeo import AeoRegistryBinding, recognized
from ledger.aeo.codes import ChangeKind
from ledger.aeo.models import Certification, CertificationState, ChangeResult
from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.names import Names
from ledger.errors import KeyUnavailable, LedgerError
from ledger.timestamps import iso, parse_time

app = typer.Typer(help="AEO certifications and their recognition under MRAs.", no_args_is_help=True)

OperatorOption = Annotated[
    str, typer.Option("--operator", help="Operator id, scheme-prefixed (USCI:9131...), or its 0x hash.")
]
CertifiedByOption = Annotated[str, typer.Option("--certified-by", help="Certifying member, e.g. CN.")]
TimeOption = Annotated[str | None, typer.Option(help="ISO 8601 (UTC unless an offset is given).")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Reason code: a name (fraud, clerical-error, non-compliance ...) or number.")
]


NOUNS = {"certify": "certification", "suspend": "suspension", "reinstate": "reinstatement", "revoke": "revocation"}


def customs_member(client: LedgerClient) -> str:
    """The member whose customs (operational) key signs: AEO and MRA changes are made with those,
    never with the governance admin key."""
    binding = ConsortiumBinding(client)
    member = binding.customs_member(client.address)
    if member:
        return member
    admin_of = binding.member_of(client.address)
    if admin_of:
        raise KeyUnavailable(
            f"{client.address} is {admin_of}'s governance admin key; AEO and MRA changes are signed by a key "
            f"{admin_of} accredits with the customs role (e.g. --as {admin_of.lower()}-customs)"
        )
    raise KeyUnavailable(f"{client.address} is not a customs key of any member (accredit it with --role customs)")


@app.command()
def certify(
    ctx: typer.Context,
    operator: OperatorOption,
    tier: Annotated[str, typer.Option("--tier", help="general, advanced, or a number 1-15.")],
    valid_from: Annotated[str | None, typer.Option("--valid-from", help="ISO 8601; default now.")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="ISO 8601, exclusive.")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="0x hash, or text to hash.")] = None,
    effective: Annotated[str | None, typer.Option("--effective", help="ISO 8601; default now.")] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Certify an operator for your member (or change its tier, validity or evidence)."""
    client = state(ctx).client(as_)
    result = AeoRegistryBinding(client).certify(
        member=customs_member(client),
        operator=operator,
        tier=tier,
        valid_from=parse_time(valid_from, path="valid-from") if valid_from else None,
        valid_until=parse_time(valid_until, path="valid-until") if valid_until else None,
        evidence=evidence,
        effective_at=parse_time(effective, path="effective") if effective else None,
    )
    _changed(result, as_json, client)


def _status_change(ctx: typer.Context, kind: ChangeKind, operator: str, reason: str, effective: str | None,
                   as_: str | None, as_json: bool) -> None:  # fmt: skip
    client = state(ctx).client(as_)
    result = AeoRegistryBinding(client).change_status(
        kind,
        member=customs_member(client),
        operator=operator,
        reason=reason,
        effective_at=parse_time(effective, path="effective") if effective else None,
    )
    _changed(result, as_json, client)


@app.command()
def suspend(ctx: typer.Context, operator: OperatorOption, reason: ReasonOption = "unspecified",
            effective: Annotated[str | None, typer.Option("--effective", help="ISO 8601; default now.")] = None,
            as_: AsOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Suspend your member's certification of an operator."""
    _status_change(ctx, ChangeKind.SUSPEND, operator, reason, effective, as_, as_json)


@app.command()
def reinstate(ctx: typer.Context, operator: OperatorOption, reason: ReasonOption = "unspecified",
              effective: Annotated[str | None, typer.Option("--effective", help="ISO 8601; default now.")] = None,
              as_: AsOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Reinstate a suspended certification."""
    _status_change(ctx, ChangeKind.REINSTATE, operator, reason, effective, as_, as_json)


@app.command()
def revoke(ctx: typer.Context, operator: OperatorOption, reason: ReasonOption = "unspecified",
           effective: Annotated[str | None, typer.Option("--effective", help="ISO 8601; default now.")] = None,
           as_: AsOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Revoke your member's certification of an operator."""
    _status_change(ctx, ChangeKind.REVOKE, operator, reason, effective, as_, as_json)


@app.command()
def status(ctx: typer.Context, operator: OperatorOption, certified_by: CertifiedByOption,
           at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time; default now.")] = None,
           as_json: JsonOption = False) -> None:  # fmt: skip
    """An operator's certification in effect now (or --at), and changes scheduled after that."""
    when = parse_time(at, path="at") if at else None
    client = state(ctx).client()
    result = AeoRegistryBinding(client).certification(operator=operator, certified_by=certified_by, at=when)
    result = result.with_names(Names.load(client=client))
    if as_json:
        print_json(result)
    else:
        _show_certification(result)


@app.command()
def history(ctx: typer.Context, operator: OperatorOption, certified_by: CertifiedByOption,
            as_json: JsonOption = False) -> None:  # fmt: skip
    """Every change of an operator's certification, oldest first."""
    client = state(ctx).client()
    result = AeoRegistryBinding(client).history(operator=operator, certified_by=certified_by)
    result = result.with_names(Names.load(client=client))
    if as_json:
        print_json(result)
        return
    by = shown_member(result.certified_by, result.certified_by_name)
    if not result.history:
        typer.echo(f"{result.operator}: never certified by {by}")
        return
    print_rows(
        [_row(s) for s in result.history], ("EFFECTIVE", "RECORDED", "CHANGE", "STATUS", "TIER", "VALID", "REASON")
    )
    typer.echo(f"{result.operator} certified by {by}")


@app.command("recognized")
def recognized_cmd(
    ctx: typer.Context,
    operator: OperatorOption,
    certified_by: CertifiedByOption,
    recognised_by: Annotated[str, typer.Option("--recognised-by", "--recognized-by", help="Member asking, e.g. SG.")],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time; default now.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Is the operator, certified by one member, recognised by another (at a time)?

    Exit 0 when recognised, 1 when not, 2 when undecided (bad input, node unreachable, not
    deployed ...)."""
    try:
        result = recognized(
            client=state(ctx).client(),
            operator=operator,
            certified_by=certified_by,
            recognised_by=recognised_by,
            at=parse_time(at, path="at") if at else None,
        )
    except LedgerError as exc:
        typer.echo(f"error: undecided: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        print_json(result)
    else:
        verdict = "RECOGNISED" if result.recognized else "NOT RECOGNISED"
        typer.echo(f"{verdict} at {iso(result.at)}: {result.explanation}")
    if not result.recognized:
        raise typer.Exit(1)


def _changed(result: ChangeResult, as_json: bool, client: LedgerClient) -> None:
    result = result.with_names(Names.load(client=client))
    if as_json:
        print_json(result)
        return
    typer.echo(f"{result.change}: {result.operator} (tx {result.tx_hash})")
    _show_certification(result.certification)


def _show_certification(c: Certification) -> None:
    by = shown_member(c.certified_by, c.certified_by_name)
    if c.state is None:
        typer.echo(f"{c.operator}: never certified by {by} (id {c.operator_hash})")
        return
    scheduled = "".join(
        f"; {NOUNS.get(s.change, s.change)} scheduled for {iso(s.effective_at)}"
        + (f" ({s.reason_name})" if s.change != "certify" else "")
        for s in c.scheduled
    )
    s = c.current
    if s is None:
        typer.echo(f"{c.operator} certified by {by}: not yet in effect{scheduled}")
        return
    typer.echo(
        f"{c.operator} certified by {by}: {c.status}{scheduled}; tier {s.tier_name}, valid "
        f"{iso(s.valid_from)} to {iso(s.valid_until, empty='no expiry')}, last change {s.change} at "
        f"{iso(s.effective_at)}" + (f" ({s.reason_name})" if s.change != "certify" else "")
    )


def _row(s: CertificationState) -> tuple[str, ...]:
    reason = s.reason_name if s.change != "certify" else "-"
    valid = f"{iso(s.valid_from)} - {iso(s.valid_until)}"
    return (iso(s.effective_at), iso(s.recorded_at), s.change, s.status, s.tier_name, valid, reason)
