"""The chaos: at moments drawn from a seeded generator, one part of the system is killed with
SIGKILL, started again (the node, follower, deliverer and oracle by the soak; a service worker
by its supervisor), and timed until it serves again. The parts take turns in an order shuffled
afresh each round, so every part dies about as often as the others."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from ledger.errors import LedgerError

RECOVERY_TIMEOUT_SECONDS = 120.0
MEAN_GAP_SECONDS = 12.0  # between one part serving again and the next kill, on average
POLL_SECONDS = 0.05


class Part(Protocol):
    name: str

    def kill(self) -> None: ...

    def restart(self) -> None: ...

    def serving(self) -> bool: ...


@dataclass(frozen=True)
class Kill:
    part: str
    at: float  # time.time() of the SIGKILL
    recovered_at: float | None  # time.time() when it served again; None: not within the timeout
    recovery_s: float | None


def mean_gap(seconds: float) -> float:
    """The mean pause between kills for a run of `seconds`: at least five kills even in a short run."""
    return min(MEAN_GAP_SECONDS, seconds / 6)


class Chaos:
    """Kills parts in a thread until `finish`; `kills` lists what it did.

    The parts it starts again are children of its thread, and a child started with
    PR_SET_PDEATHSIG (so that none outlives the soak) dies with the thread that started it: the
    thread stays until `release`, once the soak is done with those parts."""

    def __init__(self, parts: list[Part], *, seed: int, seconds: float) -> None:
        self.parts = parts
        self.rng = random.Random(seed)
        self.gap = mean_gap(seconds)
        self.kills: list[Kill] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.idle = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._run, name="soak-chaos", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        """Stop killing (a recovery under way is waited for)."""
        self.stop.set()
        if self.thread.is_alive():
            self.idle.wait()

    def release(self) -> None:
        """End the thread (and with it the parts it started again)."""
        self.stop.set()
        self.released.set()
        if self.thread.is_alive():
            self.thread.join()

    def _run(self) -> None:
        order: list[Part] = []
        while not self.stop.wait(self.rng.uniform(0.5, 1.5) * self.gap):
            if not order:
                order = list(self.parts)
                self.rng.shuffle(order)
            part = order.pop()
            try:
                self.kills.append(self._kill(part))
            except LedgerError as exc:
                self.errors.append(f"{part.name}: {exc.message}")
        self.idle.set()
        self.released.wait()

    def _kill(self, part: Part) -> Kill:
        at = time.time()
        part.kill()
        started = time.monotonic()
        part.restart()
        while not part.serving():
            if time.monotonic() - started > RECOVERY_TIMEOUT_SECONDS:
                return Kill(part.name, at, None, None)
            time.sleep(POLL_SECONDS)
        recovered = time.time()
        return Kill(part.name, at, recovered, round(recovered - at, 3))
