"""`sanzhi deploy`: deploy every contract, record addresses, optionally bootstrap dev."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import AsOption, JsonOption, print_json, state
from ledger.chain.deploy import DeployResult, Founder, deploy_all
from ledger.consortium.founding import list_founding_registries
from ledger.devnet.consortium import deploy_dev
from ledger.errors import InvalidInput


def deploy(
    ctx: typer.Context,
    dev: Annotated[
        bool,
        typer.Option("--dev", help="Also bootstrap the DEVELOPMENT consortium (public test-mnemonic keys)."),
    ] = False,
    member: Annotated[
        str | None, typer.Option("--member", help="Founding member id, e.g. CN (not with --dev).")
    ] = None,
    member_name: Annotated[str | None, typer.Option("--member-name", help="Founding member's name.")] = None,
    as_: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deploy the contracts in dependency order; running it again deploys nothing new."""
    cli = state(ctx)
    settings = cli.settings
    if dev:
        if settings.env == "prod":
            raise InvalidInput("--dev uses public development keys; refused with SANZHI_ENV=prod")
        result = deploy_dev(
            rpc_client_for=cli.client,
            deployments_dir=settings.resolved_deployments_dir,
            data_dir=settings.data_dir,
        )
    else:
        if not member or not member_name:
            raise InvalidInput("give --member ID and --member-name NAME for the founding member (or --dev)")
        client = cli.client(as_)
        founder = Founder(member_id=member, name=member_name, admin=client.address)
        result = deploy_all(
            client=client, deployments_dir=settings.resolved_deployments_dir, founders=[founder], threshold=1
        )
        founding = list_founding_registries([client], result.deployment)
        if founding is not None:
            result.founding_proposal, result.founding_listed = founding.proposal_id, founding.executed
    _report(result, as_json, dev)


def _report(result: DeployResult, as_json: bool, dev: bool) -> None:
    if as_json:
        print_json(result)
        return
    deployment = result.deployment
    for name, c in deployment.contracts.items():
        mark = "deployed" if name in result.deployed else "existing"
        typer.echo(f"{name:<20} {c.address}  block {c.block}  ({mark})")
    typer.echo(f"chain {deployment.chain_id}, deployment block {deployment.deployment_block}; written to {result.path}")
    if result.founding_proposal is not None:
        outcome = "carried: the consortium lists these registries" if result.founding_listed else "open"
        typer.echo(f"founding vote (proposal {result.founding_proposal}) {outcome}")
    if dev:
        typer.echo("development consortium CN+SG ready; profiles use PUBLIC test-mnemonic keys (dev only)")
