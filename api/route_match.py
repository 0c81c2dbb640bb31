"""Which of an app's routes take a path, and with which methods: what a 405 names in its Allow
header, and whether a path belongs to the API or to the portal's pages.

Asked of the routes themselves (Starlette's `matches`), so it stays true as routes are added; it
runs only for refusals and for the portal's pages, never on an API route's way in.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Scope

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

# whether a route (as the app lists it) is one of the portal's pages
RouteFilter = Callable[[BaseRoute], bool]


def methods_for(app: ASGIApp, path: str, *, among: RouteFilter) -> list[str]:
    """The methods that some route `among` the app's routes takes at `path` (empty: none there)."""
    routes = [route for route in getattr(getattr(app, "router", None), "routes", ()) if among(route)]
    found = []
    for method in METHODS:
        scope: Scope = {"type": "http", "path": path, "method": method, "root_path": "", "app": app,
                        "headers": [], "query_string": b""}  # fmt: skip
        if any(route.matches(dict(scope))[0] is Match.FULL for route in routes):
            found.append(method)
    return found


def allow_header(methods: list[str]) -> str:
    return ", ".join(methods)
