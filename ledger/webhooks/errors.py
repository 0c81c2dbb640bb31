"""What subscriptions to topics refuse, one class per failure."""

from __future__ import annotations

from collections.abc import Iterable

from ledger.errors import LedgerError


class TopicNotAllowed(LedgerError):
    """A key asked for a topic its role (or its party) may not receive."""

    code = "topic-not-allowed"

    def __init__(self, topic: str, role: str, allowed: Iterable[str]) -> None:
        self.topic = topic
        self.role = role
        self.allowed = sorted(allowed)
        may = ", ".join(self.allowed) if self.allowed else "no topic"
        super().__init__(f"a {role} key may not subscribe to {topic}; it may have: {may}")
