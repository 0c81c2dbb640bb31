"""The webhook benchmark's receiver: a local HTTP server that checks each delivery's Standard
Webhooks signature (the `standardwebhooks` library, as a subscriber would) and records when
each webhook id arrived."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Arrival:
    webhook_id: str
    at: float  # time.time() when the receiver had it verified
    transaction: str  # the event's transaction, from the body


@dataclass
class Received:
    """What the receiver saw, guarded by a lock: its handler threads append, the benchmark reads."""

    arrivals: list[Arrival] = field(default_factory=list)
    refused: int = 0  # bad signature or malformed body
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)


def _handler(name: str, secrets: dict[str, str], received: Received) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(min(length, MAX_BODY)).decode()
            secret = secrets.get(name)  # read per request: subscriptions are made after the start
            try:
                if secret is None:
                    raise WebhookVerificationError("no such subscription")
                Webhook(secret).verify(body, {k.lower(): v for k, v in self.headers.items()})
                arrival = Arrival(self.headers["webhook-id"], time.time(), str(json.loads(body)["transaction"]))
            except (WebhookVerificationError, ValueError, KeyError):
                arrival = None
            with received.lock:
                if arrival is not None:
                    received.arrivals.append(arrival)
                else:
                    received.refused += 1
            self.send_response(204 if arrival is not None else 400)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # quiet: thousands of requests
            return

    return Handler


@contextmanager
def receivers(secrets: dict[str, str], names: list[str]) -> Iterator[tuple[dict[str, str], Received]]:
    """A server on 127.0.0.1 (a free port) for each of `names`, as each subscriber has its own,
    accepting deliveries signed with `secrets[name]` (a dict the caller fills as it subscribes);
    yields each one's URL and what they all received."""
    received = Received()
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []
    urls: dict[str, str] = {}
    try:
        for name in names:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(name, secrets, received))
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"bench-receiver-{name}", daemon=True)
            thread.start()
            servers.append((server, thread))
            urls[name] = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        yield urls, received
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
