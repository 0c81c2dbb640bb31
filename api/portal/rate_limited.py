"""The portal's answer to a client over its rate limit: a page in the reader's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.routing import Match
from starlette.types import Scope

from api.errors import RateLimited
from api.portal.app import router
from api.portal.i18n import Translator, choose_language
from api.portal.rendering import message_page


def is_portal_path(scope: Scope) -> bool:
    """Whether the request is for one of the portal's routes (its pages and static files)."""
    return any(route.matches(scope)[0] is not Match.NONE for route in router.routes)


def rate_limited_page(request: Request, refused: RateLimited) -> HTMLResponse:
    """429 with Retry-After, saying when to try again."""
    language = choose_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    message = Translator(language)("rate_limit.refused", seconds=refused.retry_after)
    response = message_page(request, language, message, status_code=429, title_key="rate_limit.title")
    response.headers["Retry-After"] = str(refused.retry_after)
    return response
