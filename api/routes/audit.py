"""Audit queries for the organisation's auditors, answered from the SQL index (never by scanning
the chain). Until the index is wired in, every audit route answers 503 `index-unavailable`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.auth import Auditor
from api.deps import Context, ServiceContext
from api.errors import IndexUnavailable, error_responses
from api.pagination import Page, Paging
from api.schemas.common import UtcTime
from api.strict_json import StrictJsonRoute

router = APIRouter(prefix="/audit", tags=["audit"], route_class=StrictJsonRoute)
AUDIT_ERRORS = error_responses(401, 403, 422, 429, 503)


def audit_index(context: ServiceContext) -> Any:
    """The audit queries over the index (ledger/index/audit.py).

    TODO(lead): return the index's audit queries for `context.settings.resolved_database_url`
    once ledger/index is merged; the routes below call their methods.
    """
    raise IndexUnavailable("the audit index is not part of this service yet")


@router.get("/consignments/{ucr}/timeline", responses=AUDIT_ERRORS, summary="What happened to a consignment")
def consignment_timeline(
    ucr: Annotated[str, Path(min_length=1, max_length=64, description="WCO Unique Consignment Reference")],
    key: Auditor,
    context: Context,
    paging: Paging,
) -> Page[dict[str, Any]]:
    """Every evidence entry of the consignment, oldest first."""
    index = audit_index(context)
    return paging.page(index.consignment_timeline(ucr=ucr))


@router.get("/certificates/{leaf}/history", responses=AUDIT_ERRORS, summary="Who issued and changed a certificate")
def certificate_history(
    leaf: Annotated[str, Path(pattern=r"^0x[0-9a-f]{64}$")], key: Auditor, context: Context, paging: Paging
) -> Page[dict[str, Any]]:
    """Issuance, status changes and utilizations of the certificate, oldest first."""
    index = audit_index(context)
    return paging.page(index.certificate_history(leaf=leaf))


@router.get("/actions", responses=AUDIT_ERRORS, summary="Who did what, and when")
def actions(
    key: Auditor,
    context: Context,
    paging: Paging,
    member: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")] = None,
    since: UtcTime | None = None,
    until: UtcTime | None = None,
) -> Page[dict[str, Any]]:
    """Issuances, revocations, suspensions, utilizations and AEO changes in a time window."""
    index = audit_index(context)
    return paging.page(index.actions(member=member, since=since, until=until))
