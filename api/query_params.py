"""The one check that a request names only the query parameters its route declares: a mistyped
filter (`/audit/events?orgn=CN`) is refused, never answered as if no filter had been given."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from api.errors import UnknownQueryParameters


def declared_query_parameters(route: APIRoute) -> frozenset[str]:
    """The query parameter names `route` declares, its dependencies' included (by alias); a walk
    of a few dependants, cheaper than any cache keyed by route (routes are unhashable)."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


def refuse_unknown_query_parameters(request: Request) -> None:
    """A router-wide dependency: 422 naming every query parameter the matched route does not take."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = declared_query_parameters(route)
    unknown = sorted(set(request.query_params.keys()) - declared)
    if unknown:
        raise UnknownQueryParameters(unknown, sorted(declared))
