"""A trader key's own view (/me ...): its party, its certificates as exporter, its consignments
and their timelines, its AEO standing. Only trader keys; everything scoped by the key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api import party
from api.auth import Trader
from api.deps import Context
from api.errors import error_responses
from api.pagination import Page, Paging
from api.schemas.party import Me, MyAeo, MyCertificate, MyConsignment, MyTimeline
from api.strict_json import StrictJsonRoute
from ledger.labels import Lang

router = APIRouter(prefix="/me", tags=["me"], route_class=StrictJsonRoute)
READ_ERRORS = error_responses(401, 403, 409, 422, 429, 503)

ConsignmentPath = Annotated[
    str,
    Path(
        max_length=80,
        json_schema_extra={"pattern": party.CONSIGNMENT_ID_PATTERN},
        description="The consignment's id, 0x and 64 hex digits (as listed)",
    ),
]


@router.get("", responses=error_responses(401, 403, 429), summary="The party this trader key acts for")
def me(key: Trader, context: Context) -> Me:
    """Its account, operator id and member, and what the key lacks for some views."""
    return party.me(context=context, key=key)


@router.get("/certificates", responses=READ_ERRORS, summary="The party's certificates as exporter")
def certificates(key: Trader, context: Context, paging: Paging) -> Page[MyCertificate]:
    """Those the service's member issued naming the key's operator id as exporter, newest
    first: status, quantity issued and drawn (with its unit), and each draw: which member's
    customs recorded it, for which declaration. 409 when the key names no operator id."""
    return party.my_certificates(context=context, key=key, paging=paging)


@router.get("/consignments", responses=READ_ERRORS, summary="The party's consignments")
def consignments(key: Trader, context: Context, paging: Paging) -> Page[MyConsignment]:
    """Those the key's account is or was a party of, newest first, with their standing."""
    return party.my_consignments(context=context, key=key, paging=paging)


@router.get(
    "/consignments/{consignment}/timeline",
    responses=error_responses(401, 403, 404, 422, 429, 503),
    summary="One of the party's consignments, in order",
)
def timeline(
    consignment: ConsignmentPath,
    key: Trader,
    context: Context,
    lang: Annotated[Lang | None, Query(description="Add `step_label` in this language (the codes stay)")] = None,
) -> MyTimeline:
    """404 for any consignment the party is not and never was a party of, existing or not."""
    return party.my_timeline(context=context, key=key, consignment=consignment, lang=lang)


@router.get("/aeo", responses=READ_ERRORS, summary="The party's AEO status and recognitions")
def aeo(key: Trader, context: Context) -> MyAeo:
    """Its operator's certification by the service's member, and whether each member with an
    MRA recognises it now. 409 when the key names no operator id."""
    return party.my_aeo(context=context, key=key)
