"""What the portal needs from the service that includes it, beyond the ServiceContext.

The service puts a `PortalConfig` on `app.state.portal` (the factory in api.portal.app does);
without one the defaults apply: uploads up to 1 MiB and no auditor login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, Request
from pydantic import BaseModel

from api.keystore import ApiKey

DEFAULT_MAX_UPLOAD = 1024 * 1024  # a wrapped certificate is a few kilobytes


class Principal(BaseModel):
    """Whom an API key belongs to: the organisation (a member id such as CN) and its role."""

    organisation: str
    role: str
    key: ApiKey | None = None  # the key itself (a trader's account and operator); None where not known


class SessionGate(Protocol):
    """Portal sign-ins: an API key typed in opens a session; the browser holds only its id."""

    def open(self, token: str, *, roles: tuple[str, ...]) -> tuple[str, Principal] | None:
        """A new session id for the key `token` names and whose it is (None: not a valid key
        here, or not of one of `roles`)."""

    def principal(self, session_id: str) -> Principal | None:
        """Whom session `session_id` signs in as (None: unknown, signed out, expired, or its key
        no longer valid)."""

    def close(self, session_id: str) -> None:
        """End session `session_id` (signing out); an unknown or ended one is left as it is."""


@dataclass(frozen=True)
class PortalConfig:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    # sign-in sessions (api.portal.sessions on the service's database); None: no login
    sessions: SessionGate | None = None
    # a signed-in party's live feed (/my/feed): how often it looks at the index, how often an
    # idle stream is sent a heartbeat, and how many a key may have open at once
    feed_poll_seconds: float = 1.0
    feed_ping_seconds: float = 15.0
    max_feeds_per_key: int = 3


def get_portal_config(request: Request) -> PortalConfig:
    config = getattr(request.app.state, "portal", None)
    return config if isinstance(config, PortalConfig) else PortalConfig()


Portal = Annotated[PortalConfig, Depends(get_portal_config)]
