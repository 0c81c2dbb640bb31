"""API keys: bound to one organisation and role, stored hashed, shown once, revocable.

A token reads `szk_<key id>_<secret>`: the key id finds the row, the secret is checked against
its SHA-256 in constant time. SHA-256 suffices because the secret is 32 random bytes, not a
password: there is nothing to guess, so a slow password hash would only slow every request.

A key expires (api/key_lifetimes.py); rotating it gives it a new secret and keeps the previous
one valid for a grace period (one previous secret: a second rotation ends the first's grace).

The table lives in the service database (`LedgerSettings.resolved_database_url`); this module
is the one definition of it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from eth_utils.address import is_address, to_checksum_address
from pydantic import BaseModel, Field
from sqlalchemy import Engine, make_url, select, update

from api.errors import AuthenticationFailed, Conflict, KeyExpired, NotFound
from api.key_lifetimes import grace_period, key_expiry
from ledger.aeo.codes import canonical_operator_id
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.index.db import make_engine, upgrade
from ledger.index.models import api_keys
from ledger.webhooks.audience import Audience

TOKEN_PREFIX = "szk"
_TOKEN = re.compile(r"^szk_([0-9a-f]{16})_([0-9a-f]{64})$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_SCHEME = re.compile(r"^[A-Z][A-Z0-9]{1,15}:[A-Z0-9]")
MAX_LABEL = 200
log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ApiRole(StrEnum):
    """What a key may do for its organisation (see docs/api.md)."""

    ISSUER = "issuer"
    CUSTOMS = "customs"
    AUDITOR = "auditor"
    TRADER = "trader"
    ADMIN = "admin"
    ORACLE = "oracle"


class ApiKey(BaseModel):
    """A key as listed: never its secret."""

    key_id: str
    organisation: str = Field(description="Consortium member the key acts for, e.g. CN")
    role: ApiRole
    label: str
    created_at: datetime
    expires_at: datetime = Field(description="When the key stops working (UTC)")
    revoked_at: datetime | None = None
    previous_until: datetime | None = Field(
        default=None, description="After a rotation: when the key's previous secret stops working"
    )
    account: str | None = Field(
        default=None, description="The party account a trader key acts for (checksummed); null for other roles"
    )
    operator: str | None = Field(
        default=None,
        description="The operator id of a trader key's party (USCI:9133...); null for other roles and for "
        "trader keys created without one",
    )

    def usable_at(self, now: datetime) -> bool:
        """Neither revoked nor expired at `now`."""
        return self.revoked_at is None and now < self.expires_at


def key_audience(key: ApiKey) -> Audience:
    """Whom the key's webhooks and live feed are for: its member, its role, a trader key's party."""
    return Audience(member=key.organisation, role=key.role.value, operator=key.operator, account=key.account)


class CreatedKey(BaseModel):
    """A new key and its token, which is shown this once and stored only as a hash."""

    key: ApiKey
    token: str


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands times back without their zone; they were written in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_sha256(token: str) -> str:
    """The digest of a well-formed token's secret, as the key store keeps it."""
    match = _TOKEN.match(token)
    if match is None:
        raise AuthenticationFailed("malformed API key (expected szk_<key id>_<secret>)")
    return _digest(match.group(2))


def organisation_id(value: str) -> str:
    """A member id as the consortium spells it (`cn` -> `CN`), or InvalidInput."""
    return member_id_text(member_id_bytes(value))


def key_account(role: ApiRole, account: str | None) -> str | None:
    """The account a key of `role` acts for: required (an address) for a trader, refused for others."""
    given = (account or "").strip()
    if role is not ApiRole.TRADER:
        if given:
            raise InvalidInput(f"only a trader key acts for an account; a {role.value} key has none", path="account")
        return None
    if not given:
        raise InvalidInput("a trader key acts for one party account: give it (--account 0x...)", path="account")
    if not is_address(given):
        raise InvalidInput(f"{given!r} is not an account address (0x and 40 hex digits)", path="account")
    return str(to_checksum_address(given))


