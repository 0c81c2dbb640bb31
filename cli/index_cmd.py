"""`sanzhi index`: follow the deployment's events into the audit index (once, or `--follow`)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from cli.context import JsonOption, print_json, state
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.errors import LedgerError
from ledger.index import Follower, ImportReport, IndexReport, follow, import_numbers, import_wrapped, open_index
from ledger.index.db import database_url, shown
from ledger.index.follower import DEFAULT_RANGE


def _say(report: IndexReport) -> None:
    moved = ""
    if report.reorganisations:
        moved = f", {report.reorganisations} reorganisation(s) undone ({report.events_removed} events removed)"
    typer.echo(
        f"indexed {report.events} events up to block {report.checkpoint} (head {report.head}) "
        f"in {report.seconds:.2f} s{moved}"
    )


def _say_import(what: str, report: ImportReport) -> None:
    typer.echo(f"{what}: {report.recorded} recorded, {report.unchanged} already known, {report.skipped_count} skipped")
    for skipped in report.skipped:
        typer.echo(f"  skipped {skipped.path}: {skipped.reason}", err=True)


def index(
    ctx: typer.Context,
    follow_: Annotated[bool, typer.Option("--follow", help="Keep following new blocks until stopped.")] = False,
    confirmations: Annotated[
        int, typer.Option("--confirmations", min=0, max=10_000, help="Blocks to stay behind the head.")
    ] = 0,
    interval: Annotated[float, typer.Option("--interval", min=0.1, help="Seconds between polls (--follow).")] = 2.0,
    range_blocks: Annotated[
        int, typer.Option("--range", min=1, max=100_000, help="Blocks per eth_getLogs request.")
    ] = DEFAULT_RANGE,
    issued: Annotated[
        list[Path] | None,
        typer.Option("--issued", help="Wrapped certificates your member issued (files or directories)."),
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Delete the index of a chain that was reset and index this one.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Index every contract event from the deployment block to the head into SQL
    (SANZHI_DATABASE_URL, default SQLite in the data directory); import your issuer records."""
    cli = state(ctx)
    engine = open_index(cli.settings)
    follower = Follower(client=cli.client(), engine=engine, range_blocks=range_blocks)
    stop = threading.Event()
    # following, SIGINT and SIGTERM stop it cleanly from the first catch-up on, not only once
    # the loop has begun
    with _stopped_by_signals(stop) if follow_ else contextlib.nullcontext():
        report = follower.catch_up(confirmations=confirmations, rebuild=rebuild, stop=stop)
        imports: dict[str, ImportReport] = {}
        numbers = numbers_path(cli.settings.data_dir)
        if numbers.exists():
            imports["issued numbers"] = import_numbers(engine=engine, numbers=IssuedNumbers(numbers))
        if issued:
            imports["issued certificates"] = import_wrapped(engine=engine, paths=issued)
        if as_json:
            print_json({"index": report, "database": shown(database_url(cli.settings)), "imports": imports})
        else:
            _say(report)
            for what, imported in imports.items():
                _say_import(what, imported)
        if follow_:
            _follow(follower, stop=stop, confirmations=confirmations, interval=interval, as_json=as_json)


@contextlib.contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` meanwhile: the range being written is finished first."""

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _follow(follower: Follower, *, stop: threading.Event, confirmations: int, interval: float, as_json: bool) -> None:
    """Until `stop` (SIGINT or SIGTERM): the range being written is finished, then the loop ends."""

    def on_report(report: IndexReport) -> None:
        if report.events or report.reorganisations:
            print_json(report) if as_json else _say(report)

    def on_error(exc: Exception) -> None:
        message = exc.message if isinstance(exc, LedgerError) else str(exc)
        typer.echo(f"warning: {message}; retrying in {interval:g} s", err=True)

    follow(
        follower=follower,
        confirmations=confirmations,
        poll_seconds=interval,
        stop=stop,
        on_report=on_report,
        on_error=on_error,
    )
    typer.echo("stopped", err=True)
