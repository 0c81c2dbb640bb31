"""What every route depends on: the service's context, handed out by FastAPI's Depends.

The app builds one `ServiceContext` in its lifespan and keeps it on `app.state.context`;
tests replace it with `app.dependency_overrides[get_context]`. Nothing here is global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from ledger.chain.client import LedgerClient
from ledger.settings import LedgerSettings


@dataclass
class ServiceContext:
    """One running service: its settings, a read-only chain client, and the organisation it serves."""

    settings: LedgerSettings
    client: LedgerClient
    # the consortium member whose users this instance serves ("CN"); None for a verify-only portal
    organisation: str | None = None
    # the signing profile per role this organisation's service uses ("issuer" -> "cn-issuer")
    signers: dict[str, str] = field(default_factory=dict)


def get_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


Context = Annotated[ServiceContext, Depends(get_context)]
