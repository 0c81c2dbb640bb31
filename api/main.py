"""The FastAPI app: `create_app(settings, service)`; its lifespan builds the chain client, the
key store and the rate limiters for one organisation's service."""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from api import errors, openapi, portal
from api.deps import ServiceContext
from api.keystore import KeyStore
from api.limits import BodySizeLimit
from api.metrics import MetricsMiddleware, ServiceMetrics
from api.portal.config import PortalConfig
from api.portal.http_errors import install as install_page_errors
from api.portal.rate_limited import is_portal_path, rate_limited_page
from api.portal.sessions import PortalSessions
from api.query_params import refuse_unknown_query_parameters
from api.rate_limits import RateLimits, ServiceLimits
from api.routes import (
    accreditation,
    aeo,
    alerts,
    audit,
    certificate_changes,
    certificates,
    destined,
    evidence,
    health,
    me,
    subscriptions,
)
from api.settings import ServiceSettings
from ledger.connect import build_client
from ledger.parallel import die_with_parent
from ledger.settings import LedgerSettings

TAGS = [
    {"name": "certificates", "description": "Verify (public), status (public), issue, hide, lifecycle, utilize"},
    {"name": "aeo", "description": "AEO recognition (public), certifications and MRAs"},
    {"name": "accreditation", "description": "Members and accreditations"},
    {"name": "evidence", "description": "Consignments: parties, trade events, customs decisions, timelines, bundles"},
    {"name": "audit", "description": "Audit queries over the index (auditor keys)"},
    {"name": "me", "description": "A trader key's own party: its certificates, consignments and AEO status"},
    {
        "name": "subscriptions",
        "description": "Webhook subscriptions of the organisation: what concerns it, posted as it happens",
    },
    {"name": "health", "description": "Health (public) and Prometheus metrics"},
]


def build_context(settings: LedgerSettings, service: ServiceSettings, metrics: ServiceMetrics) -> ServiceContext:
    """Everything the routes share, for the organisation `service` names."""
    return ServiceContext(
        settings=settings,
        client=build_client(settings, connect=False),
        organisation=service.organisation,
        signers=service.signer_profiles(dev=settings.env == "dev"),
        service=service,
        keys=KeyStore(settings.resolved_database_url),
        metrics=metrics,
        limits=ServiceLimits.of(settings, service),
    )


def create_app(
    settings: LedgerSettings, service: ServiceSettings | None = None, *, freeze_startup_heap: bool = False
) -> FastAPI:
    """The service app; nothing touches the chain or the database until it starts.

    `freeze_startup_heap`: when the process is the service's own (`sanzhi serve`, `sanzhi up`),
    move everything allocated by start-up into the garbage collector's permanent generation.
    """
    service = service or ServiceSettings()
    metrics = ServiceMetrics(chain_head=lambda: app.state.context.client.block_number())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = build_context(settings, service, metrics)
        app.state.context = context
        if context.keys is not None:
            context.keys.announce_default_expiry()  # keys the migration gave an expiry: said once
            sessions = PortalSessions(keys=context.keys, organisation=context.organisation)
            app.state.portal = dataclasses.replace(app.state.portal, sessions=sessions)
        if freeze_startup_heap:
            # what is loaded now lives as long as the process: out of the collector's sight, a
            # full collection no longer walks ~200,000 objects (tens of ms) inside some request
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if context.keys is not None:
                context.keys.close()
            if context.limits is not None:
                context.limits.close()

    # /docs and /redoc with Swagger UI's and ReDoc's files served from the package, not a CDN
    app = FastAPIOffline(
        title="sanzhi",
        version="0.1.0",
        lifespan=lifespan,
        openapi_tags=TAGS,
        # no badge fetched from Swagger's online validator: the page works with no internet
        swagger_ui_parameters={"validatorUrl": None},
    )
    errors.install(app)
    for router in (
        certificates.router,
        certificate_changes.router,
        destined.router,
        aeo.router,
        alerts.router,
        accreditation.router,
        evidence.router,
        audit.router,
        me.router,
        subscriptions.router,
        health.router,
    ):
        # every API route refuses query parameters it does not declare (api/query_params.py)
        app.include_router(router, dependencies=[Depends(refuse_unknown_query_parameters)])
    app.include_router(portal.router)  # the zh/en pages at /, outside the OpenAPI document
    install_page_errors(app)  # on the pages' paths, refusals are pages in the reader's language
    app.state.portal = PortalConfig()  # its sign-in sessions come with the key store, as the service starts
    app.add_middleware(BodySizeLimit, max_body_bytes=service.max_body_bytes)
    app.add_middleware(RateLimits, is_page=is_portal_path, page=rate_limited_page)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    openapi.install(app)
    return app


def app_from_environment() -> FastAPI:
    """The app as `sanzhi serve` runs it in each uvicorn worker: settings from SANZHI_* and
    SANZHI_API_* (the command sets them from its options)."""
    service = ServiceSettings()
    if service.workers > 1:  # a worker process of uvicorn's supervisor: it ends with it
        die_with_parent(os.getppid())
    return create_app(LedgerSettings(), service, freeze_startup_heap=True)
