"""Running the service in several worker processes, each with a listening socket of its own.

uvicorn's own workers share one listening socket: every worker is woken by a new connection and
the first one to run accepts all that are waiting. Clients that open their connections together
(a partner's connection pool, a load test) then land on one worker, which works alone on one
core while the others wait. Here every worker binds the address with SO_REUSEPORT, so the
kernel hands each new connection to one of the workers' sockets.

The supervisor checks first that nothing else listens on the address (a port held by another
program, or by another sanzhi service, which would otherwise share its connections with this
one), restarts a worker that dies while serving, and stops every worker on SIGINT or SIGTERM.
A worker that dies within its first seconds stops the service: it would only die again.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Protocol, TypeVar

import uvicorn

from ledger.errors import LedgerError

APP = "api.main:app_from_environment"
BACKLOG = 2048
STARTUP_SECONDS = 5.0  # a worker that dies sooner than this after its start is not restarted
STOP_SECONDS = 30.0

log = logging.getLogger("sanzhi.workers")
W = TypeVar("W", bound="Worker")


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket listening on host:port (IPv6 when the host has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def check_address_free(host: str, port: int) -> None:
    """LedgerError when host:port cannot be bound by a socket that shares nothing."""
    try:
        listening_socket(host, port, reuse_port=False).close()
    except OSError as exc:
        raise LedgerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


class Worker(Protocol):
    """What the supervisor uses of a worker process (multiprocessing's, or a test's stand-in)."""

    @property
    def pid(self) -> int | None: ...

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...


def serve_workers(
    *, host: str, port: int, workers: int, log_level: str, startup_seconds: float = STARTUP_SECONDS
) -> None:
    """Run `workers` service processes on host:port until SIGINT or SIGTERM."""
    check_address_free(host, port)
    context = multiprocessing.get_context("spawn")
    stop = False

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stop
        stop = True

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    running: list[tuple[BaseProcess, float]] = []
    try:
        supervise(
            running,
            lambda: _start(context, host, port, log_level),
            workers,
            stopping=lambda: stop,
            startup_seconds=startup_seconds,
        )
    finally:
        _stop_all([process for process, _ in running])
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def supervise(
    running: list[tuple[W, float]],
    start: Callable[[], W],
    workers: int,
    *,
    stopping: Callable[[], bool],
    startup_seconds: float = STARTUP_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Start `workers` workers into `running` (each with the `clock` time it started) and keep
    them running until `stopping()`: a worker that ends is replaced, unless it ended within
    `startup_seconds` of its start (LedgerError: it would only end again)."""
    for _ in range(workers):
        running.append((start(), clock()))
    while not stopping():
        for index, (process, started) in enumerate(running):
            if process.is_alive():
                continue
            if clock() - started < startup_seconds:
                raise LedgerError(f"a service worker stopped while starting (exit code {process.exitcode})")
            log.warning("service worker %s ended (exit code %s); starting another", process.pid, process.exitcode)
            running[index] = (start(), clock())
        sleep(0.2)


def _start(context: multiprocessing.context.SpawnContext, host: str, port: int, log_level: str) -> BaseProcess:
    process = context.Process(target=run_worker, args=(host, port, log_level), name="sanzhi-service-worker")
    process.start()
    return process


def _stop_all(processes: list[BaseProcess]) -> None:
    """SIGTERM (uvicorn finishes the requests in flight), then SIGKILL after STOP_SECONDS."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def run_worker(host: str, port: int, log_level: str) -> None:
    """One worker: the app built from the environment, then its own SO_REUSEPORT socket. The
    app first: the kernel hands a listening socket its share of new connections at once, and
    they would wait for the seconds the app's imports take."""
    from api.settings import ServiceSettings  # api.settings takes STARTUP_SECONDS from here
    from api.slow_clients import server_options

    options = server_options(ServiceSettings())  # the limits `sanzhi serve` set in SANZHI_API_*
    config = uvicorn.Config(APP, factory=True, log_level=log_level, access_log=False, **options)
    config.load()
    sock = listening_socket(host, port, reuse_port=True)
    uvicorn.Server(config).run(sockets=[sock])
