"""The live feeds open on this process, by API key: at most so many per key, and all of a key's
ended when it signs out (the key is the portal's session)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import FastAPI


@dataclass
class Feed:
    """One open feed; `ended` is set when its key signs out."""

    key_id: str
    ended: threading.Event = field(default_factory=threading.Event)


class OpenFeeds:
    """The feeds open on this process, by key: bounded per key, ended together at sign-out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feeds: dict[str, list[Feed]] = {}

    def open(self, key_id: str, limit: int) -> Feed | None:
        with self._lock:
            feeds = self._feeds.setdefault(key_id, [])
            if len(feeds) >= limit:
                return None
            feed = Feed(key_id)
            feeds.append(feed)
            return feed

    def close(self, feed: Feed) -> None:
        with self._lock:
            feeds = self._feeds.get(feed.key_id, [])
            if feed in feeds:
                feeds.remove(feed)
            if not feeds:
                self._feeds.pop(feed.key_id, None)

    def end(self, key_id: str) -> None:
        """End every open feed of the key (it signed out)."""
        with self._lock:
            for feed in self._feeds.get(key_id, []):
                feed.ended.set()

    def count(self, key_id: str) -> int:
        with self._lock:
            return len(self._feeds.get(key_id, []))


def open_feeds(app: FastAPI) -> OpenFeeds:
    """The app's registry of open feeds (made on first use)."""
    feeds = getattr(app.state, "live_feeds", None)
    if not isinstance(feeds, OpenFeeds):
        feeds = app.state.live_feeds = OpenFeeds()
    return feeds
