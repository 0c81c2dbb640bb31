"""A signed-in trade party's own pages: its certificates, its consignments, its AEO status.

The trader signs in like an auditor (its API key in the portal's cookie); each page asks the
same functions the API's /me routes do (api.party), so page and API show the same records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api import party
from api.deps import Context, ServiceContext
from api.errors import NotFound, OperatorNotNamed
from api.keystore import ApiKey
from api.pagination import PageRequest, decode_cursor
from api.portal.auth_pages import TRADER_ROLE, needed_page, role_of
from api.portal.config import Portal, PortalConfig
from api.portal.explain import recognition_view
from api.portal.i18n import Language, Translator
from api.portal.rendering import PageLanguage, failure_page, message_page, page
from api.portal.times import TZ_COOKIE, reader_zone
from ledger.errors import InvalidInput, LedgerError
from ledger.labels import Lang

router = APIRouter()
PAGE_SIZE = 20
Cursor = Annotated[str, Query(max_length=64)]


# what the customs administration runs to bind an operator id to a trader key (a command, not words)
OPERATOR_COMMAND = "sanzhi apikey create --role trader --account 0x… --operator SCHEME:ID"


def _needed(request: Request, language: Language, config: PortalConfig) -> HTMLResponse | ApiKey:
    """The trader's key, or the page saying what is needed to see this one."""
    principal = role_of(request, language, config, roles=(TRADER_ROLE,), area="party")
    if isinstance(principal, HTMLResponse):
        return principal
    if principal.key is not None:
        return principal.key
    t = Translator(language)  # a trader principal without a key of the key store cannot be looked up
    message = t("party.needed_wrong_role", role=t("party.role.trader"))
    return needed_page(request, language, message=message, status=403, title=t("party.needed_title"))


def _show(
    request: Request, language: Language, what: str, read: Callable[[], Any], template: str, **values: Any
) -> HTMLResponse:
    """Read the party's records and render them, or the page saying why they cannot be read."""
    t = Translator(language)
    try:
        found = read()
    except OperatorNotNamed:
        text = t("party.missing_operator", what=t(f"party.what_{what}"), command=OPERATOR_COMMAND)
        return message_page(request, language, text, status_code=409, title_key="party.missing_title")
    except InvalidInput as exc:
        return message_page(request, language, t("error.bad_input", detail=exc.message), status_code=400)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    return page(request, language, template, found=found, **values)


def _paging(cursor: str) -> PageRequest:
    return PageRequest(limit=PAGE_SIZE, offset=decode_cursor(cursor) if cursor else 0)


def _facts(context: ServiceContext, key: ApiKey) -> dict[str, Any]:
    return {"member": context.organisation or "", "party_key": key}


@router.get("/my/certificates", name="portal.my_certificates", response_class=HTMLResponse)
def my_certificates(
    request: Request, language: PageLanguage, context: Context, config: Portal, cursor: Cursor = ""
) -> HTMLResponse:
    key = _needed(request, language, config)
    if isinstance(key, HTMLResponse):
        return key

    def read() -> Any:
        return party.my_certificates(context=context, key=key, paging=_paging(cursor))

    return _show(request, language, "certificates", read, "my_certificates.html", **_facts(context, key))


@router.get("/my/consignments", name="portal.my_consignments", response_class=HTMLResponse)
def my_consignments(
    request: Request, language: PageLanguage, context: Context, config: Portal, cursor: Cursor = ""
) -> HTMLResponse:
    key = _needed(request, language, config)
    if isinstance(key, HTMLResponse):
        return key

    def read() -> Any:
        return party.my_consignments(context=context, key=key, paging=_paging(cursor))

    return _show(request, language, "consignments", read, "my_consignments.html", **_facts(context, key))


@router.get("/my/consignments/{consignment}", name="portal.my_timeline", response_class=HTMLResponse)
def my_timeline(
    request: Request, language: PageLanguage, context: Context, config: Portal, consignment: str
) -> HTMLResponse:
    """One of the party's consignments, in order; any other is not found, existing or not."""
    key = _needed(request, language, config)
    if isinstance(key, HTMLResponse):
        return key
    t = Translator(language)
    shown = consignment if len(consignment) <= 80 else consignment[:79] + "…"
    try:
        found = party.my_timeline(context=context, key=key, consignment=consignment, lang=Lang(language.value))
    except NotFound:
        return message_page(request, language, t("party.timeline_not_found", consignment=shown), status_code=404)
    except InvalidInput:
        return message_page(request, language, t("party.timeline_bad_id", value=shown), status_code=400)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    return page(request, language, "my_timeline.html", found=found, **_facts(context, key))


@router.get("/my/aeo", name="portal.my_aeo", response_class=HTMLResponse)
def my_aeo(request: Request, language: PageLanguage, context: Context, config: Portal) -> HTMLResponse:
    key = _needed(request, language, config)
    if isinstance(key, HTMLResponse):
        return key
    t, zone = Translator(language), reader_zone(request.cookies.get(TZ_COOKIE))
    return _show(request, language, "aeo", lambda: party.my_aeo(context=context, key=key), "my_aeo.html",
                 explain=lambda r: recognition_view(t, r, zone=zone), **_facts(context, key))  # fmt: skip
