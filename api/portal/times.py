"""Times on portal pages: in the reader's time zone with its UTC offset ("2026-12-06 18:04
+08:00"), so a time is never ambiguous. The zone is the `tz` cookie the portal's script sets
from the browser (an IANA name); without it, or with one this system does not know, UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TZ_COOKIE = "tz"
MAX_ZONE_NAME = 64  # the longest IANA names are about 30 characters


def reader_zone(tz: str | None) -> tzinfo:
    """The reader's time zone from the `tz` cookie; UTC when absent or unknown."""
    if not tz or len(tz) > MAX_ZONE_NAME or ".." in tz or tz.startswith("/"):
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def shown_time(at: datetime | int | None, zone: tzinfo, *, empty: str = "-") -> str:
    """`at` in `zone` to the minute, with the offset: "2026-12-06 18:04 +08:00". An int is unix
    seconds; None, and 0 ("not set" on chain), are `empty`."""
    if isinstance(at, int):
        at = datetime.fromtimestamp(at, tz=UTC) if at else None
    if at is None:
        return empty
    local = at.astimezone(zone)
    offset = local.strftime("%z")  # +0800
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def middle(value: str, keep: int = 6) -> str:
    """A long value (hash, address) shortened in the middle: "0x1234…cdef"; short ones as they are."""
    return value if len(value) <= 2 * keep + 3 else f"{value[: keep + 2]}…{value[-keep:]}"
