"""The JSON-RPC transport: one kept-alive connection per thread, a closed one replaced before
reuse (never a request sent twice), clean errors for a missing node or a garbled reply."""

from __future__ import annotations

import gc
import json
import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from ledger.chain.transport import RpcTransport
from ledger.errors import NodeNotRunning, ReadFailed
from tests.support import free_port, http_server


class Node(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests_seen: ClassVar[list[object]] = []
    connections: ClassVar[set[int]] = set()
    close_after_reply = False
    garbled = False
    delay_seconds = 0.0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(Node.delay_seconds)
        Node.requests_seen.append(json.loads(body))
        Node.connections.add(self.client_address[1])
        reply = b"<html>proxy error</html>" if Node.garbled else json.dumps([{"id": 0, "result": "0x1"}]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        if Node.close_after_reply:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def node() -> Iterator[str]:
    Node.requests_seen, Node.connections = [], set()
    Node.close_after_reply = Node.garbled = False
    Node.delay_seconds = 0.0
    with http_server(Node) as url:
        yield url


def test_calls_reuse_one_connection(node: str) -> None:
    transport = RpcTransport(node)
    for n in range(5):
        assert transport.post([{"jsonrpc": "2.0", "id": 0, "method": "eth_chainId", "params": [n]}]) == [
            {"id": 0, "result": "0x1"}
        ]
    assert len(Node.requests_seen) == 5
    assert len(Node.connections) == 1


def test_a_connection_the_node_closed_is_replaced_and_nothing_is_sent_twice(node: str) -> None:
    Node.close_after_reply = True
    transport = RpcTransport(node)
    for n in range(3):
        transport.post([{"id": n}])
    assert Node.requests_seen == [[{"id": 0}], [{"id": 1}], [{"id": 2}]]
    assert len(Node.connections) == 3


def test_each_thread_has_its_own_connection(node: str) -> None:
    transport = RpcTransport(node)
    threads = [threading.Thread(target=transport.post, args=([{"id": n}],)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(Node.requests_seen) == 4


def test_a_garbled_reply_and_a_missing_node_are_clean_errors(node: str) -> None:
    Node.garbled = True
    with pytest.raises(ReadFailed, match="unreadable"):
        RpcTransport(node).post([{"id": 0}])
    with pytest.raises(NodeNotRunning):
        RpcTransport(f"http://127.0.0.1:{free_port()}").post([{"id": 0}])


def test_a_node_that_does_not_answer_in_time_is_not_running(node: str) -> None:
    Node.delay_seconds = 1.0
    with pytest.raises(NodeNotRunning, match="TimeoutError"):
        RpcTransport(node, timeout_seconds=0.1).post([{"id": 0}])


def test_transports_collected_in_reference_cycles_close_their_connections(node: str) -> None:
    """A client in a reference cycle (web3's objects make one) is collected with its transport,
    and the collector finalizes their objects in no set order: the connection must be closed
    before the socket's own finalizer would warn of an unclosed socket. Many transports, among
    other garbage, as the collector finds them when it runs by itself."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other: list[list[object]] = []
        for n in range(400):
            transport = RpcTransport(node)
            other.append([{"n": m} for m in range(n % 7)])
            transport.post([{"id": 0}])
            cycle: dict[str, object] = {"transport": transport}
            cycle["self"] = cycle
            transport.cycle = cycle  # type: ignore[attr-defined]
            other.append([object() for _ in range(n % 13)])
            del transport, cycle
            other = other[-50:]
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
