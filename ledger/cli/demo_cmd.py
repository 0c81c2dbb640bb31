"""`sanzhi demo`: the main job on the embedded chain, start to finish."""

from __future__ import annotations

from typing import Annotated

import typer

from ledger.cli.context import state
from ledger.consortium import ConsortiumBinding
from ledger.dev_consortium import deploy_dev
from ledger.node import EmbeddedNode


def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port of the embedded node.")] = 8545,
) -> None:
    """Start the embedded node, deploy the development consortium and walk through it."""
    cli = state(ctx)
    settings = cli.settings
    info, started = EmbeddedNode(settings.data_dir, port=port).start()
    typer.echo(f"[1] chain node {'started' if started else 'running'} at {info.rpc_url} (chain {info.chain_id})")
    result = deploy_dev(
        rpc_client_for=cli.client, deployments_dir=settings.resolved_deployments_dir, data_dir=settings.data_dir
    )
    for name, contract in result.deployment.contracts.items():
        typer.echo(f"[2] {name:<20} {contract.address}")
    consortium = ConsortiumBinding(cli.client())
    members = consortium.members()
    typer.echo(
        f"[3] consortium: {', '.join(f'{m.id} ({m.name})' for m in members)}; threshold {consortium.threshold()}"
    )
    typer.echo("    development profiles (PUBLIC test-mnemonic keys): cn-customs, sg-customs, cn-issuer, ...")
    typer.echo("done. Stop the node with `.venv/bin/sanzhi node stop`; its state is kept in .sanzhi/.")
