"""Rendering the portal's pages: the reader's language, the Jinja2 templates, safe headers."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.errors import IndexUnavailable
from api.portal.errors import IndexNotAvailable, PortalError
from api.portal.i18n import Language, Translator, choose_language
from api.portal.times import TZ_COOKIE, middle, reader_zone, shown_time
from ledger.certificates.document_view import Hidden
from ledger.errors import LedgerError
from ledger.index.errors import IndexOutOfStep
from ledger.labels import Lang, Vocabulary, label

_ENVIRONMENT = Environment(
    loader=PackageLoader("api.portal", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a misspelt variable fails the render (and the tests), not silently
    trim_blocks=True,
    lstrip_blocks=True,
)
# `{% if value is hidden %}`: a field of a certificate the holder hid (ledger.certificates.document_view)
_ENVIRONMENT.tests["hidden"] = lambda value: isinstance(value, Hidden)
TEMPLATES = Jinja2Templates(env=_ENVIRONMENT)

# No inline script or style: everything comes from this site, and no other site may frame it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def page_language(request: Request, lang: Annotated[str | None, Query()] = None) -> Language:
    return choose_language(lang, request.headers.get("accept-language"))


PageLanguage = Annotated[Language, Depends(page_language)]


def link(
    request: Request, language: Language, name: str, /, path_params: dict[str, str] | None = None, **query: Any
) -> str:
    """The path of the named route in `language`, with the query parameters that have a value."""
    path = request.url_for(name, **(path_params or {})).path
    kept = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode({**kept, 'lang': language.value})}"


def switch_link(request: Request, language: Language) -> str:
    """This page in the other language: the same GET request, or the start page after a POST
    (an uploaded file is not kept, so a result cannot be shown again)."""
    other = language.other
    if request.method == "GET":
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        return f"{request.url.path}?{urlencode([*query, ('lang', other.value)])}"
    return link(request, other, "portal.home")


def page(
    request: Request, language: Language, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    translate = Translator(language)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": translate,
            "language": language,
            "link": lambda name, path_params=None, **query: link(request, language, name, path_params, **query),
            "switch_link": switch_link(request, language),
            "other_language": language.other,
            "signed_in_role": (role := _signed_in_role(request)),
            "signed_in_staff": role in _staff_roles(),
            # every time on every page: the reader's zone with its offset (api/portal/times.py)
            "when": partial(shown_time, zone=reader_zone(request.cookies.get(TZ_COOKIE))),
            # every account by its name and the member that gave it, long values shortened in the middle
            "who": lambda name: name.label_in(Lang(language.value)) if name is not None else None,
            "middle": middle,
            "label": lambda vocabulary, code: label(Vocabulary(vocabulary), code, Lang(language.value)),
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Language"] = language.html_lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response


def _staff_roles() -> tuple[str, ...]:
    from api.portal.auth_pages import STAFF_ROLES  # the login module renders pages itself

    return STAFF_ROLES


def _signed_in_role(request: Request) -> str | None:
    """The role of the key the visitor signed in with, for the navigation (None: not signed in)."""
    from api.portal.auth_pages import signed_in  # the login module renders pages itself
    from api.portal.config import get_portal_config

    principal = signed_in(request, get_portal_config(request))
    return principal.role if principal is not None else None


def error_page(request: Request, language: Language, error: PortalError) -> HTMLResponse:
    message = Translator(language)(error.message_key, **error.values)
    return message_page(request, language, message, status_code=error.status_code)


def failure_page(request: Request, language: Language, exc: LedgerError) -> HTMLResponse:
    """The page saying why a page's records could not be read: this service has no ledger index
    (yet), or the ledger or its index did not answer."""
    t = Translator(language)
    if isinstance(exc, IndexOutOfStep):
        return out_of_step_page(request, language, exc)
    if isinstance(exc, IndexNotAvailable | IndexUnavailable):
        return message_page(
            request, language, t("index.unavailable"), status_code=503, title_key="index.unavailable_title"
        )
    return message_page(request, language, t("error.unavailable", detail=exc.message), status_code=503)


def out_of_step_page(request: Request, language: Language, exc: IndexOutOfStep) -> HTMLResponse:
    """The page saying the index describes a chain that was reset, and when to come back."""
    t = Translator(language)
    then = (
        t("chain_reset.rebuilding")
        if exc.rebuilds_itself
        else t("chain_reset.operator", command="sanzhi index --rebuild")
    )
    message = t("chain_reset.message", then=then)  # the reason is in English: the API's problem says it
    response = message_page(request, language, message, status_code=503, title_key="chain_reset.title")
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def message_page(
    request: Request, language: Language, message: str, *, status_code: int, title_key: str = "error.title"
) -> HTMLResponse:
    """A page that says one thing (why the request could not be completed)."""
    return page(request, language, "message.html", status_code=status_code, title_key=title_key, message=message)
