"""The follower a running service keeps: one catch-up per step, a fresh follower (the deployment
record read again) after a reset, and on a development chain the rebuild that a reset calls for.

In production a reset is the operator's to handle (`sanzhi index --rebuild`): the step records
the mismatch (the service's index routes answer 503) and keeps checking, so the service follows
again once the index was rebuilt, without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine

from ledger.index.errors import ChainReset
from ledger.index.follower import Follower, IndexReport


class ServiceFollower:
    """Steps of a service's index follower; `build` makes a follower of the deployment record as it
    is now on disk (a reset chain gets a record of its own when it is deployed again)."""

    def __init__(
        self,
        *,
        build: Callable[[], Follower],
        rebuild_on_reset: bool,
        on_rebuilt: Callable[[Engine], object] | None = None,
    ) -> None:
        self._build = build
        self.rebuild_on_reset = rebuild_on_reset
        self._on_rebuilt = on_rebuilt  # imports the issuer's records of the new chain
        self._follower: Follower | None = None
        self.rebuild_due = False  # a reset was seen on a development chain: the next step rebuilds

    def step(self, *, stop: threading.Event | None = None) -> IndexReport:
        """One catch-up (after a reset on a development chain: the rebuild). Raises ChainReset when
        the index describes another chain, having recorded it; any other failure as it comes."""
        if self._follower is None:
            self._follower = self._build()
        try:
            report = self._follower.catch_up(rebuild=self.rebuild_due, stop=stop)
        except ChainReset:
            self._follower = None  # the next step reads the (maybe new) deployment record again
            self.rebuild_due = self.rebuild_on_reset
            raise
        if self.rebuild_due and self._on_rebuilt is not None:
            self._on_rebuilt(self._follower.engine)
        self.rebuild_due = False
        return report
