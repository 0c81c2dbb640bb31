"""The portal's router, and an app serving the portal alone."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from api.deps import ServiceContext
from api.portal import (
    alert_pages,
    assessment_pages,
    audit_pages,
    auth_pages,
    index_pages,
    live_feed,
    party_pages,
    recognition_page,
    static_files,
    verify_pages,
)
from api.portal.config import PortalConfig
from api.portal.http_errors import install, refuse_api_paths
from ledger.connect import build_client
from ledger.settings import LedgerSettings

# HTML pages are not part of the JSON API's OpenAPI description
router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_api_paths)])
PAGES = (verify_pages, recognition_page, index_pages, audit_pages, auth_pages, party_pages, live_feed, alert_pages,
         assessment_pages, static_files)  # fmt: skip
for module in PAGES:
    router.include_router(module.router)


def portal_app(context: ServiceContext, config: PortalConfig | None = None) -> FastAPI:
    """A FastAPI app serving the portal at `/` for `context`'s chain."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.context = context
    app.state.portal = config or PortalConfig()
    app.include_router(router)
    install(app, unknown_paths_are_pages=True)  # errors Starlette raises itself, as pages
    return app


def portal_from_settings() -> FastAPI:
    """The portal alone, for the node and deployment the SANZHI_* environment names
    (`uvicorn --factory api.portal.app:portal_from_settings`)."""
    settings = LedgerSettings()
    return portal_app(ServiceContext(settings=settings, client=build_client(settings)))
