"""`sanzhi serve`: the FastAPI service under uvicorn, for one organisation (several workers: api.workers),
and one index follower in this process (not one per worker) unless `--no-follow`."""

from __future__ import annotations

import json
import os
import signal
import threading
from types import FrameType
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy import Engine

from api.keystore import KeyStore
from api.settings import ServiceSettings
from api.signing_readiness import signing_problems
from api.slow_clients import GUARDED_HTTP, server_options
from api.workers import check_address_free, reuse_port_supported, serve_workers
from cli.context import CliState, state
from cli.up_runtime import FOLLOWER_JOIN_SECONDS, Interrupted, start_follower, start_webhooks
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.errors import InvalidInput, LedgerError
from ledger.index import Follower, import_numbers, open_index
from ledger.settings import LedgerSettings
from ledger.webhooks.secret_box import webhook_key

ENV_PREFIX = "SANZHI_API_"


def _signers(values: list[str]) -> dict[str, str]:
    signers: dict[str, str] = {}
    for value in values:
        role, sep, profile = value.partition("=")
        if not sep or not role.strip() or not profile.strip():
            raise InvalidInput(f"{value!r} is not ROLE=PROFILE (e.g. issuer=cn-issuer)", path="signer")
        signers[role.strip().lower()] = profile.strip()
    return signers


def serve(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Member the service acts for (e.g. CN); none: public routes only.")
    ] = None,
    signer: Annotated[
        list[str] | None,
        typer.Option("--signer", help="ROLE=PROFILE signing for a role, repeatable (dev default: <org>-<role>)."),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="uvicorn worker processes.")] = 1,
    max_body_bytes: Annotated[int | None, typer.Option("--max-body-bytes", help="Request body limit.")] = None,
    public_rate: Annotated[
        float | None, typer.Option("--public-rate", help="Requests/s per client address on public routes (0: off).")
    ] = None,
    key_rate: Annotated[float | None, typer.Option("--key-rate", help="Requests/s per API key (0: off).")] = None,
    log_level: Annotated[str, typer.Option("--log-level")] = "warning",
    follow_chain: Annotated[
        bool,
        typer.Option("--follow/--no-follow", help="Follow the chain into the audit index while serving."),
    ] = True,
    interval: Annotated[
        float, typer.Option("--interval", min=0.1, help="Seconds between index polls (--follow).")
    ] = 2.0,
    webhooks: Annotated[
        bool, typer.Option("--webhooks/--no-webhooks", help="Deliver the organisations' webhook subscriptions.")
    ] = True,
) -> None:
    """Serve the API (OpenAPI at /docs) until interrupted."""
    given: dict[str, object] = {"host": host, "port": port, "workers": workers}
    for name, value in (("organisation", org), ("max_body_bytes", max_body_bytes), ("public_rate", public_rate),
                        ("key_rate", key_rate)):  # fmt: skip
        if value is not None:
            given[name] = value
    if signer:
        given["signers"] = _signers(signer)
    try:
        service = ServiceSettings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        raise LedgerError(f"invalid service settings: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
    settings = state(ctx).settings
    _refuse_unready_signers(settings, service)
    if webhooks:
        webhook_key(settings)  # in production a missing key stops the start here, with what to do
    # each worker builds its app from the environment (uvicorn starts them as fresh processes)
    os.environ["SANZHI_DATA_DIR"] = str(settings.data_dir.resolve())
    if settings.rpc_url:
        os.environ["SANZHI_RPC_URL"] = settings.rpc_url
    for name, value in service.model_dump().items():
        variable = ENV_PREFIX + name.upper()
        if value is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = json.dumps(value) if isinstance(value, dict) else str(value)
    separate_sockets = workers > 1 and reuse_port_supported()
    if separate_sockets:
        check_address_free(host, port)  # before the banner: a taken port is the one line said
    who = f"for {service.organisation}" if service.organisation else "public routes only"
    following = "following the chain into the audit index" if follow_chain else "not following the chain (--no-follow)"
    following += "; delivering webhooks" if webhooks else ""
    typer.echo(f"sanzhi API {who} on http://{host}:{port} ({workers} worker(s)); OpenAPI at /docs; {following}",
               err=True)  # fmt: skip
    stop = threading.Event()
    opened: dict[str, Engine] = {}
    follower = (
        start_follower(
            follower=lambda: _follower(state(ctx), opened),
            stop=stop,
            poll_seconds=interval,
            rebuild_on_reset=settings.env == "dev",
            on_rebuilt=lambda engine: _import_numbers(state(ctx), engine),
        )
        if follow_chain
        else None
    )
    # uvicorn raises the signal it stopped on again once it has shut down: SIGTERM then becomes
    # an exception here (not the end of the process), so the follower is stopped below
    public = host not in ("0.0.0.0", "::", "")  # links in deliveries name the service where it listens
    deliverer = (
        start_webhooks(settings=settings, stop=stop, base_url=f"http://{host}:{port}" if public else None)
        if webhooks
        else None
    )
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        _run(host=host, port=port, workers=workers, log_level=log_level, separate_sockets=separate_sockets,
             service=service)  # fmt: skip
    except Interrupted:
        pass  # asked to stop: a clean exit
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()  # the follower finishes the range it is writing, then ends
        for thread in (follower, deliverer):
            if thread is not None:
                thread.join(timeout=FOLLOWER_JOIN_SECONDS)


def _refuse_unready_signers(settings: LedgerSettings, service: ServiceSettings) -> None:
    """In production, one line per role the service could not sign for, and exit 2 (see
    api.signing_readiness), before anything starts."""
    if settings.env != "prod" or service.organisation is None:
        return
    keys = KeyStore(settings.resolved_database_url)
    try:
        problems = signing_problems(settings=settings, service=service, keys=keys)
    finally:
        keys.close()
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        raise typer.Exit(2)


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def _follower(cli: CliState, opened: dict[str, Engine]) -> Follower:
    """The service's follower (it catches up as it starts following), on the index opened once,
    with the issuer's record of numbers imported (an index this service creates then finds the
    numbers issued before it existed)."""
    if "index" not in opened:
        opened["index"] = open_index(cli.settings)
    follower = Follower(client=cli.client(), engine=opened["index"])
    _import_numbers(cli, opened["index"])
    return follower


def _import_numbers(cli: CliState, engine: Engine) -> None:
    numbers = numbers_path(cli.settings.data_dir)
    if numbers.exists():
        import_numbers(engine=engine, numbers=IssuedNumbers(numbers))


def _run(
    *, host: str, port: int, workers: int, log_level: str, separate_sockets: bool, service: ServiceSettings
) -> None:
    if separate_sockets:
        serve_workers(host=host, port=port, workers=workers, log_level=log_level,
                      startup_seconds=service.worker_startup_seconds)  # fmt: skip
        return
    options = server_options(service)
    if workers > 1:  # uvicorn's own workers are fresh processes: the protocol by name (limits from SANZHI_API_*)
        options["http"] = GUARDED_HTTP
    uvicorn.run(
        "api.main:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        **options,
    )
