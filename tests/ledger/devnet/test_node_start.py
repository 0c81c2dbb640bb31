"""Ports for `sanzhi up`: the one asked for, or a free one when something holds it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ledger.devnet.node_start import bind_listener, port_free


@pytest.fixture
def held() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def test_a_held_port_is_not_free(held: int) -> None:
    assert not port_free("127.0.0.1", held)


def test_a_released_port_is_free() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    assert port_free("127.0.0.1", port)


def test_the_listener_takes_another_port_when_the_asked_one_is_held(held: int) -> None:
    listener, asked = bind_listener("127.0.0.1", held)
    with listener:
        assert not asked
        assert listener.getsockname()[1] != held


def test_the_listener_takes_the_asked_port_when_free() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    listener, asked = bind_listener("127.0.0.1", port)
    with listener:
        assert asked
        assert listener.getsockname()[1] == port


def test_a_port_whose_last_connection_waits_in_time_wait_is_free() -> None:
    """A node stopped a moment ago leaves its connections in TIME_WAIT: its port is free again."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as anvil's listener does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = int(server.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            accepted.close()  # the server side closes first: it is the one left in TIME_WAIT
            client.recv(1)
    assert port_free("127.0.0.1", port)
