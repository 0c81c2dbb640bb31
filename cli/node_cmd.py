"""`sanzhi node start|stop|status`: the embedded anvil chain."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import JsonOption, print_json, state
from ledger.devnet.node import EmbeddedNode, NodeInfo, NodeProfile

app = typer.Typer(help="Run the embedded chain node (anvil) in the background.", no_args_is_help=True)

PortOption = Annotated[int, typer.Option("--port", help="RPC port on 127.0.0.1.")]


def _describe(info: NodeInfo, block: int | None) -> dict[str, object]:
    return {
        "rpc_url": info.rpc_url,
        "chain_id": info.chain_id,
        "block_number": block,
        "profile": info.profile.value,
        "pid": info.pid,
    }


@app.command()
def start(
    ctx: typer.Context,
    port: PortOption = 8545,
    profile: Annotated[
        NodeProfile,
        typer.Option("--profile", help="dev: a block per transaction; besu: gas price 0, 1 s blocks."),
    ] = NodeProfile.DEV,
    as_json: JsonOption = False,
) -> None:
    """Start the embedded node (or report the one already running)."""
    node = EmbeddedNode(state(ctx).settings.data_dir, port=port)
    info, started = node.start(profile)
    status = node.status()
    described = {**_describe(info, status.block_number), "started": started}
    if as_json:
        print_json(described)
        return
    verb = "started" if started else "already running"
    typer.echo(f"node {verb}: {info.rpc_url} (chain {info.chain_id}, profile {info.profile.value}, pid {info.pid})")


@app.command()
def stop(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Stop the embedded node; its state is saved and loaded again on the next start."""
    stopped = EmbeddedNode(state(ctx).settings.data_dir).stop()
    if as_json:
        print_json({"stopped": stopped})
    else:
        typer.echo("node stopped, state saved" if stopped else "node was not running")


@app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print RPC URL, chain id and block number of the embedded node."""
    current = EmbeddedNode(state(ctx).settings.data_dir).status()
    if as_json:
        print_json(
            {
                "running": current.running,
                **(_describe(current.info, current.block_number) if current.info else {}),
            }
        )
    elif current.running and current.info:
        info = current.info
        typer.echo(
            f"running  {info.rpc_url}  chain {info.chain_id}  block {current.block_number}"
            f"  profile {info.profile.value}"
        )
    else:
        where = state(ctx).settings.data_dir
        typer.echo(
            f"not running: no node of data directory {where} (start one with `sanzhi up` or `sanzhi node start`)"
        )
    if not current.running:
        raise typer.Exit(1)
