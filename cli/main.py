"""`sanzhi`: the one command line for every job.

A command's module is imported when the command runs (cli/lazy.py): `sanzhi --help` and the
commands that need no chain client start without web3, SQLAlchemy or FastAPI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.lazy import LazyCommand, LazyGroup
from ledger.errors import InvalidInput, LedgerError

COMMANDS = (
    LazyCommand("node", "cli.node_cmd:app", "Run the embedded chain node (anvil) in the background."),
    LazyCommand(
        "deploy",
        "cli.deploy_cmd:deploy",
        "Deploy the contracts in dependency order; running it again deploys nothing new.",
    ),
    LazyCommand("consortium", "cli.consortium_cmd:app", "Consortium members, governance and accreditation."),
    LazyCommand(
        "upgrade", "cli.upgrade_cmd:app", "Upgrade the consortium's registries by vote: propose, verify, status."
    ),
    LazyCommand("cert", "cli.cert_cmd:app", "E-certificates: issue, verify, share selectively, revoke, utilize."),
    LazyCommand("bench", "cli.bench_cmd:app", "Benchmarks (results as JSON, written to --out)."),
    LazyCommand("aeo", "cli.aeo_cmd:app", "AEO certifications and their recognition under MRAs."),
    LazyCommand("mra", "cli.mra_cmd:app", "Mutual recognition arrangements (MRAs) between members."),
    LazyCommand("alert", "cli.alert_cmd:app", "Joint risk alerts between members: publish, extend, withdraw, list."),
    LazyCommand("oracle", "cli.oracle_cmd:app", "Oracles: feed customs systems' decisions to the chain."),
    LazyCommand(
        "evidence", "cli.evidence_cmd:app", "Evidence chains of consignments: EPCIS 2.0 events, audit, proof bundles."
    ),
    LazyCommand("docs", "cli.docs_cmd:app", "Encrypted documents off chain: put, get, share, verify, sync."),
    LazyCommand(
        "demo",
        "cli.demo_cmd:demo",
        "Start the embedded node, deploy the development consortium, walk a certificate through.",
    ),
    LazyCommand(
        "stats", "cli.stats_cmd:app", "Trade statistics: monthly tables committed as Merkle roots, mirror comparisons."
    ),
    LazyCommand(
        "assess",
        "cli.assess_cmd:app",
        "Smart-readiness self-assessment: a form, submissions on chain, comparisons with the median.",
    ),
    LazyCommand(
        "ipfs", "cli.ipfs_cmd:app", "Run an embedded IPFS node (js-ipfs, offline, API on 127.0.0.1) in the background."
    ),
    LazyCommand(
        "index",
        "cli.index_cmd:index",
        "Index every contract event from the deployment block to the head into SQL (SANZHI_DATABASE_URL, default "
        "SQLite in the data directory); import your issuer records.",
    ),
    LazyCommand("audit", "cli.audit_cmd:app", "Audit queries over the index: who did what, when."),
    LazyCommand("apikey", "cli.apikey_cmd:app", "API keys of the service: create (shown once), list, rotate, revoke."),
    LazyCommand(
        "subscribe",
        "cli.subscribe_cmd:app",
        "Webhook subscriptions: add (secret shown once), list, remove, status, replay, rotate.",
    ),
    LazyCommand("serve", "cli.serve_cmd:serve", "Serve the API (OpenAPI at /docs) until interrupted."),
    LazyCommand(
        "up",
        "cli.up_cmd:up",
        "Start the node, deploy, seed a demo once, index, and serve the API and portal until Ctrl-C.",
    ),
    LazyCommand(
        "network",
        "cli.network_cmd:app",
        "Generate, check and extend a Hyperledger Besu QBFT network, one validator per member.",
    ),
)


class SanzhiCommands(LazyGroup):
    table = COMMANDS

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        """Run the command; a missing node or deployment is reported with the data directory
        looked in (the library that raises it does not know which one the command used)."""
        from ledger.errors import NodeNotRunning, NotDeployed

        try:
            return super().invoke(ctx)
        except NodeNotRunning as exc:
            if exc.data_dir is not None or not hasattr(ctx.obj, "settings"):
                raise
            raise NodeNotRunning(exc.rpc_url, exc.detail, data_dir=ctx.obj.settings.data_dir) from exc
        except NotDeployed as exc:
            if exc.deployments_dir is not None or not hasattr(ctx.obj, "settings"):
                raise
            where = ctx.obj.settings.resolved_deployments_dir
            raise NotDeployed(exc.chain_id, exc.detail, deployments_dir=where) from exc


app = typer.Typer(
    name="sanzhi",
    help="Permissioned ledger for customs cooperation: e-certificates, AEO/MRA, evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=SanzhiCommands,
)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data directory (else SANZHI_DATA_DIR, else the nearest .sanzhi up from here, else ~/.local/share/sanzhi)",
    ),
]


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: DataDirOption = None,
    rpc_url: str | None = typer.Option(None, "--rpc-url", help="JSON-RPC URL of the chain node."),
) -> None:
    """Global options; the environment (SANZHI_*) supplies the rest."""
    # imported once a command runs (the callback does not run for `sanzhi --help`): pydantic-settings
    # alone would double the help's start-up
    from pydantic import ValidationError

    from cli.context import CliState
    from ledger.settings import LedgerSettings

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
    except InvalidInput as exc:  # bad input, like a usage error: exit 2
        typer.echo(f"error: {exc.message}", err=True)
        return 2
    except LedgerError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


def entry() -> None:
    sys.exit(run())


if __name__ == "__main__":  # python -m cli.main
    entry()
