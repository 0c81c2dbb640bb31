"""Pages answered from the ledger index: a certificate's history (public) and the auditors'
search (signed-in auditors only)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.deps import Context
from api.portal.auth_pages import COOKIE, auditor_of, login_redirect
from api.portal.config import Portal
from api.portal.errors import IndexNotAvailable
from api.portal.i18n import Translator
from api.portal.index_queries import Audit, AuditFilters, AuditRecord, History
from api.portal.rendering import PageLanguage, message_page, page
from ledger.errors import InvalidInput, LedgerError
from ledger.timestamps import iso, parse_time

router = APIRouter()

CERTIFICATE_ID = re.compile(r"^0x[0-9a-fA-F]{64}$")
EVENTS = ("issued", "revoked", "suspended", "reinstated", "superseded", "utilized", "certified", "evidence")


@router.get("/certificates/{certificate_id}", name="portal.history", response_class=HTMLResponse)
def history(
    request: Request, certificate_id: str, language: PageLanguage, context: Context, query: History
) -> HTMLResponse:
    t = Translator(language)
    if not CERTIFICATE_ID.match(certificate_id):
        shown = certificate_id if len(certificate_id) <= 80 else certificate_id[:79] + "…"
        return message_page(request, language, t("history.bad_id", value=shown), status_code=400)
    leaf = certificate_id.lower()
    try:
        found = query(context=context, certificate=leaf)
    except IndexNotAvailable as exc:
        return message_page(
            request, language, t(exc.message_key), status_code=exc.status_code, title_key="index.unavailable_title"
        )
    except LedgerError as exc:
        return message_page(request, language, t("error.unavailable", detail=exc.message), status_code=503)
    if found is None:
        return message_page(request, language, t("history.not_found", certificate=leaf), status_code=404)
    return page(request, language, "history.html", history=found, iso=iso)


# Lengths are checked by AuditFilters, so that a long value gets the page that says so (FastAPI's
# own check would answer with JSON).
Filter = Annotated[str, Query()]


@router.get("/audit", name="portal.audit", response_class=HTMLResponse)
def audit(
    request: Request,
    language: PageLanguage,
    context: Context,
    config: Portal,
    query: Audit,
    consignment: Filter = "",
    certificate: Filter = "",
    member: Filter = "",
    event: Filter = "",
    since: Filter = "",
    until: Filter = "",
) -> Response:
    auditor = auditor_of(request, config)
    if auditor is None:
        return login_redirect(request, language, expired=COOKIE in request.cookies)
    t = Translator(language)
    typed = {
        "consignment": consignment,
        "certificate": certificate,
        "member": member,
        "event": event,
        "since": since,
        "until": until,
    }
    form = {name: value[:200] for name, value in typed.items()}  # what the form shows again
    records: list[AuditRecord] | None = None
    error, status = None, 200
    try:
        filters = AuditFilters(
            consignment=consignment.strip() or None,
            certificate=certificate.strip() or None,
            member=member.strip().upper() or None,
            event=event if event in EVENTS else None,
            since=parse_time(since, path="since") if since.strip() else None,
            until=parse_time(until, path="until") if until.strip() else None,
        )
        records = query(context=context, filters=filters, auditor=auditor)
    except InvalidInput as exc:
        error, status = t("error.bad_input", detail=exc.message), 400
    except ValidationError as exc:
        error, status = t("error.bad_input", detail=exc.errors(include_url=False)[0]["msg"]), 400
    except IndexNotAvailable as exc:
        error, status = t(exc.message_key), exc.status_code
    except LedgerError as exc:
        error, status = t("error.unavailable", detail=exc.message), 503
    return page(
        request,
        language,
        "audit.html",
        status_code=status,
        form=form,
        events=EVENTS,
        auditor=auditor,
        records=records,
        error=error,
        iso=iso,
    )
