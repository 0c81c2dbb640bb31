"""The auditors' pages (signed-in auditors only), answered from the ledger index: the search
(filters as a GET form, one line per event, paged by cursor), its CSV, an account's page and a
transaction's events."""

from __future__ import annotations

import io
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from api.deps import Context
from api.portal.auth_pages import COOKIE, auditor_of, login_redirect
from api.portal.config import Portal
from api.portal.errors import IndexNotAvailable
from api.portal.i18n import Language, Translator
from api.portal.index_queries import (
    Audit,
    AuditFilters,
    AuditResults,
    account_overview,
    index_filter,
    transaction_records,
)
from api.portal.lane_alerts import consignment_alerts
from api.portal.rendering import PageLanguage, failure_page, message_page, out_of_step_page, page
from api.portal.times import TZ_COOKIE, middle
from ledger.errors import InvalidInput, LedgerError
from ledger.index.catalogue import known_events
from ledger.index.errors import IndexOutOfStep
from ledger.index.export import export_csv
from ledger.labels import Lang, Vocabulary, label
from ledger.timestamps import parse_time

router = APIRouter()

ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
TX_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")


# Lengths are checked by AuditFilters, so that a long value gets the page that says so (FastAPI's
# own check would answer with JSON).
class FilterForm(BaseModel):
    """The search form's filters as typed; a parameter the form does not have is ignored."""

    consignment: str = ""
    certificate: str = ""
    member: str = ""
    event: str = ""
    account: str = ""
    since: str = ""
    until: str = ""


Form = Annotated[FilterForm, Query()]


def _bad_input(t: Translator, exc: InvalidInput | ValidationError) -> str:
    """What the reader is told about a filter that cannot be read."""
    if isinstance(exc, InvalidInput):
        return t("error.bad_input", detail=exc.message)
    problem = exc.errors(include_url=False)[0]
    where = ".".join(map(str, problem["loc"]))
    return t("error.bad_input", detail=f"{where}: {problem['msg']}" if where else problem["msg"])


def _parse(typed: dict[str, str], cursor: str) -> AuditFilters:
    """The form's filters (InvalidInput or ValidationError for what cannot be read)."""
    return AuditFilters(
        consignment=typed["consignment"].strip() or None,
        certificate=typed["certificate"].strip() or None,
        member=typed["member"].strip().upper() or None,
        event=typed["event"].strip() or None,
        account=typed["account"].strip() or None,
        since=parse_time(typed["since"], path="since") if typed["since"].strip() else None,
        until=parse_time(typed["until"], path="until") if typed["until"].strip() else None,
        cursor=cursor.strip() or None,
    )


def _event_choices(language: Language) -> list[tuple[str, str]]:
    """Every event kind, by its label in `language`."""
    lang = Lang(language.value)
    return sorted(((code, label(Vocabulary.EVENT, code, lang)) for code in known_events()), key=lambda c: c[1])


@router.get("/audit", name="portal.audit", response_class=HTMLResponse)
def audit(
    request: Request,
    language: PageLanguage,
    context: Context,
    config: Portal,
    query: Audit,
    form_typed: Form,
    cursor: Annotated[str, Query()] = "",
) -> Response:
    auditor = auditor_of(request, config)
    if auditor is None:
        return login_redirect(request, language, expired=COOKIE in request.cookies)
    t = Translator(language)
    typed = form_typed.model_dump()
    form = {name: value[:200] for name, value in typed.items()}  # what the form shows again
    results: AuditResults | None = None
    error, status = None, 200
    try:
        results = query(context=context, filters=_parse(typed, cursor), auditor=auditor)
    except (InvalidInput, ValidationError) as exc:
        error, status = _bad_input(t, exc), 400
    except IndexNotAvailable as exc:
        error, status = t(exc.message_key), exc.status_code
    except IndexOutOfStep as exc:
        return out_of_step_page(request, language, exc)
    except LedgerError as exc:
        error, status = t("error.unavailable", detail=exc.message), 503
    kept = {name: value for name, value in form.items() if value.strip()}
    # beside the consignment's recorded lanes: partners' alerts published since (never changing them)
    # (read from the chain, so shown even when the index cannot answer the search)
    lanes = consignment_alerts(client=context.client, ucr=typed["consignment"], language=language,
                               tz=request.cookies.get(TZ_COOKIE))  # fmt: skip
    return page(
        request,
        language,
        "audit.html",
        lane_alerts=lanes,
        status_code=status,
        form=form,
        kept=kept,
        paged=bool(cursor.strip()),
        events=_event_choices(language),
        auditor=auditor,
        results=results,
        error=error,
    )


@router.get("/audit.csv", name="portal.audit_csv", response_class=Response)
def audit_csv(
    request: Request,
    language: PageLanguage,
    context: Context,
    config: Portal,
    form_typed: Form,
) -> Response:
    """Every event the search's filters match, as CSV in the reader's language."""
    auditor = auditor_of(request, config)
    if auditor is None:
        return login_redirect(request, language, expired=COOKIE in request.cookies)
    t = Translator(language)
    typed = form_typed.model_dump()
    out = io.StringIO()
    try:
        filters = index_filter(_parse(typed, ""))
        export_csv(engine=context.index(), filters=filters, out=out, lang=Lang(language.value))
    except (InvalidInput, ValidationError) as exc:
        return message_page(request, language, _bad_input(t, exc), status_code=400)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-events-{language.value}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/audit/accounts/{address}", name="portal.account", response_class=HTMLResponse)
def account_page(request: Request, address: str, language: PageLanguage, context: Context, config: Portal) -> Response:
    """An account: the member it acts for, its accreditations and what it did lately."""
    auditor = auditor_of(request, config)
    if auditor is None:
        return login_redirect(request, language, expired=COOKIE in request.cookies)
    t = Translator(language)
    if not ADDRESS.match(address):
        return message_page(request, language, t("trail.bad_address", value=middle(address[:80])), status_code=400)
    try:
        overview = account_overview(context=context, address=address)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    return page(request, language, "account.html", overview=overview, auditor=auditor)


@router.get("/audit/transactions/{tx_hash}", name="portal.transaction", response_class=HTMLResponse)
def transaction_page(
    request: Request, tx_hash: str, language: PageLanguage, context: Context, config: Portal
) -> Response:
    """The events one transaction wrote."""
    auditor = auditor_of(request, config)
    if auditor is None:
        return login_redirect(request, language, expired=COOKIE in request.cookies)
    t = Translator(language)
    if not TX_HASH.match(tx_hash):
        return message_page(request, language, t("trail.bad_tx", value=middle(tx_hash[:80])), status_code=400)
    try:
        records = transaction_records(context=context, tx_hash=tx_hash)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    if not records:
        return message_page(request, language, t("trail.tx_not_found", tx=tx_hash), status_code=404)
    return page(
        request, language, "transaction.html", tx_hash=tx_hash, records=records, auditor=auditor,
    )  # fmt: skip
