"""Portal sign-in sessions in the service database: the browser's cookie holds a random session
id, the database its SHA-256 with the key it signs in as; the API token itself is never kept.

A session lasts `SESSION_LIFETIME` from sign-in (absolute, not renewed by use), ends when its
holder signs out, and is checked on every request against its key: a key revoked or expired,
or a secret replaced by a rotation whose grace has ended, signs its sessions out at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from api.errors import AuthenticationFailed
from api.keystore import ApiKey, KeyStore, secret_sha256
from api.portal.config import Principal
from ledger.index.models import portal_sessions

SESSION_LIFETIME = timedelta(hours=8)
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PortalSessions:
    """The SessionGate of a service acting for `organisation` (None: no sign-in at all)."""

    def __init__(self, *, keys: KeyStore, organisation: str | None, lifetime: timedelta = SESSION_LIFETIME) -> None:
        self.keys = keys
        self.organisation = organisation
        self.lifetime = lifetime

    def open(self, token: str, *, roles: tuple[str, ...]) -> tuple[str, Principal] | None:
        try:
            key = self.keys.authenticate(token)
        except AuthenticationFailed:
            return None
        principal = self._principal(key)
        if principal is None or principal.role not in roles:
            return None
        session_id, now = secrets.token_urlsafe(32), self.keys.clock()
        with self.keys.engine.begin() as db:
            db.execute(delete(portal_sessions).where(portal_sessions.c.expires_at < now))  # ended ones: forgotten
            db.execute(
                insert(portal_sessions).values(
                    session_sha256=_digest(session_id), key_id=key.key_id, secret_sha256=secret_sha256(token),
                    created_at=now, expires_at=now + self.lifetime,
                )
            )  # fmt: skip
        return session_id, principal

    def principal(self, session_id: str) -> Principal | None:
        if not _SESSION_ID.match(session_id):
            return None
        with self.keys.engine.connect() as db:
            row = db.execute(
                select(portal_sessions).where(portal_sessions.c.session_sha256 == _digest(session_id))
            ).first()
        if row is None or row.revoked_at is not None or self.keys.clock() >= _utc(row.expires_at):
            return None
        try:
            key = self.keys.key_with_secret(row.key_id, row.secret_sha256)
        except AuthenticationFailed:
            return None
        return self._principal(key)

    def close(self, session_id: str) -> None:
        if not _SESSION_ID.match(session_id):
            return
        with self.keys.engine.begin() as db:
            db.execute(
                update(portal_sessions)
                .where(portal_sessions.c.session_sha256 == _digest(session_id), portal_sessions.c.revoked_at.is_(None))
                .values(revoked_at=self.keys.clock())
            )

    def _principal(self, key: ApiKey) -> Principal | None:
        """Whose the key is, if it is of the service's organisation (the API refuses others' too)."""
        if key.organisation != self.organisation:
            return None
        return Principal(organisation=key.organisation, role=key.role.value, key=key)