def key_operator(role: ApiRole, operator: str | None) -> str | None:
    """The operator id a key of `role` names (canonical, scheme-prefixed): optional for a
    trader, refused for others."""
    given = (operator or "").strip()
    if not given:
        return None
    if role is not ApiRole.TRADER:
        raise InvalidInput(f"only a trader key names an operator; a {role.value} key has none", path="operator")
    if given.lower().startswith("0x"):
        raise InvalidInput(
            "give the operator's national id with its scheme (e.g. USCI:91330200MA2AB1CD2X), not its on-chain hash",
            path="operator",
        )
    text = canonical_operator_id(given)
    if not _SCHEME.match(text):
        raise InvalidInput(
            f"{given!r} has no scheme: write it as SCHEME:ID (e.g. USCI:91330200MA2AB1CD2X, EORI:DE123...)",
            path="operator",
        )
    return text


class KeyStore:
    """API keys in the service database."""

    def __init__(self, url: str, *, clock: Clock = utc_now) -> None:
        self.clock = clock
        parsed = make_url(url)
        if parsed.drivername.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = make_engine(url)
        upgrade(self.engine)  # the table comes with the index's migrations (0002, 0003, 0004, 0007)

    def close(self) -> None:
        self.engine.dispose()

    def create(
        self,
        *,
        organisation: str,
        role: str,
        label: str,
        account: str | None = None,
        operator: str | None = None,
        expires: str | None = None,
    ) -> CreatedKey:
        """A new key for `organisation` with `role` (a trader's acting for `account` and naming
        its party's `operator` id, which only a trader key has), expiring as `expires` says (the
        default lifetime when None); its token is in the result only."""
        try:
            parsed_role = ApiRole(role.strip().lower())
        except ValueError:
            raise InvalidInput(f"unknown role {role!r}; one of {', '.join(ApiRole)}", path="role") from None
        bound = key_account(parsed_role, account)
        named = key_operator(parsed_role, operator)
        text = label.strip()
        if not text or len(text) > MAX_LABEL or not text.isprintable():
            raise InvalidInput(f"a label is 1 to {MAX_LABEL} printable characters", path="label")
        now = self.clock()
        key_id, secret = secrets.token_hex(8), secrets.token_hex(32)
        key = ApiKey(
            key_id=key_id,
            organisation=organisation_id(organisation),
            role=parsed_role,
            label=text,
            created_at=now,
            expires_at=key_expiry(expires, now=now),
            account=bound,
            operator=named,
        )
        with self.engine.begin() as db:
            db.execute(api_keys.insert().values(**key.model_dump(), secret_sha256=_digest(secret)))
        return CreatedKey(key=key, token=f"{TOKEN_PREFIX}_{key_id}_{secret}")

    def list(self, *, organisation: str | None = None, include_revoked: bool = True) -> list[ApiKey]:
        """Keys, oldest first (`include_revoked=False`: only those usable now, neither revoked nor expired)."""
        query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id)
        if organisation is not None:
            query = query.where(api_keys.c.organisation == organisation_id(organisation))
        with self.engine.connect() as db:
            keys = [self._key(row._mapping) for row in db.execute(query)]
        now = self.clock()
        return keys if include_revoked else [k for k in keys if k.usable_at(now)]

    def get(self, key_id: str) -> ApiKey:
        if not _KEY_ID.match(key_id):
            raise InvalidInput(f"{key_id!r} is not a key id (16 hex digits)", path="key_id")
        with self.engine.connect() as db:
            row = db.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first()
        if row is None:
            raise NotFound(f"API key {key_id}")
        return self._key(row._mapping)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key for good; revoking it again is refused (its revocation time stays)."""
        key = self.get(key_id)
        now = self.clock().replace(microsecond=0)
        with self.engine.begin() as db:
            changed = db.execute(
                update(api_keys)
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now, previous_sha256=None, previous_until=None)
            ).rowcount
        if not changed:
            raise Conflict(f"API key {key_id} was revoked at {self.get(key_id).revoked_at}")
        return key.model_copy(update={"revoked_at": now})

    def rotate(self, key_id: str, *, grace: str, expires: str | None = None) -> CreatedKey:
        """A new secret for key `key_id` (same id, organisation, role and party), expiring as
        `expires` says (the default lifetime from now when None); the old secret keeps working
        for `grace` (never past the key's old expiry), any earlier one stops now."""
        period = grace_period(grace)
        key = self.get(key_id)
        now = self.clock()
        expires_at = key_expiry(expires, now=now)
        if key.revoked_at is not None:
            raise Conflict(f"API key {key_id} was revoked at {key.revoked_at}; create a new one")
        secret = secrets.token_hex(32)
        until = min(now + period, key.expires_at)
        with self.engine.begin() as db:
            # one statement: its right-hand sides read the row as it is when it runs, so the
            # secret current then becomes the previous one even if another rotation came first
            changed = db.execute(
                update(api_keys)
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(
                    previous_sha256=api_keys.c.secret_sha256,
                    secret_sha256=_digest(secret),
                    previous_until=until,
                    expires_at=expires_at,
                    expiry_defaulted=False,
                )
            ).rowcount
        if not changed:  # revoked meanwhile
            raise Conflict(f"API key {key_id} was revoked while it was being rotated")
        rotated = key.model_copy(update={"expires_at": expires_at, "previous_until": until})
        return CreatedKey(key=rotated, token=f"{TOKEN_PREFIX}_{key_id}_{secret}")

    def authenticate(self, token: str) -> ApiKey:
        """The usable key `token` names, or AuthenticationFailed (malformed, unknown, revoked,
        expired, or a secret replaced by a rotation whose grace has ended)."""
        match = _TOKEN.match(token)
        if match is None:
            raise AuthenticationFailed("malformed API key (expected szk_<key id>_<secret>)")
        key_id, secret = match.groups()
        return self.key_with_secret(key_id, _digest(secret))

    def key_with_secret(self, key_id: str, secret_sha256: str) -> ApiKey:
        """The usable key `key_id` whose current secret, or previous one within its grace,
        has digest `secret_sha256` (a portal session's check, which keeps no token)."""
        with self.engine.connect() as db:
            row = db.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first()
        # compare against digests even for an unknown id, so timing tells nothing about ids
        data = row._mapping if row is not None else {}
        current = hmac.compare_digest(secret_sha256, data.get("secret_sha256") or "0" * 64)
        previous = hmac.compare_digest(secret_sha256, data.get("previous_sha256") or "0" * 64)
        if row is None or not (current or previous):
            raise AuthenticationFailed("unknown API key")
        key, now = self._key(data), self.clock()
        if key.revoked_at is not None:
            raise AuthenticationFailed(f"API key {key_id} was revoked")
        if now >= key.expires_at:
            raise KeyExpired(key_id, key.expires_at)
        if not current and (key.previous_until is None or now >= key.previous_until):
            raise AuthenticationFailed(f"this secret of API key {key_id} was replaced by a rotation; use the new one")
        return key

    def announce_default_expiry(self) -> None:
        """Log, once for the database, how many keys made before keys expired were given the
        default expiry by the migration: one statement clears the flag and returns what it
        cleared, so a second worker or a later start finds nothing to say."""
        with self.engine.begin() as db:
            cleared = db.execute(
                update(api_keys)
                .where(api_keys.c.expiry_defaulted)
                .values(expiry_defaulted=False)
                .returning(api_keys.c.expires_at)
            ).all()
        dates = [_utc(row.expires_at) for row in cleared]
        if dates:
            last = max(d for d in dates if d is not None)
            log.warning("%d API keys had no expiry: they now expire on %s", len(dates), f"{last:%Y-%m-%d}")

    @staticmethod
    def _key(row: object) -> ApiKey:
        data = dict(row)  # type: ignore[call-overload]
        for private in ("secret_sha256", "previous_sha256", "expiry_defaulted"):
            data.pop(private, None)
        for name in ("created_at", "expires_at", "revoked_at", "previous_until"):
            data[name] = _utc(data[name])
        return ApiKey.model_validate(data)
