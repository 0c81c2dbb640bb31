"""Auditor and trader login: an API key typed into a form opens a session, whose random id (never
the key) is kept in an HttpOnly, SameSite=Strict cookie (Secure over https).

Every page that needs a sign-in checks the session again (PortalConfig.sessions: signed out,
expired, or its key revoked or expired each end it at once). Signing out ends the session on the
server, so a copy of the cookie is worth nothing after. Login and logout refuse forms posted
from another origin.
"""

from __future__ import annotations

from typing import Annotated, cast
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import RateLimited
from api.portal.config import Portal, PortalConfig, Principal
from api.portal.errors import CrossSiteForm
from api.portal.i18n import Language, Translator
from api.portal.rendering import PageLanguage, error_page, link, page
from api.portal.sessions import SESSION_LIFETIME
from api.rate_limits import take_login_attempt

router = APIRouter()

COOKIE = "sanzhi_auditor"
SESSION_SECONDS = int(SESSION_LIFETIME.total_seconds())
MAX_KEY = 512  # longer input is no key (nor session id); refused before the key store sees it
MAX_NEXT = 2000
AUDITOR_ROLE = "auditor"
TRADER_ROLE = "trader"
# a trader signs in to see its own party's pages; keys that sign chain writes through the service
# (customs, issuer, oracle, admin) never sit in a browser cookie
LOGIN_ROLES = (AUDITOR_ROLE, TRADER_ROLE)
STAFF_ROLES = (AUDITOR_ROLE,)  # a member's own staff: the partners' risk alerts and self-assessments


_NOT_CHECKED = object()  # request.state has no principal yet (None is "not signed in")


def signed_in(request: Request, config: PortalConfig) -> Principal | None:
    """Whom this request's session cookie signs in as, if the session and its key are still valid
    (checked once per request: the page and its navigation both ask)."""
    known = getattr(request.state, "principal", _NOT_CHECKED)
    if known is not _NOT_CHECKED:
        return cast("Principal | None", known)
    session_id = request.cookies.get(COOKIE)
    principal = None
    if session_id and len(session_id) <= MAX_KEY and config.sessions is not None:
        principal = config.sessions.principal(session_id)
    if principal is not None and principal.role not in LOGIN_ROLES:  # never opened by /login: refused anyway
        principal = None
    request.state.principal = principal
    return principal


def auditor_of(request: Request, config: PortalConfig) -> Principal | None:
    """The auditor whose key this request's cookie holds, if it is still an auditor's key."""
    principal = signed_in(request, config)
    return principal if principal is not None and principal.role == AUDITOR_ROLE else None


def needed_page(
    request: Request, language: Language, *, message: str, status: int, title: str | None = None
) -> HTMLResponse:
    """The page saying which sign-in this page needs, with a link to sign in and come back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return page(request, language, "party_needed.html", status_code=status, message=message, title=title,
                login=link(request, language, "portal.login", next=target))  # fmt: skip


def role_of(
    request: Request, language: Language, config: PortalConfig, *, roles: tuple[str, ...], area: str
) -> Principal | HTMLResponse:
    """The signed-in principal when its role is one of `roles`, else the page saying what is needed
    (messages `{area}.needed_signed_out` and `{area}.needed_wrong_role`, title `{area}.needed_title`)."""
    t = Translator(language)
    principal = signed_in(request, config)
    if principal is not None and principal.role in roles:
        return principal
    if principal is None:
        message, status = t(f"{area}.needed_signed_out"), 401
        if COOKIE in request.cookies:
            message = f"{t('login.expired')} {message}"
    else:
        role = t.get(f"party.role.{principal.role}", principal.role)
        message, status = t(f"{area}.needed_wrong_role", role=role), 403
    return needed_page(request, language, message=message, status=status, title=t(f"{area}.needed_title"))


def staff_of(request: Request, language: Language, config: PortalConfig) -> Principal | HTMLResponse:
    """The signed-in member staff (STAFF_ROLES), or the page saying a staff sign-in is needed."""
    return role_of(request, language, config, roles=STAFF_ROLES, area="staff")


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site (no scheme, host or `//`), else None: a login
    link must not send the auditor anywhere else (an open redirect)."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):  # browsers drop tabs: "/\t/x" is "//x"
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def check_same_origin(request: Request) -> None:
    """Refuse a form posted by another site (browsers send Origin with every POST)."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin != own:
        raise CrossSiteForm(origin)


def login_redirect(request: Request, language: Language, *, expired: bool = False) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(
        link(request, language, "portal.login", next=target, expired="1" if expired else None), status_code=303
    )
    if expired:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _login_page(
    request: Request, language: Language, *, next_path: str | None, notice: str | None, error: str | None, status: int
) -> HTMLResponse:
    return page(request, language, "login.html", status_code=status, next_path=next_path, notice=notice, error=error)


@router.get("/login", name="portal.login", response_class=HTMLResponse)
def login_form(
    request: Request,
    language: PageLanguage,
    config: Portal,
    next: Annotated[str | None, Query()] = None,
    expired: Annotated[str | None, Query()] = None,
    logged_out: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    t = Translator(language)
    notice = t("login.expired") if expired else t("login.logged_out") if logged_out else None
    error = None if config.sessions else t("login.not_configured")
    return _login_page(request, language, next_path=safe_next(next), notice=notice, error=error, status=200)


@router.post("/login", name="portal.login_submit", response_class=HTMLResponse)
def login(
    request: Request,
    language: PageLanguage,
    config: Portal,
    api_key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    t = Translator(language)
    try:
        check_same_origin(request)
    except CrossSiteForm as exc:
        return error_page(request, language, exc)
    next_path = safe_next(next)
    key = api_key.strip()
    try:
        take_login_attempt(request, key)
    except RateLimited as refused:
        error = t("rate_limit.login", seconds=refused.retry_after)
        held = _login_page(request, language, next_path=next_path, notice=None, error=error, status=429)
        held.headers["Retry-After"] = str(refused.retry_after)
        return held
    if config.sessions is None:
        return _login_page(
            request, language, next_path=next_path, notice=None, error=t("login.not_configured"), status=503
        )
    if not key:
        return _login_page(request, language, next_path=next_path, notice=None, error=t("login.missing"), status=400)
    opened = config.sessions.open(key, roles=LOGIN_ROLES) if len(key) <= MAX_KEY else None
    if opened is None:
        return _login_page(request, language, next_path=next_path, notice=None, error=t("login.refused"), status=401)
    session_id, principal = opened
    start = "portal.audit" if principal.role == AUDITOR_ROLE else "portal.my_certificates"
    response = RedirectResponse(next_path or link(request, language, start), status_code=303)
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", name="portal.logout")
def logout(request: Request, language: PageLanguage, config: Portal) -> Response:
    try:
        check_same_origin(request)
    except CrossSiteForm as exc:
        return error_page(request, language, exc)
    session_id = request.cookies.get(COOKIE)
    if session_id and len(session_id) <= MAX_KEY and config.sessions is not None:
        config.sessions.close(session_id)  # a copy of the cookie kept elsewhere is signed out too
    response = RedirectResponse(link(request, language, "portal.login", logged_out="1"), status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response
