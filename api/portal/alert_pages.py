"""The partners' joint risk alerts page: the alerts in force (and, on request, those that ended
or were withdrawn lately), read from every AlertRegistry version the consortium lists.

Alerts are between administrations: only signed-in staff of the service's member (auditor keys)
see them; a visitor is told to sign in, a trader that the page is not theirs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Context
from api.portal.alert_views import alert_view, shown
from api.portal.auth_pages import staff_of
from api.portal.config import Portal
from api.portal.i18n import Translator
from api.portal.rendering import PageLanguage, failure_page, page
from api.portal.times import TZ_COOKIE, reader_zone
from ledger.alerts.registry import AlertRegistryBinding
from ledger.chain.reads import latest_timestamp
from ledger.consortium.names import Names
from ledger.errors import LedgerError

router = APIRouter()


@router.get("/risk-alerts", name="portal.alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    language: PageLanguage,
    context: Context,
    config: Portal,
    show: Annotated[str, Query()] = "",
) -> Response:
    """The alerts in force now (the chain's time); `show=recent` adds the last 30 days' ended
    and withdrawn ones. Any other `show` is the default list."""
    principal = staff_of(request, language, config)
    if isinstance(principal, HTMLResponse):
        return principal
    t = Translator(language)
    recent = show == "recent"
    try:
        now = datetime.fromtimestamp(latest_timestamp(context.client), UTC)
        found = shown(AlertRegistryBinding(context.client).alerts(), now=now, recent=recent)
        names = Names.load(client=context.client)
        zone = reader_zone(request.cookies.get(TZ_COOKIE))
        views = [alert_view(a, t=t, names=names, zone=zone, now=now) for a in found]
    except LedgerError as exc:
        return failure_page(request, language, exc)
    return page(request, language, "alerts.html", alerts=views, recent=recent, principal=principal)
