"""JSON-RPC over HTTP for batched calls: one kept-alive connection per thread.

`requests` costs 2-3 ms per call on top of the node's own time (environment proxy lookups,
hooks, and the request's headers and body sent as separate writes); a verification is one
such call, so the service's throughput was bound by it. The standard library's connection
sends a small request in one write. A connection the node closed while idle is noticed before
reuse (as urllib3 does) and replaced, so a request is never sent twice.

`requests` is imported only for the URLs that still go through it (with credentials): a single
call (`sanzhi node status` asks the block number) should not pay for importing it.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ledger.errors import NodeNotRunning, ReadFailed

if TYPE_CHECKING:
    import requests

TIMEOUT_SECONDS = 60


class RpcTransport:
    """POSTs JSON-RPC payloads to one URL; thread-safe (a connection per thread)."""

    def __init__(self, url: str, *, timeout_seconds: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        parts = urlsplit(url)
        # URLs with credentials (or anything unusual) keep going through requests
        self._fast = parts.scheme in ("http", "https") and not parts.username and bool(parts.hostname)
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()
        self._session: requests.Session | None = None

    def post(self, payload: Any) -> Any:
        """The decoded JSON reply; NodeNotRunning when the node cannot be reached."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        if not self._fast:
            return self._post_with_requests(body)
        connection = self._connection()
        try:
            connection.request("POST", self._path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            self._local.connection = None
            raise NodeNotRunning(self.url, type(exc).__name__) from exc
        try:
            return json.loads(data)
        except ValueError as exc:
            raise ReadFailed("the node's batch reply", f"unreadable (HTTP {response.status})") from exc

    def _connection(self) -> http.client.HTTPConnection:
        held: _Held | None = getattr(self._local, "connection", None)
        if held is not None and _dropped(held.connection):
            held.connection.close()
            held = None
        if held is None:
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            held = _Held(kind(self._host, self._port, timeout=self.timeout_seconds))
            try:
                held.connection.connect()
                # headers and body go in two writes: without this, Nagle holds the body back
                held.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as exc:
                raise NodeNotRunning(self.url, type(exc).__name__) from exc
            self._local.connection = held
        return held.connection

    def _post_with_requests(self, body: bytes) -> Any:
        import requests

        if self._session is None:
            self._session = requests.Session()
        try:
            response = self._session.post(
                self.url, data=body, headers={"Content-Type": "application/json"}, timeout=self.timeout_seconds
            )
            return response.json()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NodeNotRunning(self.url, type(exc).__name__) from exc
        except ValueError as exc:
            raise ReadFailed("the node's batch reply", f"unreadable (HTTP {response.status_code})") from exc


class _Held:
    """A thread's connection, closed when the thread (and its local data) or the transport goes away.

    Closed by a weakref callback, not `__del__`: a client in a reference cycle (web3's objects
    make one) is collected with its transport, and the collector runs `__del__` methods in no set
    order, so the socket's own finalizer could come first and warn of an unclosed socket. The
    collector calls weakref callbacks before any of them, and the callback holds the connection.
    """

    __slots__ = ("__weakref__", "connection")

    def __init__(self, connection: http.client.HTTPConnection) -> None:
        self.connection = connection
        weakref.finalize(self, connection.close)


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the peer closed an idle kept-alive connection (it is readable: EOF)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
