"""Concurrent verify requests share chain reads, and each gets back only its own states."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import pytest

from api.coalesce import CoalescedReads
from ledger.certificates.trust import AnchorSource, TrustAnchor
from ledger.certificates.verification import States
from ledger.certificates.wrapped import WrappedCertificate

T = TypeVar("T")


class _Node:
    """A read (in a thread) taking `delay` seconds that answers each certificate (a string
    here) with its name and the anchor it was read under; records every read."""

    def __init__(self, delay: float = 0.02, fail_on: str | None = None) -> None:
        self.delay = delay
        self.fail_on = fail_on
        self.reads: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, certificates: Sequence[Any], anchor: TrustAnchor | None) -> States:
        with self.lock:
            self.reads.append(list(certificates))
        time.sleep(self.delay)
        if self.fail_on in certificates:
            raise RuntimeError(f"node refused {self.fail_on}")
        return {i: {"cert": c, "anchor": anchor.consortium if anchor else None} for i, c in enumerate(certificates)}


async def _read(reads: CoalescedReads, names: list[str], anchor: TrustAnchor | None = None) -> States:
    return await reads.read(cast(Sequence[WrappedCertificate], names), anchor)


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run in a thread of its own (another test's library may hold a loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def _answer(*names: str, anchor: str | None = None) -> States:
    return {i: {"cert": name, "anchor": anchor} for i, name in enumerate(names)}


def test_concurrent_requests_share_reads_and_get_their_own_states() -> None:
    node = _Node()
    reads = CoalescedReads(node)
    requests = [[f"r{n}-a", f"r{n}-b"] if n % 3 == 0 else [f"r{n}"] for n in range(40)]

    async def arrive(n: int, names: list[str]) -> States:
        await asyncio.sleep(0.001 * (n % 7))  # requests arriving over a few milliseconds
        return await _read(reads, names)

    async def main() -> list[States]:
        return await asyncio.gather(*(arrive(n, names) for n, names in enumerate(requests)))

    answers = _run(main)
    for names, states in zip(requests, answers, strict=True):
        assert states == _answer(*names)
    assert sorted(c for r in node.reads for c in r) == sorted(c for names in requests for c in names)
    assert len(node.reads) < len(requests) / 4  # together
    assert reads.reads == len(node.reads)


def test_a_lone_request_reads_at_once_and_nothing_is_left_behind() -> None:
    node = _Node(delay=0)
    reads = CoalescedReads(node)

    async def main() -> None:
        assert await _read(reads, ["only"]) == _answer("only")
        assert await _read(reads, ["again"]) == _answer("again")

    _run(main)
    assert node.reads == [["only"], ["again"]]


def test_a_failed_read_fails_its_requests_only() -> None:
    node = _Node(delay=0.2, fail_on="bad")
    reads = CoalescedReads(node)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"]))
        await asyncio.sleep(0.05)  # the first read is on the wire: these two go together
        bad = asyncio.create_task(_read(reads, ["bad"]))
        good = asyncio.create_task(_read(reads, ["good"]))
        assert await first == _answer("first")
        with pytest.raises(RuntimeError, match="node refused bad"):
            await bad
        with pytest.raises(RuntimeError, match="node refused bad"):
            await good  # it shared the failed read
        assert await _read(reads, ["later"]) == _answer("later")  # not stuck

    _run(main)


def test_a_request_whose_client_left_does_not_stop_the_others() -> None:
    node = _Node(delay=0.2)
    reads = CoalescedReads(node)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"]))
        await asyncio.sleep(0.05)
        gone = asyncio.create_task(_read(reads, ["gone"]))
        stays = asyncio.create_task(_read(reads, ["stays"]))
        await asyncio.sleep(0.01)
        gone.cancel()
        assert await first == _answer("first")
        assert await stays == _answer("stays")
        with pytest.raises(asyncio.CancelledError):
            await gone

    _run(main)


def test_requests_under_different_trust_anchors_are_read_apart() -> None:
    node = _Node(delay=0.2)
    reads = CoalescedReads(node)
    cn = TrustAnchor(consortium="0x" + "11" * 20, source=AnchorSource.EXPLICIT)
    other = TrustAnchor(consortium="0x" + "22" * 20, source=AnchorSource.EXPLICIT)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"], cn))
        await asyncio.sleep(0.05)
        a = asyncio.create_task(_read(reads, ["a"], cn))
        b = asyncio.create_task(_read(reads, ["b"], other))
        assert await a == _answer("a", anchor=cn.consortium)
        assert await b == _answer("b", anchor=other.consortium)
        await first

    _run(main)
    assert ["a"] in node.reads
    assert ["b"] in node.reads
