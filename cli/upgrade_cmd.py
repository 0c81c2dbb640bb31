"""`sanzhi upgrade ...`: new versions of the registries, by the members' vote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, print_rows, state
from ledger.consortium.registries import REGISTRY_KINDS, unix_text

app = typer.Typer(help="Upgrade the consortium's registries by vote: propose, verify, status.", no_args_is_help=True)


@app.command()
def propose(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=f"The registry kind: {', '.join(REGISTRY_KINDS)}.")],
    address: Annotated[
        str | None,
        typer.Option("--address", help="Propose this earlier version again (a rollback) instead of deploying."),
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deploy this build of KIND and propose it as the kind's active version (a member admin)."""
    from ledger.consortium.upgrades import check_kind, propose_upgrade

    check_kind(kind)
    made = propose_upgrade(state(ctx).client(as_), kind, address)
    if as_json:
        print_json(made)
        return
    what = f"{kind} {made.registry}" if address else f"{kind} deployed at {made.registry};"
    typer.echo(f"{what} proposal {made.proposal_id} lists it as the active version")
    if made.executed:
        typer.echo("the vote carried: new issuance goes to it from now on")
    else:
        typer.echo(
            f"awaiting approvals: members check it (sanzhi upgrade verify {made.proposal_id}) and vote "
            f"(sanzhi consortium approve {made.proposal_id})"
        )


@app.command()
def verify(
    ctx: typer.Context,
    proposal: Annotated[int, typer.Argument(help="The upgrade proposal's id.", min=0)],
    build: Annotated[
        Path | None,
        typer.Option("--build", help="A build of the sources you trust (forge out/); default: build them now."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the contracts from the sources and compare the code PROPOSAL would list: exit 1 on a difference."""
    from ledger.chain.artifacts import Artifacts
    from ledger.consortium.upgrades import check_proposal, check_proposal_against_sources

    client = state(ctx).client()
    checks = (
        check_proposal(client, proposal, Artifacts(build))
        if build
        else check_proposal_against_sources(client, proposal)
    )
    if as_json:
        print_json({"proposal": proposal, "matches": all(c.matches for c in checks), "checks": checks})
    else:
        for c in checks:
            typer.echo(f"{c.kind:<20} {c.registry}  {'MATCHES' if c.matches else 'DIFFERS'}: {c.detail}")
    if not all(c.matches for c in checks):
        raise typer.Exit(1)


@app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every kind's versions, addresses and active intervals, and the upgrade proposals still open."""
    from ledger.consortium.upgrades import upgrade_status

    found = upgrade_status(state(ctx).client())
    if as_json:
        print_json(found)
        return
    rows = []
    for kind in found.kinds:
        for listing in kind.versions:
            intervals = ", ".join(
                f"{unix_text(i.since)} .. {unix_text(i.until) if i.until else 'now'}" for i in listing.intervals
            )
            mark = "active" if listing.address == kind.active else ""
            rows.append((kind.kind, f"v{listing.version}", listing.address, mark, intervals))
        if not kind.versions:
            rows.append((kind.kind, "-", "-", "not listed", "-"))
    print_rows(rows, ("KIND", "VERSION", "ADDRESS", "", "ACTIVE"))
    for p in found.pending:
        named = ", ".join(f"{k} {a}" for k, a in (p.registries or {}).items())
        typer.echo(f"open proposal {p.id} by {p.proposer} ({p.approvals} approvals): {named}")
    typer.echo(f"consortium {found.consortium}")
