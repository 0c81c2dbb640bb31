"""`sanzhi up`: the whole development system in one command, what `make run` runs.

The embedded node (reused, or started on --port or a free port), the development consortium,
a small demo seeded once per chain, the audit index caught up and then followed in a thread,
and the service of CN with its portal on --api-port (or a free port) until SIGINT or SIGTERM;
then the service, the follower and the node it started stop, and the command exits 0.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import typer

from api.dev_keys import DevApiKeys, dev_keys_path, ensure_dev_keys
from api.keystore import ApiRole, KeyStore
from api.main import create_app
from api.settings import ServiceSettings
from cli.context import CliState, state
from cli.up_runtime import (
    Interrupted,
    exclusive,
    interruptible,
    progress,
    quiet_signals,
    serve,
    start_follower,
    start_webhooks,
)
from demo.seed import OPERATORS, TRADER_PARTY, SeedRecord, seed_demo
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.devnet.consortium import deploy_dev, dev_address
from ledger.devnet.node_start import NodeStart, bind_listener, start_node, stop_node
from ledger.index import Follower, import_numbers, import_wrapped, open_index
from ledger.index.errors import ChainReset

HOST = "127.0.0.1"  # development keys sign here: never listen beyond this machine
ORGANISATION = "CN"
DEV_KEYS = [(ORGANISATION, role) for role in (ApiRole.AUDITOR, ApiRole.ISSUER, ApiRole.TRADER, ApiRole.ORACLE)]


def up(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Node RPC port (taken: a free one).")] = 8545,
    api_port: Annotated[
        int, typer.Option("--api-port", min=1, max=65535, help="Service port (taken: a free one).")
    ] = 8000,
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between index polls.")] = 1.0,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "warning",
) -> None:
    """Start the node, deploy, seed a demo once, index, and serve the API and portal until Ctrl-C."""
    data_dir = state(ctx).settings.data_dir
    with exclusive(data_dir), interruptible() as stop:
        node: NodeStart | None = None
        follower_thread = None
        webhooks_thread = None
        try:
            with progress("starting the chain node"):
                node = start_node(data_dir=data_dir, host=HOST, port=port)
            _say_node(node)
            # this command talks to the node it just found or started, whatever SANZHI_RPC_URL says
            settings = state(ctx).settings.model_copy(update={"rpc_url": node.info.rpc_url})
            cli = CliState(settings=settings)
            with progress("deploying the development consortium"):
                deploy_dev(
                    rpc_client_for=cli.client, deployments_dir=settings.resolved_deployments_dir, data_dir=data_dir
                )
            typer.echo(f"development consortium (CN, SG) deployed on chain {node.info.chain_id}")
            with progress("seeding the demo"):
                outcome = seed_demo(client_for=cli.client, data_dir=data_dir, say=lambda line: typer.echo(f"  {line}"))
            seed = outcome.record
            typer.echo("demo data seeded" if outcome.seeded else f"demo data already on this chain ({seed.directory})")
            with progress("indexing the chain"):
                follower = _index(cli, seed)
            keys = _dev_keys(settings.resolved_database_url, data_dir)
            listener, asked = bind_listener(HOST, api_port)
            if not asked:
                typer.echo(f"port {api_port} is taken: the service uses {listener.getsockname()[1]}")
            # a fresh follower after a failure or a reset: it reads the deployment record again
            follower_thread = start_follower(
                follower=lambda: Follower(client=cli.client(), engine=follower.engine),
                stop=stop,
                poll_seconds=interval,
                rebuild_on_reset=True,
                on_rebuilt=lambda engine: import_numbers(
                    engine=engine, numbers=IssuedNumbers(numbers_path(settings.data_dir))
                ),
            )
            service = ServiceSettings(organisation=ORGANISATION, port=listener.getsockname()[1])
            app = create_app(settings, service, freeze_startup_heap=True)
            base = f"http://{HOST}:{listener.getsockname()[1]}"
            webhooks_thread = start_webhooks(settings=settings, stop=stop, base_url=base)
            quiet_signals(stop)
            serve(
                app=app,
                listener=listener,
                log_level=log_level,
                service=service,
                on_started=lambda: _banner(base, seed, keys, data_dir),
            )
        except Interrupted:
            typer.echo("\ninterrupted while starting up; stopping", err=True)
            raise
        finally:
            stop.set()
            quiet_signals(stop)  # cleanup is not cut short by another Ctrl-C
            for thread in (follower_thread, webhooks_thread):
                if thread is not None:
                    thread.join(timeout=30)
            _stop_node(data_dir, node)
    typer.echo("stopped; the data stays in " + str(data_dir) + " for the next `sanzhi up`")


def _say_node(node: NodeStart) -> None:
    info = node.info
    if not node.started:
        typer.echo(f"chain node already running at {info.rpc_url} (chain {info.chain_id})")
    elif info.port != node.requested_port:
        typer.echo(f"port {node.requested_port} is taken: chain node started at {info.rpc_url} (recorded)")
    else:
        typer.echo(f"chain node started at {info.rpc_url} (chain {info.chain_id})")


def _index(cli: CliState, seed: SeedRecord) -> Follower:
    """The index caught up to the head (rebuilt when the chain it held was reset), with the
    seeded certificates' numbers, so an auditor finds them by number."""
    engine = open_index(cli.settings)
    follower = Follower(client=cli.client(), engine=engine)
    try:
        report = follower.catch_up()
    except ChainReset:
        # the index is derived data: the chain it described was reset, so it describes nothing
        typer.echo("the index held a chain that was reset: indexing this one afresh")
        report = follower.catch_up(rebuild=True)
    import_wrapped(engine=engine, paths=[Path(seed.directory) / "wrapped"])
    typer.echo(f"index at block {report.checkpoint} ({report.events} new events); following new blocks")
    return follower


