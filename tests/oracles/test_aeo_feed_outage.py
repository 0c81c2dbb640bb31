"""RPC outages are retried with backoff; an HTTP source is read like a file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from ledger.connect import build_client
from ledger.errors import NodeNotRunning, SourceUnavailable
from ledger.settings import LedgerSettings
from oracles.aeo_feed import AeoFeed, FeedOptions, outbox_path
from oracles.outbox import Outbox
from tests.support import EXAMPLES, EXPECTED, OPS, Chain, chain_view, make_feed


class Proxy:
    """Forwards JSON-RPC to the node, or drops every connection while `down`."""

    def __init__(self, target: str) -> None:
        proxy = self
        self.down = False

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if proxy.down:
                    self.close_connection = True
                    return
                reply = requests.post(target, data=body, headers={"Content-Type": "application/json"}, timeout=30)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            def do_GET(self) -> None:
                path = EXAMPLES / self.path.lstrip("/")
                if not path.is_file():
                    self.send_error(404)
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(feed_chain: Chain) -> Iterator[Proxy]:
    running = Proxy(feed_chain.rpc_url)
    yield running
    running.close()


def feed_through(chain: Chain, proxy: Proxy, **options: float) -> AeoFeed:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=proxy.url)
    return AeoFeed(
        client=build_client(settings, "cn-oracle"),
        outbox=Outbox(outbox_path(settings)),
        options=FeedOptions(**options),  # type: ignore[arg-type]
    )


def test_rpc_outage_is_retried_with_backoff(feed_chain: Chain, proxy: Proxy) -> None:
    feed = feed_through(feed_chain, proxy, backoff_seconds=0.25)
    proxy.down = True
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            proxy.down = False

    report = feed.run(str(EXAMPLES / "aeo-cn.csv"), sleep=sleep)
    assert waits == [0.25, 0.5, 1.0]
    assert report.done_changes == 6
    assert chain_view(feed_chain, OPS) == EXPECTED


def test_a_long_outage_gives_up_with_the_outbox_intact(feed_chain: Chain, proxy: Proxy) -> None:
    feed = feed_through(feed_chain, proxy, max_attempts=3)
    proxy.down = True
    with pytest.raises(NodeNotRunning):
        feed.run(str(EXAMPLES / "aeo-cn.csv"), sleep=lambda _: None)
    proxy.down = False
    assert make_feed(feed_chain).run(str(EXAMPLES / "aeo-cn.csv")).done_changes == 6


def test_http_source(feed_chain: Chain, proxy: Proxy) -> None:
    report = make_feed(feed_chain).run(f"{proxy.url}/aeo-cn.json")
    assert (report.records, report.done_changes) == (5, 6)
    with pytest.raises(SourceUnavailable, match="HTTP 404"):
        make_feed(feed_chain).run(f"{proxy.url}/missing.json")


def test_source_of_another_member_is_refused(feed_chain: Chain, tmp_path: Path) -> None:
    source = tmp_path / "sg.json"
    source.write_text('{"member": "SG", "operators": []}')
    with pytest.raises(SourceUnavailable, match="it is SG's list; this oracle is CN's"):
        make_feed(feed_chain).run(str(source))
