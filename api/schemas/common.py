"""Types every request shares: each takes values of its own type only (no number for a time, no
boolean or fraction for an integer), in a body and in a query alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StrictBool, WithJsonSchema

from ledger.json_types import JsonInteger

MAX_UNIX = 2**63 - 1  # the contracts keep times as uint64; Python's datetimes end far sooner

# RFC 3339 date and time, the offset optional (then UTC, as the command line reads it). Checked
# before pydantic reads it: pydantic also takes a number, or text of one, as seconds since 1970,
# and a bare date as its midnight, none of which a client means as a time.
_ISO_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
# ISO 8601 duration as pydantic reads one (PT24H, P1DT2H, PT0S)
DURATION_PATTERN = r"^P(?!$)([0-9]{1,6}D)?(T(?=[0-9])([0-9]{1,6}H)?([0-9]{1,6}M)?([0-9]{1,6}(\.[0-9]{1,6})?S)?)?$"
_ISO_DURATION = re.compile(DURATION_PATTERN)


def _iso_time(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_TIME.fullmatch(value):
        raise ValueError("not an ISO 8601 date and time such as 2027-06-30T00:00:00Z")
    if not isinstance(value, str | datetime):
        raise ValueError("a time is ISO 8601 text such as 2027-06-30T00:00:00Z, not a number")
    return value


def _as_utc(value: datetime) -> datetime:
    """Read a time without an offset as UTC (as the command line does); before 1970 is refused
    (the chain counts seconds from then)."""
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value.timestamp() < 0:
        raise ValueError("a time before 1970 is not a time the ledger records")
    return value


UtcTime = Annotated[
    datetime,
    BeforeValidator(_iso_time),
    AfterValidator(_as_utc),
    # from 1970 (the chain's times), as RFC 3339 with its offset
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-"}),
]
"""An ISO 8601 time; without an offset it is UTC."""


def _duration(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():  # 258.0 is an integer as JSON Schema reads one
        return int(value)
    if isinstance(value, bool) or not isinstance(value, str | int | timedelta):
        raise ValueError("a duration is ISO 8601 text such as PT24H, or whole seconds")
    if isinstance(value, str) and not _ISO_DURATION.fullmatch(value):
        raise ValueError("not an ISO 8601 duration such as PT24H")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": DURATION_PATTERN}, {"type": "integer", "minimum": 0}]}),
]
"""A duration: ISO 8601 (PT24H) or whole seconds."""

Integer = JsonInteger
"""An integer in a JSON body: `8` or `8.0` (as JSON Schema reads one); no `true`, no `"8"`, no `8.5`."""
Flag = StrictBool
"""A boolean in a JSON body: `true` or `false`, no `1`, no `"yes"`."""


def _query_integer(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError("not a whole number in ASCII digits")
    return value


def _query_flag(value: Any) -> Any:
    if isinstance(value, str) and value not in ("true", "false"):
        raise ValueError("not true or false")
    return value


QueryInteger = Annotated[int, BeforeValidator(_query_integer)]
"""An integer in a query or path: ASCII digits only (no 1.0, no true, no +1)."""
QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]
"""A boolean in a query: `true` or `false` (no 1, yes or on)."""
