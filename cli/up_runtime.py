"""What `sanzhi up` runs while it serves: the index follower in a thread, uvicorn in this
process, and the signal handling that stops both (and lets the node be stopped after them)."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

import typer
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from api.settings import ServiceSettings
from api.slow_clients import server_options
from ledger.errors import ConfigurationError, LedgerError
from ledger.index import Follower
from ledger.index.errors import ChainReset
from ledger.index.service_follower import ServiceFollower
from ledger.settings import LedgerSettings

FOLLOWER_JOIN_SECONDS = 30.0
WEBHOOK_POLL_SECONDS = 1.0
PROGRESS_SECONDS = 5.0  # a first run is never silent for long: a line at least this often


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM before the service was serving."""


class AlreadyUp(ConfigurationError):
    def __init__(self, data_dir: Path, holder: str) -> None:
        who = f" (pid {holder})" if holder else ""
        super().__init__(f"`sanzhi up` already runs on {data_dir}{who}; stop it first (Ctrl-C)")


@contextmanager
def progress(what: str, *, every: float = PROGRESS_SECONDS, say: Callable[[str], None] = typer.echo) -> Iterator[None]:
    """While the body runs (a node loading a large state, an index catching up on a long chain),
    say `what: N s` every `every` seconds, as `make setup` does for the installers."""
    done = threading.Event()

    def tick() -> None:
        waited = 0.0
        while not done.wait(every):
            waited += every
            say(f"  {what}: {waited:.0f} s")

    ticker = threading.Thread(target=tick, name="progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()


@contextmanager
def exclusive(data_dir: Path) -> Iterator[None]:
    """One `sanzhi up` per data directory: a second would seed and index the same chain at
    the same time. The lock goes with the process, however it ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "up.lock"
    handle: IO[str] = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise AlreadyUp(data_dir, handle.read().strip()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def interruptible() -> Iterator[threading.Event]:
    """SIGINT and SIGTERM raise Interrupted (so setting up stops where it is, and the caller's
    cleanup runs) until the returned event is `set`-mode: see `quiet_signals`."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    stop = threading.Event()
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def quiet_signals(stop: threading.Event) -> None:
    """From now on a signal only sets `stop`: uvicorn takes the signals while it serves and
    raises them again once it has shut down; cleanup must not be cut short by a second Ctrl-C."""

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)


def start_follower(
    *,
    follower: Callable[[], Follower],
    stop: threading.Event,
    poll_seconds: float,
    rebuild_on_reset: bool = False,
    on_rebuilt: Callable[[Engine], object] | None = None,
) -> threading.Thread:
    """The index follower (built by `follower`, again after a failure or a reset) in a thread until
    `stop`; failures are logged to standard error and retried, the service goes on. A reset chain
    is rebuilt by itself with `rebuild_on_reset` (a development chain), else the operator's
    `sanzhi index --rebuild` is awaited (the index routes answer 503 meanwhile)."""
    steps = ServiceFollower(build=follower, rebuild_on_reset=rebuild_on_reset, on_rebuilt=on_rebuilt)
    last_said = ""  # a warning repeated every poll is said once

    def say(message: str) -> None:
        nonlocal last_said
        if message != last_said:
            typer.echo(message, err=True)
        last_said = message

    def run() -> None:
        nonlocal last_said
        while not stop.is_set():
            rebuilding = steps.rebuild_due
            try:
                steps.step(stop=stop)
            except ChainReset as exc:
                say("the chain was reset or redeployed: rebuilding the index from the new chain"
                    if steps.rebuild_due else f"warning: {exc.message}")  # fmt: skip
            except Exception as exc:  # no node, deployment or database (yet), or a bug: the service goes on
                message = exc.message if isinstance(exc, LedgerError) else repr(exc)
                typer.echo(f"warning: index: {message}; retrying in {poll_seconds:g} s", err=True)
            else:
                if rebuilding:
                    say("the index was rebuilt from the new chain")
                last_said = ""
            stop.wait(poll_seconds)

    thread = threading.Thread(target=run, name="sanzhi-index-follower", daemon=True)
    thread.start()
    return thread


def start_webhooks(
    *, settings: LedgerSettings, stop: threading.Event, base_url: str | None, poll_seconds: float = WEBHOOK_POLL_SECONDS
) -> threading.Thread:
    """The webhook deliverer in a thread until `stop`: it enqueues what the follower indexed and
    posts it, while this process holds the deliverer's lease (one per database, whatever the
    number of processes); a failure is said once (not every round) and retried."""
    from ledger.index import open_index
    from ledger.webhooks.runner import run_webhooks
    from ledger.webhooks.secret_box import secret_box

    last_said = ""  # only the latest: a message is said again once another came between

    def on_error(exc: Exception) -> None:
        nonlocal last_said
        message = exc.message if isinstance(exc, LedgerError) else repr(exc)
        if message != last_said:
            last_said = message
            typer.echo(f"warning: webhooks: {message}; retrying every {poll_seconds:g} s", err=True)

    def run() -> None:
        while not stop.is_set():
            try:
                engine = open_index(settings)
                box = secret_box(settings)
            except Exception as exc:  # no database yet: retried, the service still serves
                on_error(exc)
                stop.wait(poll_seconds)
                continue
            try:
                run_webhooks(engine=engine, box=box, production=settings.env == "prod", stop=stop, base_url=base_url,
                             poll_seconds=poll_seconds, on_error=on_error)  # fmt: skip
            finally:
                engine.dispose()
            return

    thread = threading.Thread(target=run, name="sanzhi-webhooks", daemon=True)
    thread.start()
    return thread


def serve(
    *, app: FastAPI, listener: socket.socket, on_started: Callable[[], None], log_level: str, service: ServiceSettings
) -> None:
    """Serve `app` on the bound `listener` until SIGINT or SIGTERM; `on_started` once it accepts;
    with `service`'s limits on slow clients and connections per address."""
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on", **server_options(service))
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            if server.should_exit or not runner.is_alive():
                return
            announced.wait(0.05)
        on_started()

    announced = threading.Event()
    runner = threading.current_thread()
    watcher = threading.Thread(target=announce, name="sanzhi-up-banner", daemon=True)
    watcher.start()
    try:
        server.run(sockets=[listener])
    finally:
        announced.set()
        watcher.join(timeout=5)
    if not server.started:
        raise ConfigurationError("the service did not start (see the messages above)")
