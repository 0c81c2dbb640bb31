"""Who receives what: the topics, a key as an audience, and the topics each key may have."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, field_validator

from ledger.aeo.codes import canonical_operator_id
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.webhooks.errors import TopicNotAllowed

_ACCOUNT = re.compile(r"^0x[0-9a-f]{40}$")


class Topic(StrEnum):
    """What a subscription is to (one vocabulary for the library, the CLI, the API and the docs)."""

    CERTIFICATES = "certificates"
    DESTINED = "destined-certificates"
    CONSIGNMENTS = "consignments"
    AEO = "aeo"
    MRAS = "mras"
    ALERTS = "alerts"


# Roles are the service's key roles (api.keystore.ApiRole values), spelt here because the library
# does not import the service; tests/ledger/webhooks checks they are the same words.
ADMIN_ROLE = "admin"
MEMBER_ROLES = frozenset({ADMIN_ROLE, "customs"})
ISSUER_ROLE = "issuer"
TRADER_ROLE = "trader"
KNOWN_ROLES = frozenset({*MEMBER_ROLES, ISSUER_ROLE, TRADER_ROLE, "auditor", "oracle"})


class Audience(BaseModel, frozen=True):
    """Who receives: a key of `member` with its role, and for a trader key its party (the
    operator id the key names, with its scheme, and its party account)."""

    member: str
    role: str  # an ApiRole value
    operator: str | None = None  # USCI:9131...; only a trader key's
    account: str | None = None  # 0x address of a trader key's party

    @field_validator("member")
    @classmethod
    def _member(cls, value: str) -> str:
        try:
            return member_id_text(member_id_bytes(value))
        except InvalidInput as exc:
            raise ValueError(exc.reason) from exc

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in KNOWN_ROLES:
            raise ValueError(f"{value[:40]!r} is not a key role ({', '.join(sorted(KNOWN_ROLES))})")
        return value

    @field_validator("operator")
    @classmethod
    def _operator(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.strip().lower().startswith("0x"):  # as a key names it: the records keep ids, not hashes
            raise ValueError(
                "give the operator's national id with its scheme (e.g. USCI:91330200MA2AB1CD2X), not its on-chain hash"
            )
        try:
            return canonical_operator_id(value)
        except InvalidInput as exc:
            raise ValueError(exc.reason) from exc

    @field_validator("account")
    @classmethod
    def _account(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _ACCOUNT.match(value.strip().lower()):
            raise ValueError(f"{value[:50]!r} is not an account (0x and 40 hex digits)")
        return value.strip().lower()


def allowed_topics(audience: Audience) -> frozenset[Topic]:
    """Every topic a key may receive: the member's customs and admin keys all of them, an
    issuer key the member's certificates, a trader key what concerns its own party (what it
    names: certificates and AEO status need its operator id, consignments its account)."""
    if audience.role in MEMBER_ROLES:
        return frozenset(Topic)
    if audience.role == ISSUER_ROLE:
        return frozenset({Topic.CERTIFICATES})
    if audience.role == TRADER_ROLE:
        party = {Topic.CERTIFICATES, Topic.AEO} if audience.operator else set()
        return frozenset(party | ({Topic.CONSIGNMENTS} if audience.account else set()))
    return frozenset()


def check_topics(audience: Audience, topics: Iterable[Topic]) -> None:
    """Refuse the first topic the key may not have (TopicNotAllowed)."""
    allowed = allowed_topics(audience)
    for topic in topics:
        if Topic(topic) not in allowed:
            raise TopicNotAllowed(Topic(topic).value, audience.role, (t.value for t in allowed))
