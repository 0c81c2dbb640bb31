"""The portal's page for what the HTTP layer refuses before a page runs: a method a page does not
take, an unknown page or static file, a malformed form, a body over the service's limit; in the
reader's language. On a path of the API the same refusals stay problem+json (api/errors.py)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from api import errors
from api.portal.config import get_portal_config
from api.portal.errors import UploadTooLarge
from api.portal.i18n import Translator, choose_language
from api.portal.rendering import error_page, message_page
from api.portal.upload import DRAIN_LIMIT
from api.route_match import allow_header, methods_for

STATIC = "/static/"


def is_page(route: BaseRoute) -> bool:
    """Whether `route`, as the app lists it, is the portal's router (its pages and static files)."""
    from api.portal.app import router  # the portal's router includes the modules that render pages

    return getattr(route, "original_router", route) is router


def is_api(route: BaseRoute) -> bool:
    return not is_page(route)


def is_portal_path(app: FastAPI, path: str, *, unknown_paths_are_pages: bool) -> bool:
    """A path the portal answers: no API route takes it, and a page, the static files or (in an
    app of the portal alone) every path does."""
    if methods_for(app, path, among=is_api):
        return False
    return unknown_paths_are_pages or path.startswith(STATIC) or bool(methods_for(app, path, among=is_page))


def refuse_api_paths(request: Request) -> None:
    """A dependency of every page: a path the API takes with other methods is the API's (GET
    /certificates/revoke is a wrong method there, not the history of a certificate "revoke")."""
    if methods_for(request.app, request.url.path, among=is_api):
        raise HTTPException(405)


def _language(request: Request) -> Translator:
    return Translator(choose_language(request.query_params.get("lang"), request.headers.get("accept-language")))


def http_error_page(request: Request, exc: HTTPException) -> Response:
    """A wrong method (with the Allow header), an unknown page or file, an unreadable form."""
    t = _language(request)
    language = t.language
    path = request.url.path
    headers: dict[str, str] = {}
    if exc.status_code == 405:
        allowed = methods_for(request.app, path, among=is_page)
        headers["Allow"] = allow_header(allowed)
        joined = ("、" if language.value == "zh" else ", ").join(allowed)
        message = t("http.method_not_allowed", method=request.method, allowed=joined)
    elif exc.status_code == 404:
        message = t("http.no_file") if path.startswith(STATIC) else t("error.not_found")
    elif exc.status_code == 400:
        message = t("http.bad_form")
    else:
        message = t("error.title")
    response = message_page(request, language, message, status_code=exc.status_code)
    response.headers.update(headers)
    return response


def install(app: FastAPI, *, unknown_paths_are_pages: bool = False) -> None:
    """Answer the HTTP layer's refusals on the portal's paths with its page, and leave those on
    the API's paths to api/errors.py."""

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if is_portal_path(request.app, request.url.path, unknown_paths_are_pages=unknown_paths_are_pages):
            return http_error_page(request, exc)
        if exc.status_code == 405:  # Starlette names the methods of the first route it tried
            allowed = methods_for(request.app, request.url.path, among=is_api)
            exc = HTTPException(405, exc.detail, headers={**(exc.headers or {}), "Allow": allow_header(allowed)})
        return await errors.http_error(request, exc)

    async def on_invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_portal_path(request.app, request.url.path, unknown_paths_are_pages=unknown_paths_are_pages):
            t = _language(request)
            return message_page(request, t.language, t("http.bad_form"), status_code=400)
        return await errors.validation_error(request, exc)

    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)


async def too_large_page(scope: Scope, receive: Receive, send: Send) -> bool:
    """The portal's page for a body over the service's limit, when the path is the portal's
    (False: it is the API's, which answers a problem). The body is read and thrown away first,
    up to a bound, so that a browser still sending shows the page rather than a reset."""
    app = scope.get("app")
    if not isinstance(app, FastAPI) or not is_portal_path(app, scope["path"], unknown_paths_are_pages=False):
        return False
    drained = 0
    more = True
    while more and drained <= DRAIN_LIMIT:
        message = await receive()
        drained += len(message.get("body", b""))
        more = message["type"] == "http.request" and bool(message.get("more_body"))
    request = Request({**scope, "router": app.router})
    t = _language(request)
    error = UploadTooLarge(get_portal_config(request).max_upload_bytes)
    response = error_page(request, t.language, error)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
    return True
