"""`sanzhi`: the one command line for every job."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from cli import (
    aeo_cmd,
    apikey_cmd,
    audit_cmd,
    bench_cmd,
    cert_cmd,
    consortium_cmd,
    demo_cmd,
    deploy_cmd,
    docs_cmd,
    evidence_cmd,
    index_cmd,
    ipfs_cmd,
    mra_cmd,
    network_cmd,
    node_cmd,
    oracle_cmd,
    serve_cmd,
    stats_cmd,
    up_cmd,
)
from cli.context import CliState, DataDirOption
from ledger.errors import LedgerError
from ledger.settings import LedgerSettings

app = typer.Typer(
    name="sanzhi",
    help="Permissioned ledger for customs cooperation: e-certificates, AEO/MRA, evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: DataDirOption = None,
    rpc_url: str | None = typer.Option(None, "--rpc-url", help="JSON-RPC URL of the chain node."),
) -> None:
    """Global options; the environment (SANZHI_*) supplies the rest."""
    overrides: dict[str, object] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if rpc_url is not None:
        overrides["rpc_url"] = rpc_url
    try:
        settings = LedgerSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise LedgerError(f"invalid settings: {exc.errors()[0]['msg']}") from exc
    ctx.obj = CliState(settings=settings)


app.add_typer(node_cmd.app, name="node")
app.command("deploy")(deploy_cmd.deploy)
app.add_typer(consortium_cmd.app, name="consortium")
app.add_typer(cert_cmd.app, name="cert")
app.add_typer(bench_cmd.app, name="bench")
app.add_typer(aeo_cmd.app, name="aeo")
app.add_typer(mra_cmd.app, name="mra")
app.add_typer(oracle_cmd.app, name="oracle")
app.add_typer(evidence_cmd.app, name="evidence")
app.add_typer(docs_cmd.app, name="docs")
app.command("demo")(demo_cmd.demo)
app.add_typer(stats_cmd.app, name="stats")
app.add_typer(ipfs_cmd.app, name="ipfs")
app.command("index")(index_cmd.index)
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(apikey_cmd.app, name="apikey")
app.command("serve")(serve_cmd.serve)
app.command("up")(up_cmd.up)
app.add_typer(network_cmd.app, name="network")


def run(argv: list[str] | None = None) -> int:
    """Entry point: LedgerErrors become one clear line on stderr and a non-zero exit code."""
    try:
        result = app(args=argv, prog_name="sanzhi", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except LedgerError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


def entry() -> None:
    sys.exit(run())
