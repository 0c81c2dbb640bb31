"""How long API keys live: `--expires 90d|DATE` and `--grace 24h` in words a user types, and the
defaults (a key lives a year; a rotated key's old secret a day)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from ledger.errors import InvalidInput

DEFAULT_KEY_LIFETIME = timedelta(days=365)
MAX_KEY_LIFETIME = timedelta(days=5 * 365)
DEFAULT_GRACE = "24h"
MAX_GRACE = timedelta(days=30)
_DAYS = re.compile(r"^([0-9]{1,6})d$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_GRACE = re.compile(r"^([0-9]{1,6})([mhd])$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def key_expiry(text: str | None, *, now: datetime) -> datetime:
    """When a key made at `now` expires: `None` (the default lifetime), `<days>d`, or a date
    `YYYY-MM-DD` (the key expires as that day begins, UTC)."""
    if text is None:
        return now + DEFAULT_KEY_LIFETIME
    given = text.strip()
    days = _DAYS.match(given) if given.isascii() else None
    if days is not None:
        count = int(days.group(1))
        if count < 1:
            raise InvalidInput("a key lives at least 1 day (e.g. 90d)", path="expires")
        expires = now + timedelta(days=count)
    elif given.isascii() and _DATE.match(given):
        try:
            day = date.fromisoformat(given)
        except ValueError:
            raise _not_an_expiry(text) from None
        expires = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if expires <= now:
            raise InvalidInput(f"{given} is in the past (a key expires after it is made)", path="expires")
    else:
        raise _not_an_expiry(text)
    if expires - now > MAX_KEY_LIFETIME:
        raise InvalidInput(f"a key lives at most {MAX_KEY_LIFETIME.days} days; {given} is later", path="expires")
    return expires


def grace_period(text: str) -> timedelta:
    """How long a rotated key's old secret still works: `<n>m`, `<n>h` or `<n>d`, at most 30 days."""
    given = text.strip()
    match = _GRACE.match(given) if given.isascii() else None
    if match is None:
        raise InvalidInput(f"{text!r} is not a grace period: minutes, hours or days, e.g. 30m, 24h, 7d", path="grace")
    grace = int(match.group(1)) * _UNITS[match.group(2)]
    if grace > MAX_GRACE:
        raise InvalidInput(f"a grace period is at most {MAX_GRACE.days} days", path="grace")
    return grace


def _not_an_expiry(text: str) -> InvalidInput:
    return InvalidInput(f"{text!r} is not an expiry: a number of days (90d) or a date (2027-06-30)", path="expires")
