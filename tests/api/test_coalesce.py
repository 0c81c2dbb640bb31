"""Concurrent verify requests share chain reads, and each gets back only its own states."""

from __future__ import annotations

import asyncio
import threading
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
    """A read (in a thread) that answers each certificate (a string here) with its name and the
    anchor it was read under, and records every read. A held node keeps each read on the wire
    until the test calls `release()`; `on_wire` is set once a read has started."""

    def __init__(self, *, held: bool = False, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.reads: list[list[str]] = []
        self.lock = threading.Lock()
        self.on_wire = threading.Event()
        self.released = threading.Event()
        if not held:
            self.released.set()

    def release(self) -> None:
        self.released.set()

    def __call__(self, certificates: Sequence[Any], anchor: TrustAnchor | None) -> States:
        with self.lock:
            self.reads.append(list(certificates))
        self.on_wire.set()
        assert self.released.wait(timeout=30), "the test never released the read"
        if self.fail_on in certificates:
            raise RuntimeError(f"node refused {self.fail_on}")
        return {i: {"cert": c, "anchor": anchor.consortium if anchor else None} for i, c in enumerate(certificates)}


async def _on_wire(node: _Node) -> None:
    """Until the node has a read on the wire (the read runs in a thread)."""
    assert await asyncio.to_thread(node.on_wire.wait, 30), "no read started"


async def _read(reads: CoalescedReads, names: list[str], anchor: TrustAnchor | None = None) -> States:
    return await reads.read(cast(Sequence[WrappedCertificate], names), anchor)


async def _all_queued(
    reads: CoalescedReads, *requests: list[str] | tuple[list[str], TrustAnchor]
) -> list[asyncio.Task[States]]:
    """Start one request per item and return once every one has queued its certificates.

    A request queues them in the step that calls `read`, before its first wait: so when the
    last one has signalled, every one has queued (a condition, not turns of the loop)."""
    arrived = 0
    every_one = asyncio.Event()

    async def request(names: list[str], anchor: TrustAnchor | None) -> States:
        nonlocal arrived
        arrived += 1
        if arrived == len(requests):
            every_one.set()
        return await _read(reads, names, anchor)

    tasks = [
        asyncio.create_task(request(*item) if isinstance(item, tuple) else request(item, None)) for item in requests
    ]
    await asyncio.wait_for(every_one.wait(), timeout=30)
    return tasks


def _run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run in a thread of its own (another test's library may hold a loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def _answer(*names: str, anchor: str | None = None) -> States:
    return {i: {"cert": name, "anchor": anchor} for i, name in enumerate(names)}


def test_concurrent_requests_share_reads_and_get_their_own_states() -> None:
    node = _Node(held=True)
    reads = CoalescedReads(node)
    requests = [[f"r{n}-a", f"r{n}-b"] if n % 3 == 0 else [f"r{n}"] for n in range(40)]

    async def main() -> list[States]:
        first = asyncio.create_task(_read(reads, requests[0]))
        await _on_wire(node)
        # the others arrive while the first read is on the wire
        rest = await _all_queued(reads, *requests[1:])
        node.release()
        return [await first, *[await task for task in rest]]

    answers = _run(main)
    for names, states in zip(requests, answers, strict=True):
        assert states == _answer(*names)
    assert node.reads == [requests[0], [c for names in requests[1:] for c in names]]  # together
    assert reads.reads == len(node.reads)


def test_a_lone_request_reads_at_once_and_nothing_is_left_behind() -> None:
    node = _Node()
    reads = CoalescedReads(node)

    async def main() -> None:
        assert await _read(reads, ["only"]) == _answer("only")
        assert await _read(reads, ["again"]) == _answer("again")

    _run(main)
    assert node.reads == [["only"], ["again"]]


def test_a_failed_read_fails_its_requests_only() -> None:
    node = _Node(held=True, fail_on="bad")
    reads = CoalescedReads(node)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"]))
        await _on_wire(node)  # the first read is on the wire: these two go together
        bad, good = await _all_queued(reads, ["bad"], ["good"])
        node.release()
        assert await first == _answer("first")
        with pytest.raises(RuntimeError, match="node refused bad"):
            await bad
        with pytest.raises(RuntimeError, match="node refused bad"):
            await good  # it shared the failed read
        assert await _read(reads, ["later"]) == _answer("later")  # not stuck

    _run(main)
    assert node.reads == [["first"], ["bad", "good"], ["later"]]


def test_a_request_whose_client_left_does_not_stop_the_others() -> None:
    node = _Node(held=True)
    reads = CoalescedReads(node)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"]))
        await _on_wire(node)
        gone, stays = await _all_queued(reads, ["gone"], ["stays"])
        gone.cancel()
        node.release()
        assert await first == _answer("first")
        assert await stays == _answer("stays")
        with pytest.raises(asyncio.CancelledError):
            await gone

    _run(main)


def test_requests_under_different_trust_anchors_are_read_apart() -> None:
    node = _Node(held=True)
    reads = CoalescedReads(node)
    cn = TrustAnchor(consortium="0x" + "11" * 20, source=AnchorSource.EXPLICIT)
    other = TrustAnchor(consortium="0x" + "22" * 20, source=AnchorSource.EXPLICIT)

    async def main() -> None:
        first = asyncio.create_task(_read(reads, ["first"], cn))
        await _on_wire(node)
        a, b = await _all_queued(reads, (["a"], cn), (["b"], other))
        node.release()
        assert await a == _answer("a", anchor=cn.consortium)
        assert await b == _answer("b", anchor=other.consortium)
        await first

    _run(main)
    assert ["a"] in node.reads
    assert ["b"] in node.reads