def _dev_keys(database_url: str, data_dir: Path) -> DevApiKeys:
    store = KeyStore(database_url)
    try:
        keys, created = ensure_dev_keys(
            store=store,
            path=dev_keys_path(data_dir),
            wanted=DEV_KEYS,
            accounts={ORGANISATION: dev_address(TRADER_PARTY[0])},
            operators={ORGANISATION: TRADER_PARTY[1]},
        )
    finally:
        store.close()
    typer.echo(f"development API keys {'created' if created else 'kept'} in {dev_keys_path(data_dir)} (0600)")
    return keys


def _stop_node(data_dir: Path, node: NodeStart | None) -> None:
    if node is None:
        return
    if not node.owned:
        typer.echo(f"the chain node at {node.info.rpc_url} was running before: left running", err=True)
        return
    stop_node(data_dir)


def _banner(base: str, seed: SeedRecord, keys: DevApiKeys, data_dir: Path) -> None:
    auditor = keys.token(ORGANISATION, ApiRole.AUDITOR)
    issuer = keys.token(ORGANISATION, ApiRole.ISSUER)
    trader = keys.token(ORGANISATION, ApiRole.TRADER)
    oracle = keys.token(ORGANISATION, ApiRole.ORACLE)
    member, operator = OPERATORS[0][0], OPERATORS[0][1]
    recognition = urlencode({"operator": operator, "certified_by": member, "recognised_by": "SG"})
    search = urlencode({"certificate": seed.numbers[-1]})
    lines = [
        "",
        f"sanzhi is up. Portal: {base}/   (API docs: {base}/docs)",
        "",
        "Development API keys (DEVELOPMENT ONLY, kept in the data directory):",
        f"  CN auditor  {auditor}",
        f"  CN issuer   {issuer}",
        f"  CN trader   {trader}   (acts for {TRADER_PARTY[0]} {dev_address(TRADER_PARTY[0])}, "
        f"operator {TRADER_PARTY[1]}; sign in at {base}/login for its own pages)",
        f"  CN oracle   {oracle}",
        "",
        "Three things to try:",
        f"  1. Open {base}/ and verify a wrapped certificate: {seed.certificates[0]}",
        f"     (valid), or {seed.revoked} (revoked).",
        "  2. Is a CN AEO recognised by SG under the MRA?",
        f"     curl -s {shlex.quote(f'{base}/aeo/recognition?{recognition}')}",
        "  3. What happened to the revoked certificate, as CN's auditor sees it:",
        f"     curl -s -H {shlex.quote(f'Authorization: Bearer {auditor}')} \\",
        f"       {shlex.quote(f'{base}/audit/events?{search}')}",
        "",
        "The `sanzhi` command, in another terminal (it finds this node from anywhere inside",
        f"{data_dir.resolve().parent}, else give --data-dir {data_dir.resolve()}):",
        f'  export PATH={shlex.quote(str(Path(sys.executable).parent))}:"$PATH"',
        f"  sanzhi aeo recognized --operator {operator} --certified-by {member} --recognised-by SG",
        "",
        "Ctrl-C stops everything; the next `make run` finds the same data.",
    ]
    typer.echo("\n".join(lines))
