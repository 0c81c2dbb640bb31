"""The service's errors and the one place they become HTTP: `application/problem+json` (RFC 9457)
with a stable `code` per error class.

Every LedgerError subclass the library raises, the service's own (below) and FastAPI's request
validation and routing errors go through `problem_for`; `install` registers the handlers.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from api.revert_statuses import revert_status
from ledger.alerts.errors import AlertNotFound, NotAlertOwner
from ledger.errors import (
    ConfigurationError,
    ContractRevert,
    InvalidInput,
    KeyUnavailable,
    LedgerError,
    NodeNotRunning,
    NotDeployed,
    ProofInvalid,
    ReadFailed,
    SourceUnavailable,
    TransactionFailed,
    UndecodableData,
    WrongChain,
)
from ledger.evidence.consignment import canonical_ucr
from ledger.index.errors import CertificateNotFound, ChainReset, DatabaseUnavailable, IndexOutOfStep
from ledger.webhooks.errors import (
    NotYourSubscription,
    SubscriptionLimit,
    SubscriptionNotFound,
    SubscriptionRemoved,
    TopicNotAllowed,
)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "https://sanzhi.dev/problems/"
log = logging.getLogger("sanzhi.api")
# a 500's detail: what went wrong inside is for the operator's log, not for the caller
INTERNAL_DETAIL = "the service could not complete the request; its operator has the details in the log"


# ---------------------------------------------------------------- the service's own errors


class AuthenticationFailed(LedgerError):
    """No API key, or one that is malformed, unknown, revoked or expired."""

    code = "unauthenticated"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"authentication failed: {reason}")


class KeyExpired(AuthenticationFailed):
    """A key past its expiry: refused as if unknown, with the date so its holder knows why."""

    code = "key-expired"

    def __init__(self, key_id: str, expired_at: datetime) -> None:
        super().__init__(
            f"API key {key_id} expired on {expired_at:%Y-%m-%d %H:%M} UTC; ask its administrator for a new one"
        )


class PermissionDenied(LedgerError):
    """A valid key whose organisation or role may not do this, or not to this object."""

    code = "forbidden"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NotFound(LedgerError):
    """The thing named does not exist (or is not the caller's to see)."""

    code = "not-found"

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} not found")


class Conflict(LedgerError):
    """The request contradicts what is recorded (e.g. a key revoked twice)."""

    code = "conflict"


class OperatorNotNamed(Conflict):
    """A trader key created without its party's operator id asks for what only that id finds."""

    code = "operator-not-named"

    def __init__(self, key_id: str, what: str) -> None:
        self.key_id = key_id
        super().__init__(
            f"trader key {key_id} names no operator id, so its {what} cannot be found: create a key with "
            "`sanzhi apikey create --role trader --account 0x... --operator SCHEME:ID ...` and revoke this one"
        )


class RateLimited(LedgerError):
    """Too many requests from one key or client address; `retry_after` in whole seconds."""

    code = "rate-limited"

    def __init__(self, who: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many requests from {who}; retry after {retry_after} s")


class RequestTimeout(LedgerError):
    """A client too slow to send its request's head or body (api.slow_clients)."""

    code = "request-timeout"

    def __init__(self, what: str) -> None:
        super().__init__(f"the request's {what} did not arrive in time; the connection is closed")


class TooManyConnections(LedgerError):
    """More connections open at once from one client address than the service allows."""

    code = "too-many-connections"

    def __init__(self, address: str, limit: int) -> None:
        super().__init__(f"too many connections from address {address} (at most {limit} open at once)")


class PayloadTooLarge(LedgerError):
    """A request body over the service's limit."""

    code = "payload-too-large"

    def __init__(self, limit: int, size: int | None = None) -> None:
        self.limit = limit
        what = f"the request body ({size:,} bytes)" if size is not None else "the request body"
        super().__init__(f"{what} is over the limit of {limit:,} bytes")


class UnknownQueryParameters(InvalidInput):
    """A request names query parameters its route does not take (a mistyped filter)."""

    code = "unknown-query-parameter"

    def __init__(self, unknown: list[str], accepted: list[str]) -> None:
        self.unknown = unknown
        takes = f"it takes {', '.join(accepted)}" if accepted else "it takes none"
        noun = "not a query parameter" if len(unknown) == 1 else "not query parameters"
        super().__init__(f"{noun} of this route ({takes})", path=", ".join(unknown))


class IndexUnavailable(LedgerError):
    """The audit index (ledger/index) is not available to this service."""

    code = "index-unavailable"

    def __init__(self, detail: str = "") -> None:
        super().__init__("index not available" + (f": {detail}" if detail else ""))


# ---------------------------------------------------------------- mapping


class Problem(BaseModel):
    """An error, as RFC 9457 problem details with a stable `code`."""

    type: str = Field(description="URI naming the problem type (ends with the code)")
    title: str = Field(description="Short, stable summary of the problem type")
    status: int = Field(description="The HTTP status code")
    detail: str = Field(description="What went wrong with this request, in one line")
    code: str = Field(description="Stable machine-readable code (see docs/api.md)")
    path: str | None = Field(default=None, description="The input field at fault, when there is one")
    revert: str | None = Field(default=None, description="The contract's custom error name, for contract refusals")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Each invalid request field")


# class -> (HTTP status, title); the most specific class listed wins (checked in MRO order)
STATUS: dict[type[LedgerError], tuple[int, str]] = {
    InvalidInput: (422, "Invalid input"),
    AuthenticationFailed: (401, "Authentication required"),
    PermissionDenied: (403, "Forbidden"),
    TopicNotAllowed: (403, "Forbidden"),
    NotYourSubscription: (403, "Forbidden"),
    SubscriptionNotFound: (404, "Not found"),
    SubscriptionRemoved: (409, "Conflict"),
    SubscriptionLimit: (409, "Conflict"),
    NotFound: (404, "Not found"),
    NotAlertOwner: (403, "Forbidden"),
    AlertNotFound: (404, "Not found"),
    CertificateNotFound: (404, "Not found"),
    DatabaseUnavailable: (503, "Index unavailable"),
    ChainReset: (503, "Index unavailable"),
    IndexOutOfStep: (503, "Index does not match the chain"),
    Conflict: (409, "Conflict"),
    ContractRevert: (409, "Refused by the contract"),
    ProofInvalid: (422, "Proof invalid"),
    PayloadTooLarge: (413, "Payload too large"),
    RateLimited: (429, "Too many requests"),
    TooManyConnections: (429, "Too many connections"),
    RequestTimeout: (408, "Request timeout"),
    KeyUnavailable: (503, "Signing key unavailable"),
    NodeNotRunning: (503, "Chain unavailable"),
    WrongChain: (503, "Wrong chain"),
    NotDeployed: (503, "Contracts not deployed"),
    IndexUnavailable: (503, "Index unavailable"),
    TransactionFailed: (502, "Transaction failed"),
    ReadFailed: (502, "Chain read failed"),
    UndecodableData: (502, "Chain reply undecodable"),
    SourceUnavailable: (502, "Source unavailable"),
    ConfigurationError: (500, "Service misconfigured"),
    LedgerError: (500, "Internal error"),
}

# Problems raised by the HTTP layer itself (routing, body limit, content type), by status.
HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-request", "Invalid request"),
}


