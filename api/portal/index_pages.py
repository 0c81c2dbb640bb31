"""A certificate's history, answered from the ledger index (public); the auditors' pages are
in audit_pages."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import Context
from api.portal.i18n import Translator
from api.portal.index_queries import History
from api.portal.rendering import PageLanguage, failure_page, message_page, page
from ledger.errors import LedgerError

router = APIRouter()

CERTIFICATE_ID = re.compile(r"^0x[0-9a-fA-F]{64}$")


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
    except LedgerError as exc:
        return failure_page(request, language, exc)
    if found is None:
        return message_page(request, language, t("history.not_found", certificate=leaf), status_code=404)
    return page(
        request,
        language,
        "history.html",
        history=found,
    )
