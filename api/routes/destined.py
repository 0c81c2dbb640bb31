"""Certificates destined to the organisation: the batches other members issued for import into
it, with what reached it through the document store. The organisation is the key's, never a
value in the request, and only its customs and admin keys see the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import role_required
from api.deps import Context
from api.errors import error_responses
from api.keystore import ApiKey, ApiRole
from api.schemas.common import QueryInteger
from api.strict_json import StrictJsonRoute
from ledger.index.cursor import MAX_LIMIT
from ledger.index.destined import DestinedPage, destined_certificates

router = APIRouter(prefix="/certificates", tags=["certificates"], route_class=StrictJsonRoute)
DestinationSide = Annotated[ApiKey, Depends(role_required(ApiRole.CUSTOMS, ApiRole.ADMIN))]
Limit = Annotated[QueryInteger, Query(ge=1, le=MAX_LIMIT, description="Batches per page")]
Cursor = Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page")]


@router.get(
    "/destined",
    responses=error_responses(401, 403, 422, 429, 503),
    summary="Certificates destined to the organisation",
)
def destined(key: DestinationSide, context: Context, limit: Limit = 50, cursor: Cursor = None) -> DestinedPage:
    """Batches of certificates issued for import into the key's organisation, newest first:
    issuing member and issuer (named), type, count, issue and expiry time, and the CID of each
    certificate delivered through the document store (`sanzhi docs get CID`)."""
    with context.index().connect() as connection:
        return destined_certificates(connection, member=key.organisation, cursor=cursor, limit=limit)