def _status(error: LedgerError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS:
            status, title = STATUS[cls]
            break
    else:  # pragma: no cover - LedgerError is always in the MRO
        status, title = STATUS[LedgerError]
    if isinstance(error, ContractRevert):
        return revert_status(error.name)
    return status, title


def problem_for(error: LedgerError) -> Problem:
    """The problem document for a library or service error."""
    status, title = _status(error)
    code = type(error).code if not isinstance(error, ContractRevert) else ContractRevert.code
    return Problem(
        type=PROBLEM_TYPE + code,
        title=title,
        status=status,
        detail=error.message if status != 500 else INTERNAL_DETAIL,
        code=code,
        path=getattr(error, "path", None),
        revert=error.name if isinstance(error, ContractRevert) else None,
    )


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers
    )


# ---------------------------------------------------------------- handlers


async def _ledger_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LedgerError)
    problem = problem_for(exc)
    if problem.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited | IndexOutOfStep) else None
    if isinstance(exc, AuthenticationFailed):
        headers = {"WWW-Authenticate": 'Bearer realm="sanzhi"'}
    return problem_response(problem, headers)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code, title = HTTP_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    problem = Problem(type=PROBLEM_TYPE + code, title=title, status=exc.status_code, detail=detail, code=code)
    return problem_response(problem, dict(exc.headers) if exc.headers else None)


# A pattern longer than this is not quoted back: a reader learns nothing from 1,000 characters of
# country codes. The parameters the service checks by pattern whose library parser has words
# for what is wrong say those words instead.
QUOTED_PATTERN_LENGTH = 80


def _ucr_in_a_path(value: str) -> str:
    try:
        canonical_ucr(value)
    except InvalidInput as exc:
        return exc.reason
    return f"{value!r}: a UCR with a `/` or surrounding spaces cannot be named in a path"


PATTERN_WORDS = {"ucr": _ucr_in_a_path}


def _message(error: dict[str, Any]) -> str:
    """pydantic's message, with a pattern mismatch said in words where the library has them."""
    message = str(error.get("msg", ""))
    if error.get("type") != "string_pattern_mismatch":
        return message
    loc = [str(part) for part in error.get("loc", ())]
    explain = PATTERN_WORDS.get(loc[-1]) if loc else None
    if explain is not None and isinstance(error.get("input"), str):
        return explain(error["input"])
    pattern = str((error.get("ctx") or {}).get("pattern", ""))
    if len(pattern) > QUOTED_PATTERN_LENGTH:
        return "not spelled as this field must be (its pattern is in the OpenAPI document, /openapi.json)"
    return message


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": _message(e), "type": str(e.get("type"))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    code, title = HTTP_CODES[422]
    problem = Problem(
        type=PROBLEM_TYPE + code,
        title=title,
        status=422,
        detail=f"{where}: {first['msg']}" if where else str(first["msg"]),
        code=code,
        path=where or None,
        errors=errors,
    )
    return problem_response(problem)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s failed", request.method, request.url.path)
    problem = Problem(
        type=PROBLEM_TYPE + "internal",
        title="Internal error",
        status=500,
        detail=INTERNAL_DETAIL,
        code="internal",
    )
    return problem_response(problem)


def install(app: FastAPI) -> None:
    """Register the handlers: every error the service answers with is problem+json."""
    app.add_exception_handler(LedgerError, _ledger_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, _unexpected)


# The documented error responses of a route, for OpenAPI: status -> description.
ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "No API key, or a malformed, unknown, revoked or expired one",
    403: "The key's organisation or role may not do this (or not to this object)",
    404: "Not found",
    409: "Refused: the record's current state does not allow it",
    413: "Request body larger than the service's limit",
    415: "Unsupported content type",
    422: "Invalid input",
    429: "Rate limit exceeded (see Retry-After)",
    502: "A transaction failed on the chain",
    503: "The chain, the contracts, a signing key or the index is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry documenting `statuses` as problem+json."""
    return {
        status: {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
