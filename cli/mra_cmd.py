"""`sanzhi mra ...`: mutual recognition arrangements between member administrations."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.aeo_cmd import customs_member
from cli.context import AsOption, JsonOption, print_json, print_rows, state
from cli.names import shown_member
from ledger.aeo import MraBinding
from ledger.aeo.codes import parse_tiers
from ledger.aeo.models import Mra, MraActionResult
from ledger.consortium.names import Names
from ledger.timestamps import iso, parse_time

app = typer.Typer(help="Mutual recognition arrangements (MRAs) between members.", no_args_is_help=True)


def header(m: Mra | None) -> tuple[str, ...]:
    return ("MEMBER", "PARTNER", f"AT {iso(m.at)}" if m else "AT", "SINCE", "MEMBER RECOGNISES", "PARTNER RECOGNISES")


WithOption = Annotated[str, typer.Option("--with", help="The partner member, e.g. SG.")]


@app.command()
def propose(
    ctx: typer.Context,
    partner: WithOption,
    tiers: Annotated[
        str, typer.Option("--tiers", help="Tiers of the partner's AEOs you recognise (general,advanced or 1,2).")
    ] = "general,advanced",
    partner_tiers: Annotated[
        str | None, typer.Option("--partner-tiers", help="Tiers of your AEOs the partner recognises (default --tiers).")
    ] = None,
    effective: Annotated[str | None, typer.Option("--effective", help="ISO 8601; default on acceptance.")] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose an MRA (or an amendment) to a partner; it takes effect when the partner accepts."""
    mine = parse_tiers(tiers)
    theirs = parse_tiers(partner_tiers) if partner_tiers else mine
    client = state(ctx).client(as_)
    result = MraBinding(client).propose(
        member=customs_member(client),
        partner=partner,
        tiers_recognised_by_member=mine,
        tiers_recognised_by_partner=theirs,
        effective_from=parse_time(effective, path="effective") if effective else None,
    )
    _report(result, as_json)


def _act(ctx: typer.Context, action: str, partner: str, as_: str | None, as_json: bool) -> None:
    client = state(ctx).client(as_)
    binding = MraBinding(client)
    act = {
        "cancel": binding.cancel,
        "suspend": binding.suspend,
        "resume": binding.resume,
        "terminate": binding.terminate,
    }[action]
    _report(act(member=customs_member(client), partner=partner), as_json)


@app.command()
def accept(
    ctx: typer.Context,
    partner: WithOption,
    tiers: Annotated[
        str,
        typer.Option(
            "--tiers", help="Tiers of the partner's AEOs you recognise, as the proposal says (general,advanced)."
        ),
    ],
    partner_tiers: Annotated[
        str | None, typer.Option("--partner-tiers", help="Tiers of your AEOs the partner recognises (default --tiers).")
    ] = None,
    effective: Annotated[
        str | None,
        typer.Option("--effective", help="The proposed effective time (ISO 8601); omit for on acceptance."),
    ] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accept the partner's proposal on the terms you name (`mra list` shows them).

    The terms are restated so that the proposer cannot change them between your reading and
    your acceptance: a proposal that differs is refused.
    """
    mine = parse_tiers(tiers)
    theirs = parse_tiers(partner_tiers) if partner_tiers else mine
    client = state(ctx).client(as_)
    result = MraBinding(client).accept(
        member=customs_member(client),
        partner=partner,
        tiers_recognised_by_proposer=theirs,
        tiers_recognised_by_partner=mine,
        effective_from=parse_time(effective, path="effective") if effective else None,
    )
    _report(result, as_json)


@app.command()
def cancel(ctx: typer.Context, partner: WithOption, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Withdraw your proposal, or reject the partner's."""
    _act(ctx, "cancel", partner, as_, as_json)


@app.command()
def suspend(ctx: typer.Context, partner: WithOption, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Suspend an MRA in force."""
    _act(ctx, "suspend", partner, as_, as_json)


@app.command()
def resume(ctx: typer.Context, partner: WithOption, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Resume an MRA your member suspended."""
    _act(ctx, "resume", partner, as_, as_json)


@app.command()
def terminate(ctx: typer.Context, partner: WithOption, as_: AsOption = None, as_json: JsonOption = False) -> None:
    """Terminate an MRA."""
    _act(ctx, "terminate", partner, as_, as_json)


@app.command("list")
def list_mras(
    ctx: typer.Context,
    member: Annotated[str | None, typer.Option("--member", help="Only this member's MRAs.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time; default now.")] = None,
    as_json: JsonOption = False,
) -> None:
    """MRAs and pending proposals between members, each as in effect now (or --at): in force
    exactly when `aeo recognized` at that time finds it in force."""
    when = parse_time(at, path="at") if at else None
    client = state(ctx).client()
    names = Names.load(client=client)
    found = [m.with_names(names) for m in MraBinding(client).list_mras(member=member, at=when)]
    if as_json:
        print_json(found)
        return
    if not found:
        typer.echo("no MRAs")
        return
    print_rows([_row(m) for m in found], header(found[0]))


def _row(m: Mra) -> tuple[str, ...]:
    """The MRA as in effect at `m.at`, with the changes recorded to take effect later."""
    if m.changes == 0 and m.proposal is not None:
        p = m.proposal
        by_member = p.tiers_recognised_by_proposer if p.proposer == m.member else p.tiers_recognised_by_partner
        by_partner = p.tiers_recognised_by_partner if p.proposer == m.member else p.tiers_recognised_by_proposer
        status = f"proposed by {p.proposer}"
        return (shown_member(m.member, m.member_name), shown_member(m.partner, m.partner_name), status,
                iso(p.proposed_at), ",".join(by_member), ",".join(by_partner))  # fmt: skip
    s = m.state_at
    words = {"none": "not in force", "in-force": "in force", "suspended": "suspended", "terminated": "terminated"}
    status = words.get(s.status, s.status)
    if s.status == "suspended" and m.suspended_by and m.state.status == "suspended":
        status += f" by {m.suspended_by}"
    status += "".join(f"; {words.get(f.status, f.status)} from {iso(f.since)}" for f in m.scheduled)
    if m.proposal is not None:
        status += f" (amendment proposed by {m.proposal.proposer})"
    return (shown_member(m.member, m.member_name), shown_member(m.partner, m.partner_name), status, iso(s.since),
            ",".join(s.tiers_recognised_by_member) or "-", ",".join(s.tiers_recognised_by_partner) or "-")  # fmt: skip


def _report(result: MraActionResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    typer.echo(f"MRA {result.member}-{result.partner} {result.action} (tx {result.tx_hash})")
    print_rows([_row(result.mra)], header(result.mra))
