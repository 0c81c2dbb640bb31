"""Audit queries for the organisation's auditors, answered from the SQL index (never by
scanning the chain): search by organisation, actor, event type, certificate, operator,
consignment and time; histories of a certificate, an operator's AEO status, accreditations and
MRAs; CSV export. Every list is a page in chain order with the index's opaque cursor."""

from __future__ import annotations

import io
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import Engine

from api.auth import Auditor
from api.deps import Context
from api.errors import error_responses
from api.schemas.common import QueryInteger, UtcTime
from api.strict_json import StrictJsonRoute
from ledger.aeo.codes import OPERATOR_PATTERN, OPERATOR_TEXT_MAX
from ledger.documents.certificate_numbers import NUMBER_PATTERN
from ledger.evidence.consignment import UCR_PATTERN
from ledger.index import audit
from ledger.index.audit import EVENT_NAME_PATTERN, AuditFilter, AuditPage, CertificateHistory
from ledger.index.cursor import MAX_LIMIT
from ledger.index.export import export_csv
from ledger.index.labelled import event_label, name_actors
from ledger.labels import Lang

router = APIRouter(prefix="/audit", tags=["audit"], route_class=StrictJsonRoute)
AUDIT_ERRORS = error_responses(401, 403, 404, 422, 429, 503)

Limit = Annotated[QueryInteger, Query(ge=1, le=MAX_LIMIT, description="Events per page")]
Cursor = Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page")]
Member = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$", description="Member id, e.g. CN")]
Hash = Annotated[str | None, Query(pattern=r"^0x[0-9a-fA-F]{64}$")]
LangQuery = Annotated[
    Lang | None, Query(description="Add `event_label` to each event in this language (the codes stay)")
]
PageT = TypeVar("PageT", bound=AuditPage)


def _labelled(page: PageT, lang: Lang | None, engine: Engine) -> PageT:
    """The page with each sender's name (`actor_name`), and each event's label in `lang` beside
    its code (none asked: the code alone)."""
    name_actors(engine, page.items)
    if lang is not None:
        for item in page.items:
            item.event_label = event_label(item.event, lang)
    return page


def _filters(
    organisation: Member = None,
    actor: Annotated[str | None, Query(pattern=r"^0x[0-9a-fA-F]{40}$", description="Sending account")] = None,
    event: Annotated[
        list[Annotated[str, Field(json_schema_extra={"pattern": EVENT_NAME_PATTERN})]] | None,
        Query(max_length=20, description="Event names, e.g. CertificateRevoked"),
    ] = None,
    certificate: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=80,
            json_schema_extra={"pattern": NUMBER_PATTERN},
            description="Number, root or leaf",
        ),
    ] = None,
    operator: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=OPERATOR_TEXT_MAX,
            json_schema_extra={"pattern": OPERATOR_PATTERN},
            description="Operator id or its hash",
        ),
    ] = None,
    certified_by: Member = None,
    consignment: Annotated[
        str | None,
        Query(min_length=1, max_length=64, json_schema_extra={"pattern": UCR_PATTERN}, description="WCO UCR"),
    ] = None,
    since: UtcTime | None = None,
    until: UtcTime | None = None,
) -> AuditFilter:
    return AuditFilter(
        organisation=organisation,
        actor=actor,
        event_types=event or [],
        certificate=certificate,
        operator=operator,
        certified_by=certified_by,
        consignment=consignment,
        since=since,
        until=until,
    )


Filters = Annotated[AuditFilter, Depends(_filters)]


@router.get("/events", responses=AUDIT_ERRORS, summary="Who did what, and when")
def events(
    key: Auditor, context: Context, filters: Filters, limit: Limit = 50, cursor: Cursor = None, lang: LangQuery = None
) -> AuditPage:
    """Indexed contract events matching every filter given, newest first."""
    return _labelled(
        audit.search(engine=context.index(), filters=filters, limit=limit, cursor=cursor), lang, context.index()
    )


@router.get(
    "/events.csv",
    responses={**AUDIT_ERRORS, 200: {"content": {"text/csv": {}}, "description": "Every match, as CSV"}},
    response_class=Response,
    summary="Every matching event as CSV",
)
def events_csv(
    key: Auditor,
    context: Context,
    filters: Filters,
    lang: Annotated[Lang, Query(description="Language of `event_label` and of steps and reasons")] = Lang.EN,
) -> Response:
    """The same selection as /audit/events, every page of it, as CSV (formula-safe cells)."""
    out = io.StringIO()
    export_csv(engine=context.index(), filters=filters, out=out, lang=lang)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
    )


@router.get("/certificates/history", responses=AUDIT_ERRORS, summary="What happened to a certificate")
def certificate_history(
    key: Auditor,
    context: Context,
    number: Annotated[
        str | None,
        Query(
            min_length=1, max_length=80, json_schema_extra={"pattern": NUMBER_PATTERN}, description="Certificate number"
        ),
    ] = None,
    leaf: Hash = None,
    root: Hash = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    lang: LangQuery = None,
) -> CertificateHistory:
    """Issuance, status changes and utilizations, oldest first, by number (this member's issuer
    records), leaf or batch root."""
    found = audit.certificate_history(
        engine=context.index(), number=number, leaf=leaf, root=root, limit=limit, cursor=cursor
    )
    return _labelled(found, lang, context.index())


@router.get("/operators/{operator}/history", responses=AUDIT_ERRORS, summary="An operator's AEO status over time")
def operator_history(
    operator: Annotated[
        str,
        Path(
            min_length=1,
            max_length=OPERATOR_TEXT_MAX,
            json_schema_extra={"pattern": OPERATOR_PATTERN},
            description="Operator id or its 0x hash",
        ),
    ],
    key: Auditor,
    context: Context,
    certified_by: Member = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    lang: LangQuery = None,
) -> AuditPage:
    """Certifications, suspensions and revocations, with the signing oracles and the transaction."""
    found = audit.operator_history(
        engine=context.index(), operator=operator, certified_by=certified_by, limit=limit, cursor=cursor
    )
    return _labelled(found, lang, context.index())


@router.get("/accreditations", responses=AUDIT_ERRORS, summary="Accreditations granted and withdrawn")
def accreditations(
    key: Auditor,
    context: Context,
    account: Annotated[str | None, Query(pattern=r"^0x[0-9a-fA-F]{40}$")] = None,
    member: Member = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    lang: LangQuery = None,
) -> AuditPage:
    """Of one account, of one member's, or all, oldest first."""
    found = audit.accreditation_history(
        engine=context.index(), account=account, member=member, limit=limit, cursor=cursor
    )
    return _labelled(found, lang, context.index())


@router.get("/mras", responses=AUDIT_ERRORS, summary="Mutual recognition arrangements over time")
def mras(
    key: Auditor,
    context: Context,
    member: Member = None,
    partner: Member = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    lang: LangQuery = None,
) -> AuditPage:
    """Proposals, acceptances, suspensions and terminations, oldest first."""
    found = audit.mra_history(engine=context.index(), member=member, partner=partner, limit=limit, cursor=cursor)
    return _labelled(found, lang, context.index())
