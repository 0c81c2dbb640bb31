"""`sanzhi consortium ...`: members, governance proposals, accreditation."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, account_address, print_json, print_rows, short_time, state
from cli.names import shown_account
from ledger.consortium.binding import ConsortiumBinding, ProposalResult
from ledger.consortium.names import Names

app = typer.Typer(help="Consortium members, governance and accreditation.", no_args_is_help=True)
propose_app = typer.Typer(
    help="Propose a governance change (approved by a threshold of members).", no_args_is_help=True
)
app.add_typer(propose_app, name="propose")

AccountArg = Annotated[str, typer.Argument(help="Account address, or a profile name.")]
RoleOption = Annotated[str, typer.Option("--role", help="issuer, oracle or auditor.")]
NameOption = Annotated[
    str,
    typer.Option(
        "--name", help='Display name of the account, shown with your member (1 to 64 bytes, e.g. "CCPIT Ningbo").'
    ),
]
TypeOption = Annotated[
    str | None, typer.Option("--type", help="Certificate type, for issuers (e.g. certificate-of-origin).")
]


def _binding(ctx: typer.Context, profile: str | None = None) -> ConsortiumBinding:
    return ConsortiumBinding(state(ctx).client(profile))


@app.command()
def members(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the member administrations and the approval threshold."""
    binding = _binding(ctx)
    found, threshold, names = binding.members(), binding.threshold(), Names(binding)
    names.accounts(m.admin for m in found)  # one batch
    found = [m.with_names(names) for m in found]
    if as_json:
        print_json({"threshold": threshold, "members": found})
        return
    print_rows([(m.id, m.name, m.admin, short_time(m.joined_at)) for m in found], ("ID", "NAME", "ADMIN", "JOINED"))
    typer.echo(f"threshold: {threshold} of {len(found)}")


@app.command()
def proposals(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List governance proposals."""
    found = _binding(ctx).proposals()
    if as_json:
        print_json(found)
        return
    rows = [
        (
            str(p.id),
            p.kind,
            p.member_id
            or (str(p.threshold) if p.threshold else "")
            or ", ".join(f"{kind} {address}" for kind, address in (p.registries or {}).items()),
            p.proposer,
            str(p.approvals),
            "executed" if p.executed else "open",
        )
        for p in found
    ]
    print_rows(rows, ("ID", "KIND", "TARGET", "PROPOSER", "APPROVALS", "STATE"))


def _report(result: ProposalResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        outcome = "executed" if result.executed else "awaiting approvals"
        typer.echo(f"proposal {result.proposal_id}: {outcome} (tx {result.tx_hash})")


@propose_app.command("add-member")
def propose_add_member(
    ctx: typer.Context,
    member_id: Annotated[str, typer.Argument(help="New member id, e.g. TH.")],
    name: Annotated[str, typer.Option("--name", help="Administration name.")],
    admin: Annotated[str, typer.Option("--admin", help="Admin account (address or profile).")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose adding a member administration."""
    _report(_binding(ctx, as_).propose_add_member(member_id, name, account_address(ctx, admin)), as_json)


@propose_app.command("remove-member")
def propose_remove_member(
    ctx: typer.Context,
    member_id: Annotated[str, typer.Argument(help="Member id to remove.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose removing a member administration."""
    _report(_binding(ctx, as_).propose_remove_member(member_id), as_json)


@propose_app.command("threshold")
def propose_threshold(
    ctx: typer.Context,
    threshold: Annotated[int, typer.Argument(help="New number of approvals needed.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose a new approval threshold."""
    _report(_binding(ctx, as_).propose_threshold(threshold), as_json)


@propose_app.command("rotate-admin")
def propose_rotate_admin(
    ctx: typer.Context,
    member_id: Annotated[str, typer.Argument(help="Member whose admin account changes.")],
    admin: Annotated[str, typer.Option("--admin", help="New admin account (address or profile).")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose replacing a member's admin account."""
    _report(_binding(ctx, as_).propose_rotate_admin(member_id, account_address(ctx, admin)), as_json)


@app.command()
def approve(
    ctx: typer.Context,
    proposal_id: Annotated[int, typer.Argument(help="Proposal id.")],
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve a proposal as your member; it executes at the threshold."""
    _report(_binding(ctx, as_).approve(proposal_id), as_json)


@app.command()
def accredit(
    ctx: typer.Context,
    account: AccountArg,
    role: RoleOption,
    name: NameOption,
    cert_type: TypeOption = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accredit an account (issuer per certificate type, oracle, auditor...) for your member and name it."""
    binding = _binding(ctx, as_)
    address = account_address(ctx, account)
    sent = binding.accredit(address, role, cert_type, name=name)
    names = Names(binding)
    result = binding.accreditation(address, role, cert_type).with_names(names)
    if as_json:
        print_json({**result.model_dump(mode="json"), "tx_hash": sent.tx_hash})
    else:
        scope = f" for {result.certificate_type}" if result.certificate_type else ""
        # the name the member just set, followed by the member itself
        typer.echo(
            f"{shown_account(address, names.account(address).name)} accredited as {result.role}{scope} "
            f"by {result.member_id} (tx {sent.tx_hash})"
        )


@app.command()
def rename(
    ctx: typer.Context,
    account: AccountArg,
    name: NameOption,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change the display name of an account your member accredits."""
    binding = _binding(ctx, as_)
    address = account_address(ctx, account)
    sent = binding.rename_account(address, name=name)
    named = Names(binding).account(address)
    if as_json:
        print_json({"account": address, "name": named.name, "member_id": named.member_id, "label": named.label,
                    "tx_hash": sent.tx_hash})  # fmt: skip
    else:
        typer.echo(f"renamed: {shown_account(address, named.label)} (tx {sent.tx_hash})")


@app.command()
def withdraw(
    ctx: typer.Context,
    account: AccountArg,
    role: RoleOption,
    cert_type: TypeOption = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Withdraw an accreditation your member granted."""
    binding = _binding(ctx, as_)
    address = account_address(ctx, account)
    sent = binding.withdraw(address, role, cert_type)
    if as_json:
        print_json({"account": address, "role": role, "certificate_type": cert_type, "tx_hash": sent.tx_hash})
    else:
        typer.echo(f"accreditation of {address} as {role} withdrawn (tx {sent.tx_hash})")


@app.command()
def accreditation(
    ctx: typer.Context,
    account: AccountArg,
    role: RoleOption,
    cert_type: TypeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an account's accreditation for a role."""
    binding = _binding(ctx)
    result = binding.accreditation(account_address(ctx, account), role, cert_type).with_names(Names(binding))
    if as_json:
        print_json(result)
    else:
        status = "active" if result.active else "not active"
        typer.echo(
            f"{shown_account(result.account, result.account_name)} {result.role} {result.certificate_type or ''} "
            f"member {result.member_id or '-'}: {status} (since {short_time(result.since)}, "
            f"until {short_time(result.until)})"
        )
