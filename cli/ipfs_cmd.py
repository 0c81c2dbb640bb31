"""`sanzhi ipfs start|stop|status`: an embedded IPFS node (js-ipfs, offline) for development."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import JsonOption, print_json, state
from ledger.devnet.ipfs import EmbeddedIpfs

app = typer.Typer(
    help="Run an embedded IPFS node (js-ipfs, offline, API on 127.0.0.1) in the background.", no_args_is_help=True
)


@app.command()
def start(
    ctx: typer.Context,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=1, max=65535, help="API port on 127.0.0.1 (default: the one used before, or a free one)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Start the embedded IPFS node (or report the one already running)."""
    node = EmbeddedIpfs(state(ctx).settings.data_dir, api_port=port)
    was_running = node.status().running
    api = node.start()
    current = node.status()
    pid = current.info.pid if current.info else None
    if as_json:
        print_json({"api": api, "pid": pid, "version": current.version, "started": not was_running})
        return
    verb = "already running" if was_running else "started"
    typer.echo(f"ipfs {verb}: API {api} (js-ipfs {current.version}, pid {pid}, offline)")
    typer.echo(f"store documents on it with: export SANZHI_IPFS_API={api}")


@app.command()
def stop(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Stop the embedded IPFS node; its blobs stay in its repo for the next start."""
    stopped = EmbeddedIpfs(state(ctx).settings.data_dir).stop()
    if as_json:
        print_json({"stopped": stopped})
    else:
        typer.echo("ipfs stopped" if stopped else "ipfs was not running")


@app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print the API address of the embedded IPFS node; exit 1 when it is not running."""
    current = EmbeddedIpfs(state(ctx).settings.data_dir).status()
    info = current.info if current.running else None
    if as_json:
        print_json(
            {
                "running": current.running,
                "api": info.api if info else None,
                "pid": info.pid if info else None,
                "version": current.version,
            }
        )
    elif info is not None:
        answering = f"js-ipfs {current.version}" if current.version else "API not answering"
        typer.echo(f"running  API {info.api}  {answering}  pid {info.pid}")
    else:
        typer.echo("not running (start it with `sanzhi ipfs start`)")
    if not current.running:
        raise typer.Exit(1)
