"""Times at the boundary: ISO 8601 text in, UTC datetimes inside, unix seconds on chain."""

from __future__ import annotations

from datetime import UTC, datetime

from ledger.errors import InvalidInput


def parse_time(text: str, *, path: str = "time") -> datetime:
    """An ISO 8601 date or date-time; without an offset it is read as UTC."""
    cleaned = text.strip()
    try:
        value = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO 8601 time (e.g. 2026-01-31 or 2026-01-31T08:00:00Z)",
            path=path,
        ) from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value.timestamp() < 0:
        raise InvalidInput(f"{text!r} is before 1970", path=path)
    return value


def to_unix(value: datetime | None) -> int:
    """Unix seconds for the chain; None is 0 (the contract's "now" / "no expiry")."""
    return 0 if value is None else int(value.timestamp())


def from_unix(value: int | None) -> datetime | None:
    """Unix seconds as a UTC datetime; None and 0 ("not set" on chain) are None."""
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def utc_now() -> datetime:
    """The wall-clock time now, to the second (what a query without `--at` means)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(value: datetime | int | None, *, empty: str = "-") -> str:
    """ISO 8601 in UTC for people: `2026-12-01T00:00Z`, with seconds when there are any.

    An int is unix seconds; None (and 0 for an int: "not set" on chain) is `empty`."""
    if isinstance(value, int):
        if value == 0:
            return empty
        value = datetime.fromtimestamp(value, tz=UTC)
    if value is None:
        return empty
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ" if value.second else "%Y-%m-%dT%H:%MZ")
