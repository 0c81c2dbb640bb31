"""Types every request shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

MAX_UNIX = 2**63 - 1  # the contracts keep times as uint64; Python's datetimes end far sooner


def _as_utc(value: datetime) -> datetime:
    """Read a time without an offset as UTC (as the command line does); before 1970 is refused
    (the chain counts seconds from then)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value.timestamp() < 0:
        raise ValueError("a time before 1970 is not a time the ledger records")
    return value


UtcTime = Annotated[datetime, AfterValidator(_as_utc)]
"""An ISO 8601 time; without an offset it is UTC."""
