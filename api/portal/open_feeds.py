"""The live feeds open on this process, counted by API key so that a key has at most so many."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI


class OpenFeeds:
    """How many feeds each key has open on this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: Counter[str] = Counter()

    @contextmanager
    def slot(self, key_id: str, limit: int) -> Iterator[bool]:
        """Hold one of the key's `limit` feeds for the block; False when all are held."""
        with self._lock:
            taken = self._open[key_id] < limit
            if taken:
                self._open[key_id] += 1
        try:
            yield taken
        finally:
            if taken:
                with self._lock:
                    self._open[key_id] -= 1
                    if self._open[key_id] <= 0:
                        del self._open[key_id]

    def count(self, key_id: str) -> int:
        with self._lock:
            return self._open[key_id]


def open_feeds(app: FastAPI) -> OpenFeeds:
    """The app's count of open feeds (made on first use)."""
    feeds = getattr(app.state, "live_feeds", None)
    if not isinstance(feeds, OpenFeeds):
        feeds = app.state.live_feeds = OpenFeeds()
    return feeds
