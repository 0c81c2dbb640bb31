"""Chain reads of concurrent verify requests, sent together (group commit).

Each single-certificate verification needs one `certificateStates` call. Under load a worker
has several requests at that step at once; the node answers one call for eight certificates
in about the time it takes for one, and the HTTP round trip (made in a thread, so that the
event loop goes on with other requests) is paid once. So a request that finds a read on the
wire queues its certificates; when the read returns, everything queued meanwhile is read in
one call, and each request gets its own states back.

A request never waits for more than the read in flight and its own. The states of one
request are never handed to another: each keeps the positions of its certificates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from anyio import to_thread

from ledger.certificates.trust import TrustAnchor
from ledger.certificates.verification import States
from ledger.certificates.wrapped import WrappedCertificate

ReadStates = Callable[[Sequence[WrappedCertificate], TrustAnchor | None], States]
_Waiting = tuple[Sequence[WrappedCertificate], TrustAnchor | None, "asyncio.Future[States]"]


class CoalescedReads:
    """`await read(certificates, anchor)`: `read_states`, with concurrent calls sent together.
    One instance serves one event loop (a worker's)."""

    def __init__(self, read_states: ReadStates) -> None:
        self._read_states = read_states
        self._queue: list[_Waiting] = []
        self._reader: asyncio.Task[None] | None = None
        self.reads = 0  # reads sent to the node (for tests)

    async def read(self, certificates: Sequence[WrappedCertificate], anchor: TrustAnchor | None) -> States:
        future: asyncio.Future[States] = asyncio.get_running_loop().create_future()
        self._queue.append((certificates, anchor, future))
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_while_queued())
        return await future

    async def _read_while_queued(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                by_anchor: dict[int, list[_Waiting]] = {}
                for waiting in batch:
                    by_anchor.setdefault(id(waiting[1]), []).append(waiting)
                for group in by_anchor.values():
                    await self._read_group(group)
        finally:
            self._reader = None

    async def _read_group(self, group: list[_Waiting]) -> None:
        certificates = [c for waiting in group for c in waiting[0]]
        self.reads += 1
        try:
            states = await to_thread.run_sync(self._read_states, certificates, group[0][1])
        except BaseException as exc:  # every request of the read fails as it would alone
            for _, _, future in group:
                if not future.done():
                    if isinstance(exc, Exception):
                        future.set_exception(exc)
                    else:  # the worker is shutting down
                        future.cancel()
            if not isinstance(exc, Exception):
                raise
            return
        offset = 0
        for mine, _, future in group:
            if not future.done():  # its client may have gone
                future.set_result({i: states[offset + i] for i in range(len(mine)) if offset + i in states})
            offset += len(mine)
