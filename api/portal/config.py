"""What the portal needs from the service that includes it, beyond the ServiceContext.

The service puts a `PortalConfig` on `app.state.portal` (the factory in api.portal.app does);
without one the defaults apply: uploads up to 1 MiB and no auditor login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel

from api.keystore import ApiKey

DEFAULT_MAX_UPLOAD = 1024 * 1024  # a wrapped certificate is a few kilobytes


class Principal(BaseModel):
    """Whom an API key belongs to: the organisation (a member id such as CN) and its role."""

    organisation: str
    role: str
    key: ApiKey | None = None  # the key itself (a trader's account and operator); None where not known


# Looks an API key up and answers whose it is (None: unknown or no longer valid).
KeyCheck = Callable[[str], Principal | None]


@dataclass(frozen=True)
class PortalConfig:
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    # TODO(lead): the API's key store (api/ keys, stored hashed) once it lands; None: no login
    check_api_key: KeyCheck | None = None
    # a signed-in party's live feed (/my/feed): how often it looks at the index, how often an
    # idle stream is sent a heartbeat, and how many a key may have open at once
    feed_poll_seconds: float = 1.0
    feed_ping_seconds: float = 15.0
    max_feeds_per_key: int = 3


def get_portal_config(request: Request) -> PortalConfig:
    config = getattr(request.app.state, "portal", None)
    return config if isinstance(config, PortalConfig) else PortalConfig()


Portal = Annotated[PortalConfig, Depends(get_portal_config)]
