"""Rate limits on every request, shared by all workers of a service (api.shared_buckets).

A request with a valid API key takes a token from its key's bucket; every other request, the
portal's pages and unknown paths included, from its client address's bucket; static files from
a more generous bucket of the address. Login attempts take, on top, from a stricter bucket of
the address and one of the key id tried, so guessing is slow. A refusal is 429 with Retry-After:
problem+json, or on the portal's paths the portal's page in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from anyio import to_thread
from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import AuthenticationFailed, RateLimited, problem_for, problem_response
from api.keystore import ApiKey, KeyStore
from api.settings import ServiceSettings
from api.shared_buckets import Limit, SharedBuckets
from ledger.index.db import make_engine
from ledger.settings import LedgerSettings

STATIC_PREFIXES = ("/static/", "/static-offline-docs/")
_KEY_ID = re.compile(r"^szk_([0-9a-f]{16})_")


@dataclass(frozen=True)
class ServiceLimits:
    """The service's limits and the buckets they take from."""

    buckets: SharedBuckets
    address: Limit
    key: Limit
    static: Limit
    login: Limit

    @classmethod
    def of(cls, settings: LedgerSettings, service: ServiceSettings) -> ServiceLimits:
        """The limits `service` sets, in its shared store (default: a SQLite file in the data directory)."""
        url = (
            service.rate_limit_database_url
            or f"sqlite:///{(settings.data_dir / 'api' / 'rate-limits.sqlite').resolve()}"
        )
        return cls(
            buckets=SharedBuckets(make_engine(url)),
            address=Limit("address", service.public_rate, service.public_burst),
            key=Limit("key", service.key_rate, service.key_burst),
            static=Limit("static", service.static_rate, service.static_burst),
            login=Limit("login", service.login_rate, service.login_burst),
        )

    def for_request(self, *, path: str, address: str, key: ApiKey | None) -> tuple[Limit, str, str]:
        """The limit a request takes its token from, the bucket's key and who it is: the API
        key's, the address's static one, or the address's."""
        if key is not None:
            return self.key, key.key_id, f"API key {key.key_id}"
        if path.startswith(STATIC_PREFIXES):
            return self.static, address, f"address {address}"
        return self.address, address, f"address {address}"

    def take_login(self, *, address: str, token: str) -> None:
        """A login attempt's tokens: the address's, then the key id's (when the input names one)."""
        self.buckets.take(self.login, f"address:{address}", f"address {address}")
        named = _KEY_ID.match(token)
        if named is not None:
            self.buckets.take(self.login, f"key:{named.group(1)}", f"API key {named.group(1)}")

    def close(self) -> None:
        self.buckets.close()


def take_login_attempt(request: Request, token: str) -> None:
    """A portal login attempt's tokens (RateLimited when over), where the service has limits."""
    limits: ServiceLimits | None = getattr(getattr(request.app.state, "context", None), "limits", None)
    if limits is not None:
        limits.take_login(address=client_address(request.scope), token=token)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def _authenticate(keys: KeyStore | None, token: str) -> ApiKey | AuthenticationFailed:
    if keys is None:
        return AuthenticationFailed("this service has no key store")
    try:
        return keys.authenticate(token)
    except AuthenticationFailed as exc:
        return exc


class RateLimits:
    """Takes each request's token before the app sees it; the key it authenticated is left in
    `request.state.authenticated` for the routes (one key check per request). A refusal on a
    path `is_page` names is answered with `page`, any other with problem+json."""

    def __init__(
        self, app: ASGIApp, *, is_page: Callable[[Scope], bool], page: Callable[[Request, RateLimited], Response]
    ) -> None:
        self.app = app
        self.is_page = is_page
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        context = getattr(scope["app"].state, "context", None) if scope["type"] == "http" else None
        limits: ServiceLimits | None = getattr(context, "limits", None)
        if context is None or limits is None:
            await self.app(scope, receive, send)
            return
        token = _bearer(scope)
        found = await to_thread.run_sync(_authenticate, context.keys, token) if token else None
        key = found if isinstance(found, ApiKey) else None
        if found is not None:
            scope.setdefault("state", {})["authenticated"] = found
        limit, bucket, who = limits.for_request(path=scope["path"], address=client_address(scope), key=key)
        try:
            if limit.enabled and limits.buckets.local:  # a local write, ~0.1 ms: no thread hop
                limits.buckets.take(limit, bucket, who)
            elif limit.enabled:  # a database across the network: not on the event loop
                await to_thread.run_sync(limits.buckets.take, limit, bucket, who)
        except RateLimited as refused:
            await self.refusal(scope, refused)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope, refused: RateLimited) -> ASGIApp:
        """The 429 answer, with Retry-After."""
        if self.is_page(scope):
            scope["router"] = scope["app"].router  # the page's links are built from the app's routes
            return self.page(Request(scope), refused)
        return problem_response(problem_for(refused), {"Retry-After": str(refused.retry_after)})
