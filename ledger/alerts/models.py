"""Joint risk alerts as partners read them: severity, scope, the interval in force, history."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from ledger.errors import InvalidInput

HS_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
# UN/LOCODE: the country's ISO 3166 alpha-2 code, then three letters or digits 2-9
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
OPERATOR_ID = re.compile(r"^0x[0-9a-f]{64}$")
MEMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


class Severity(StrEnum):
    """How strongly partners should weigh an alert (the contract's enum, in its order)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def code(self) -> int:
        return list(Severity).index(self)

    @classmethod
    def of_code(cls, code: int) -> Severity:
        return list(cls)[code]


def hs_prefix(text: str, *, path: str = "hs") -> str:
    """An HS chapter, heading or subheading (2, 4 or 6 digits; dots and spaces dropped)."""
    cleaned = re.sub(r"[.\s]", "", text)
    if not HS_PREFIX.match(cleaned):
        raise InvalidInput(f"{text!r} is not an HS code of 2, 4 or 6 digits (e.g. 03, 0306, 030617)", path=path)
    return cleaned


def locode(text: str, *, path: str = "port") -> str:
    """A UN/LOCODE such as CNSHA or SGSIN (spaces dropped, upper case)."""
    cleaned = re.sub(r"\s", "", text).upper()
    if not LOCODE.match(cleaned):
        raise InvalidInput(f"{text!r} is not a UN/LOCODE (5 characters, e.g. CNSHA, SGSIN)", path=path)
    return cleaned


def member_code(text: str, *, path: str = "member") -> str:
    cleaned = text.strip().upper()
    if not MEMBER.match(cleaned):
        raise InvalidInput(f"{text!r} is not a member id (letters, digits and '-', e.g. CN)", path=path)
    return cleaned


def operator_code(text: str, *, path: str = "operator") -> str:
    """An operator's pseudonymous id as the AEO registry keys it: 0x and 64 hex digits."""
    cleaned = text.strip().lower()
    if not OPERATOR_ID.match(cleaned):
        raise InvalidInput(f"{text!r} is not a pseudonymous operator id (0x and 64 hex digits)", path=path)
    return cleaned


def aware(value: datetime, *, path: str = "time") -> datetime:
    """A time with its zone: a naive time is refused, not guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{value.isoformat()} has no time zone (add Z or an offset such as +08:00)", path=path)
    return value


def _unique(values: list[str], path: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise InvalidInput(f"{value} is named twice", path=path)
        seen.add(value)
    return values


def _hs_list(values: list[str]) -> list[str]:
    return _unique([hs_prefix(v) for v in values], "hs")


def _origins(values: list[str]) -> list[str]:
    return _unique([member_code(v, path="origins") for v in values], "origins")


def _destinations(values: list[str]) -> list[str]:
    return _unique([member_code(v, path="destinations") for v in values], "destinations")


def _loading(values: list[str]) -> list[str]:
    return _unique([locode(v, path="ports_of_loading") for v in values], "ports_of_loading")


def _discharge(values: list[str]) -> list[str]:
    return _unique([locode(v, path="ports_of_discharge") for v in values], "ports_of_discharge")


def _operator(value: str | None) -> str | None:
    return None if value is None else operator_code(value)


def _aware(value: datetime) -> datetime:
    return aware(value)


def _aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


AwareTime = Annotated[datetime, AfterValidator(_aware)]


class AlertScope(BaseModel):
    """What an alert concerns; an empty list (or no operator) means any."""

    hs: Annotated[list[str], AfterValidator(_hs_list)] = Field(default_factory=list)
    origins: Annotated[list[str], AfterValidator(_origins)] = Field(default_factory=list)
    destinations: Annotated[list[str], AfterValidator(_destinations)] = Field(default_factory=list)
    operator: Annotated[str | None, AfterValidator(_operator)] = None
    ports_of_loading: Annotated[list[str], AfterValidator(_loading)] = Field(default_factory=list)
    ports_of_discharge: Annotated[list[str], AfterValidator(_discharge)] = Field(default_factory=list)

    def matches(
        self,
        *,
        hs_code: str,
        origin: str | None,
        destination: str | None,
        operator: str | None,
        port_of_loading: str | None,
        port_of_discharge: str | None,
    ) -> bool:
        """Whether a consignment falls in this scope: every list that names something must
        name the consignment's value (HS codes by prefix); a value the record does not have
        never matches a list that names something."""
        code = re.sub(r"[.\s]", "", hs_code)
        if self.hs and not any(code.startswith(prefix) for prefix in self.hs):
            return False
        if self.operator is not None and (operator is None or operator.strip().lower() != self.operator):
            return False
        return (
            _named(self.origins, origin)
            and _named(self.destinations, destination)
            and _named(self.ports_of_loading, port_of_loading)
            and _named(self.ports_of_discharge, port_of_discharge)
        )


def _named(listed: list[str], value: str | None) -> bool:
    if not listed:
        return True
    return value is not None and re.sub(r"\s", "", value).upper() in listed


class Extension(BaseModel):
    """A later end set at block time `at`."""

    at: AwareTime
    until: AwareTime


class Alert(BaseModel):
    """One alert as the registry holds it. `until` is the end in force now (the last one set);
    `published_until` the end set at publication; `registry` the version that holds it (where
    it is extended or withdrawn)."""

    id: int
    member: str
    publisher: str
    severity: Severity
    scope: AlertScope
    since: AwareTime
    until: AwareTime
    published_until: AwareTime
    published_at: AwareTime
    extensions: list[Extension] = Field(default_factory=list)
    withdrawn_at: Annotated[datetime | None, AfterValidator(_aware_or_none)] = None
    reason_cid: str | None = None
    tx_hash: str | None = None
    registry: str | None = None

    def until_at(self, at: datetime) -> datetime:
        """The end in effect at `at`: the last one set at or before `at`."""
        aware(at, path="at")
        until = self.published_until
        for extension in self.extensions:
            if extension.at <= at:
                until = extension.until
        return until

    def in_force(self, at: datetime) -> bool:
        """Whether the alert was in force at `at`, as it stood then: published by `at`, begun,
        not yet ended by the end set last at or before `at`, not withdrawn at or before `at`.
        A later extension or withdrawal does not change the answer for an earlier time."""
        aware(at, path="at")
        if at < self.published_at or at < self.since:
            return False
        if self.withdrawn_at is not None and at >= self.withdrawn_at:
            return False
        return at < self.until_at(at)
