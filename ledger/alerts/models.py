"""Joint risk alerts as partners read them: severity, scope, the interval in force, history."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, computed_field

from ledger.consortium.names import AccountName
from ledger.documents.common import LocationCode
from ledger.errors import InvalidInput
from ledger.ids import MEMBER_ID_PATTERN, member_id_bytes, member_id_text
from ledger.patterns import HEX32_TEXT_PATTERN

if TYPE_CHECKING:
    from ledger.consortium.names import Names

HS_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
# what `hs_prefix`, `locode` and `operator_code` accept, as the API's document states it
HS_PREFIX_PATTERN = r"^[.\s]*(?:[0-9][.\s]*[0-9][.\s]*){1,3}$"
LOCODE_PATTERN = r"^\s*(?:[A-Za-z]\s*){2}(?:[A-Za-z2-9]\s*){3}$"
OPERATOR_CODE_PATTERN = HEX32_TEXT_PATTERN
OPERATOR_ID = re.compile(r"^0x[0-9a-f]{64}$")
_LOCATION_CODE: TypeAdapter[str] = TypeAdapter(LocationCode)


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

    def at_least(self) -> list[Severity]:
        """This severity and the ones above it, least first."""
        return [s for s in Severity if s.code >= self.code]


class AlertState(StrEnum):
    """Where an alert stands at a moment, as it stood then."""

    SCHEDULED = "scheduled"  # not published yet, or not begun
    IN_FORCE = "in-force"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


def hs_prefix(text: str, *, path: str = "hs") -> str:
    """An HS chapter, heading or subheading (2, 4 or 6 digits; dots and spaces dropped)."""
    cleaned = re.sub(r"[.\s]", "", text)
    if not HS_PREFIX.match(cleaned):
        raise InvalidInput(f"{text!r} is not an HS code of 2, 4 or 6 digits (e.g. 03, 0306, 030617)", path=path)
    return cleaned


def locode(text: str, *, path: str = "port") -> str:
    """A UN/LOCODE such as CNSHA or SGSIN (spaces dropped, upper case)."""
    cleaned = re.sub(r"\s", "", text).upper()
    try:
        return _LOCATION_CODE.validate_python(cleaned)
    except ValidationError:
        raise InvalidInput(f"{text!r} is not a UN/LOCODE (5 characters, e.g. CNSHA, SGSIN)", path=path) from None


def member_code(text: str, *, path: str = "member") -> str:
    """A member id as the contracts key it (trimmed, upper case)."""
    try:
        return member_id_text(member_id_bytes(text))
    except InvalidInput as exc:
        raise InvalidInput(exc.reason, path=path) from None


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


# text whose pattern the document states (the parsers below refuse the rest in words)
_HsText = Annotated[str, Field(json_schema_extra={"pattern": HS_PREFIX_PATTERN})]
_MemberText = Annotated[str, Field(json_schema_extra={"pattern": MEMBER_ID_PATTERN})]
_OperatorText = Annotated[str, Field(json_schema_extra={"pattern": OPERATOR_CODE_PATTERN})]
_LocodeText = Annotated[str, Field(json_schema_extra={"pattern": LOCODE_PATTERN})]


class AlertScope(BaseModel):
    """What an alert concerns; an empty list (or no operator) means any."""

    model_config = ConfigDict(extra="forbid")

    hs: Annotated[list[_HsText], AfterValidator(_hs_list)] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    origins: Annotated[list[_MemberText], AfterValidator(_origins)] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    destinations: Annotated[list[_MemberText], AfterValidator(_destinations)] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    operator: Annotated[_OperatorText | None, AfterValidator(_operator)] = None
    ports_of_loading: Annotated[list[_LocodeText], AfterValidator(_loading)] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    ports_of_discharge: Annotated[list[_LocodeText], AfterValidator(_discharge)] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )

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
            self.takes_route(origin=origin, destination=destination)
            and _named(self.ports_of_loading, port_of_loading)
            and _named(self.ports_of_discharge, port_of_discharge)
        )

    def takes_route(self, *, origin: str | None, destination: str | None) -> bool:
        """Whether the scope's origins and destinations (when it names any) take a route in; a
        route end that is not known never matches a list that names something."""
        return _named(self.origins, origin) and _named(self.destinations, destination)


def _named(listed: list[str], value: str | None) -> bool:
    if not listed:
        return True
    return value is not None and re.sub(r"\s", "", value).upper() in listed


class Extension(BaseModel):
    """A later end set at block time `at`."""

    at: AwareTime
    until: AwareTime


class Alert(BaseModel):
    """One alert as the registry holds it. `published_until` is the end set at publication;
    `until` the end in force now (the last one set); `registry` the version that holds it (where
    it is extended or withdrawn); `tx_hash` the publishing transaction, when it was looked up."""

    id: int
    member: str
    publisher: str
    severity: Severity
    scope: AlertScope
    since: AwareTime
    published_until: AwareTime
    published_at: AwareTime
    extensions: list[Extension] = Field(default_factory=list)
    withdrawn_at: Annotated[datetime | None, AfterValidator(_aware_or_none)] = None
    reason_cid: str | None = None
    registry: str
    tx_hash: str | None = None
    member_name: str | None = None
    publisher_name: AccountName | None = None

    def with_names(self, names: Names) -> Alert:
        """The alert with its member's and publisher's names (as the consortium records them)."""
        return self.model_copy(
            update={"member_name": names.member(self.member), "publisher_name": names.account(self.publisher)}
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def until(self) -> datetime:
        """The end in force now: the last one set."""
        return self.extensions[-1].until if self.extensions else self.published_until

    def until_at(self, at: datetime) -> datetime:
        """The end in effect at `at`: the last one set at or before `at`."""
        aware(at, path="at")
        until = self.published_until
        for extension in self.extensions:
            if extension.at <= at:
                until = extension.until
        return until

    def state_at(self, at: datetime) -> AlertState:
        """Where the alert stood at `at`: not published or not begun yet, in force, ended by the
        end set last at or before `at`, or withdrawn at or before `at`. A later extension or
        withdrawal does not change the answer for an earlier time."""
        aware(at, path="at")
        if at < self.published_at:
            return AlertState.SCHEDULED
        if self.withdrawn_at is not None and at >= self.withdrawn_at:
            return AlertState.WITHDRAWN
        if at < self.since:
            return AlertState.SCHEDULED
        return AlertState.IN_FORCE if at < self.until_at(at) else AlertState.ENDED

    def in_force(self, at: datetime) -> bool:
        """Whether the alert was in force at `at`, as it stood then."""
        return self.state_at(at) is AlertState.IN_FORCE
