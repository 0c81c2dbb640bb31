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
