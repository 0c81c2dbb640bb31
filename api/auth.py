"""Who is calling: API keys (`Authorization: Bearer szk_...`) on protected routes (rate limits
are taken for every request before the routes: api.rate_limits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import Context
from api.errors import AuthenticationFailed, PermissionDenied
from api.keystore import ApiKey, ApiRole

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="szk_<key id>_<secret>",
    description="An API key made with `sanzhi apikey create`, bound to one organisation and role.",
)


def api_key(
    request: Request, context: Context, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> ApiKey:
    """The caller's active key, of this service's organisation (checked once per request: the
    rate limits (api.rate_limits) have checked it already when they run)."""
    if credentials is None:
        raise AuthenticationFailed("this route needs an API key (Authorization: Bearer szk_...)")
    found = getattr(request.state, "authenticated", None)
    if isinstance(found, AuthenticationFailed):
        raise found
    key = found if isinstance(found, ApiKey) else None
    if key is None:
        if context.keys is None:
            raise AuthenticationFailed("this service has no key store")
        key = context.keys.authenticate(credentials.credentials)
    member = context.member()
    if key.organisation != member:
        raise PermissionDenied(f"this service acts for {member}; a key of {key.organisation} cannot act here")
    return key


Caller = Annotated[ApiKey, Depends(api_key)]


def role_required(*roles: ApiRole) -> Callable[[ApiKey], ApiKey]:
    """A dependency admitting keys of `roles` only."""
    allowed = ", ".join(r.value for r in roles)

    def check(key: Caller) -> ApiKey:
        if key.role not in roles:
            raise PermissionDenied(f"a key with the {key.role.value} role may not do this (needs: {allowed})")
        return key

    return check


Issuer = Annotated[ApiKey, Depends(role_required(ApiRole.ISSUER))]
Customs = Annotated[ApiKey, Depends(role_required(ApiRole.CUSTOMS))]
Admin = Annotated[ApiKey, Depends(role_required(ApiRole.ADMIN))]
Auditor = Annotated[ApiKey, Depends(role_required(ApiRole.AUDITOR))]
IssuingSide = Annotated[ApiKey, Depends(role_required(ApiRole.ISSUER, ApiRole.CUSTOMS, ApiRole.ADMIN))]
MetricsReader = Annotated[ApiKey, Depends(role_required(ApiRole.ADMIN, ApiRole.AUDITOR))]
TradeSide = Annotated[ApiKey, Depends(role_required(ApiRole.TRADER, ApiRole.CUSTOMS))]
Oracle = Annotated[ApiKey, Depends(role_required(ApiRole.ORACLE))]
Trader = Annotated[ApiKey, Depends(role_required(ApiRole.TRADER))]
# the member's own staff: what other parties' records show (issuances, any operator's AEO) is not a trader's
Staff = Annotated[
    ApiKey,
    Depends(role_required(ApiRole.ISSUER, ApiRole.CUSTOMS, ApiRole.AUDITOR, ApiRole.ADMIN, ApiRole.ORACLE)),
]
