"""uvicorn's HTTP protocol with limits for slow and idle clients, and connections per address.

uvicorn closes a kept-alive connection that stays idle (`timeout_keep_alive`), but has no limit
on the time a request's head or body takes: a connection that sends nothing, half a head, or a
body one byte every few seconds stays open for ever. Hand-written, a subclass of uvicorn's own
httptools protocol (the parser the service runs with): a timer from the connection's start (and
from each new request's first byte) until its head is complete; after the head, a body that
falls below `body_min_rate` bytes/s once `body_grace_seconds` have passed; and at most
`max_connections_per_address` connections from one address in this worker. The alternatives
were no better: hypercorn and granian have head or read timeouts but no body rate and no cap
per address, and a proxy in front is a second program to run (docs/operations.md gives its
equivalent settings).

When nothing of a request has arrived the connection is just closed; otherwise the client gets
a 408 problem+json (429 for one connection too many) if no answer has started, then the close.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from api.errors import PROBLEM_JSON, RequestTimeout, TooManyConnections, problem_for
from api.settings import ServiceSettings
from ledger.errors import LedgerError

CHECK_SECONDS = 1.0  # how often a body's rate is checked
GUARDED_HTTP = "api.slow_clients:GuardedHttp"  # the protocol by name, for uvicorn's own worker processes


@dataclass(frozen=True)
class ConnectionLimits:
    """The limits of `ServiceSettings` this protocol enforces (seconds, bytes/s, a count)."""

    header_timeout: float
    body_min_rate: float
    body_grace_seconds: float
    max_connections_per_address: int

    @classmethod
    def of(cls, service: ServiceSettings) -> ConnectionLimits:
        return cls(
            header_timeout=service.header_timeout,
            body_min_rate=service.body_min_rate,
            body_grace_seconds=service.body_grace_seconds,
            max_connections_per_address=service.max_connections_per_address,
        )


def problem_bytes(error: LedgerError) -> bytes:
    """A whole HTTP/1.1 response carrying `error` as problem+json, closing the connection."""
    problem = problem_for(error)
    body = json.dumps(problem.model_dump(exclude_none=True)).encode()
    head = (f"content-type: {PROBLEM_JSON}\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n").encode()
    return STATUS_LINE[problem.status] + head + body


class GuardedHttp(HttpToolsProtocol):
    """`http=` for uvicorn: its httptools protocol with the limits above. `limits` is set by the
    server's start; unset, it is read from the SANZHI_API_* environment (a worker process)."""

    limits: ClassVar[ConnectionLimits | None] = None
    open_per_address: ClassVar[Counter[str]] = Counter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedHttp.limits is None:
            GuardedHttp.limits = ConnectionLimits.of(ServiceSettings())
        self.guard = GuardedHttp.limits
        self.address = ""
        self.counted = False
        self.deadline: asyncio.TimerHandle | None = None
        self.request_started = False  # a byte of the current request has arrived
        self.body_started_at = 0.0
        self.body_received = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = self.client[0] if self.client else "unknown"
        self.open_per_address[self.address] += 1
        self.counted = True
        limit = self.guard.max_connections_per_address
        if self.open_per_address[self.address] > limit:
            self._refuse(TooManyConnections(self.address, limit))
            return
        self._arm(self.guard.header_timeout, self._head_overdue)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.counted:
            self.counted = False
            self.open_per_address[self.address] -= 1
            if self.open_per_address[self.address] <= 0:
                del self.open_per_address[self.address]  # the counter stays as small as the open set
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.deadline is None and not self.request_started and self.cycle is not None:
            # the first bytes after a response: a new request's head starts its own clock
            self._arm(self.guard.header_timeout, self._head_overdue)
        super().data_received(data)

    def on_message_begin(self) -> None:
        self.request_started = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        if self.guard.body_min_rate > 0 and not self.transport.is_closing():
            self.body_started_at = self.loop.time()
            self.body_received = 0
            self._arm(CHECK_SECONDS, self._check_body_rate)

    def on_body(self, body: bytes) -> None:
        self.body_received += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()
        self.request_started = False
        super().on_message_complete()

    def _check_body_rate(self) -> None:
        self.deadline = None
        if self.flow.read_paused:  # the app has not read what came: not the client's slowness
            self.body_started_at = self.loop.time()
            self.body_received = 0
        else:
            late = self.loop.time() - self.body_started_at - self.guard.body_grace_seconds
            if late > 0 and self.body_received < self.guard.body_min_rate * late:
                self._refuse(RequestTimeout("body"))
                return
        self._arm(CHECK_SECONDS, self._check_body_rate)

    def _head_overdue(self) -> None:
        self.deadline = None
        if not self.request_started:
            self.transport.close()  # nothing was asked: nothing to answer
            return
        self._refuse(RequestTimeout("head"))

    def _refuse(self, error: LedgerError) -> None:
        """Answer `error` when no answer has started on this connection, then close it."""
        cycle = self.cycle
        answered = cycle is not None and cycle.response_started and not cycle.response_complete
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app's reads end, and its own answer goes nowhere
            cycle.message_event.set()
        if not self.transport.is_closing():
            if not answered:
                self.transport.write(problem_bytes(error))
            self.transport.close()

    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None


def server_options(service: ServiceSettings) -> dict[str, Any]:
    """uvicorn.Config's options for `service`'s limits on connections (this process's protocol)."""
    GuardedHttp.limits = ConnectionLimits.of(service)
    return {"http": GuardedHttp, "timeout_keep_alive": service.keep_alive_timeout}
