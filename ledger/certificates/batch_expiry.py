"""A batch's expiry, checked in words before anything is sent (the registry would refuse it too,
with an error code only)."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.errors import InvalidInput


def _shown(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class ExpiryNotInFuture(InvalidInput):
    """A batch expiry that is not after now."""

    code = "expiry-in-past"

    def __init__(self, expires_at: datetime, now: datetime) -> None:
        self.expires_at = expires_at
        self.now = now
        super().__init__(
            f"the batch expires {_shown(expires_at)}, which is before now ({_shown(now)}): "
            "give an expiry in the future, or none",
            path="expires_at",
        )


def check_expiry(expires_at: datetime | None, *, now: float) -> None:
    """Refuse an expiry at or before `now` (unix seconds)."""
    if expires_at is None:
        return
    moment = datetime.fromtimestamp(now, UTC).replace(microsecond=0)
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= moment:
        raise ExpiryNotInFuture(expires_at, moment)
