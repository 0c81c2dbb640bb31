"""AEO certifications and MRAs: the public recognition question, reads for key holders, and
changes by the organisation's customs for its own operators and its own MRAs only (the member
acted for is always the service's organisation, never one named in the request)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import Caller, Customs, Staff
from api.deps import Context
from api.errors import error_responses
from api.pagination import Page, Paging
from api.schemas.aeo import CertifyRequest, MraAcceptRequest, MraAction, MraProposeRequest, StatusChangeRequest
from api.schemas.common import UtcTime
from api.strict_json import StrictJsonRoute
from ledger.aeo import AeoRegistryBinding, MraBinding, recognized
from ledger.aeo.codes import OPERATOR_PATTERN, OPERATOR_TEXT_MAX, ChangeKind, parse_tiers
from ledger.aeo.models import Certification, CertificationState, ChangeResult, Mra, MraActionResult, Recognition
from ledger.consortium.names import Names
from ledger.ids import EXACT_MEMBER_ID_PATTERN

router = APIRouter(tags=["aeo"], route_class=StrictJsonRoute)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 502, 503)
READ_ERRORS = error_responses(401, 403, 422, 429, 503)

OperatorQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=OPERATOR_TEXT_MAX,
        json_schema_extra={"pattern": OPERATOR_PATTERN},
        description="National operator id (USCI:9131...) or its 0x hash",
    ),
]
MemberQuery = Annotated[str, Query(pattern=EXACT_MEMBER_ID_PATTERN, examples=["CN"])]
AtQuery = Annotated[UtcTime | None, Query(description="ISO 8601 instant; default: now")]


@router.get(
    "/aeo/recognition",
    responses=error_responses(422, 429, 503),
    summary="Is an operator recognised? (public)",
)
def recognition(
    context: Context, operator: OperatorQuery, certified_by: MemberQuery, recognised_by: MemberQuery, at: AtQuery = None
) -> Recognition:
    """Whether `recognised_by` recognises the operator as an AEO certified by `certified_by` at
    `at` (its own AEO, or under an MRA in force then), with every failing check."""
    return recognized(
        client=context.client, operator=operator, certified_by=certified_by, recognised_by=recognised_by, at=at
    ).with_names(Names.load(client=context.client))


@router.get("/aeo/certifications", responses=READ_ERRORS, summary="An operator's certification")
def certification(
    key: Staff, context: Context, operator: OperatorQuery, certified_by: MemberQuery, at: AtQuery = None
) -> Certification:
    """As last recorded, and in effect at `at`, with changes scheduled after it."""
    found = AeoRegistryBinding(context.client).certification(operator=operator, certified_by=certified_by, at=at)
    return found.with_names(Names.load(client=context.client))


@router.get("/aeo/certifications/history", responses=READ_ERRORS, summary="Every change of a certification")
def history(
    key: Staff, context: Context, paging: Paging, operator: OperatorQuery, certified_by: MemberQuery
) -> Page[CertificationState]:
    """Oldest first, each with its effective and recorded time."""
    found = AeoRegistryBinding(context.client).history(operator=operator, certified_by=certified_by)
    return paging.page(found.history)


@router.post("/aeo/certifications", responses=WRITE_ERRORS, summary="Certify one of the organisation's operators")
def certify(body: CertifyRequest, key: Customs, context: Context) -> ChangeResult:
    return (
        AeoRegistryBinding(context.signer(key.role))
        .certify(
            member=context.member(),
            operator=body.operator,
            tier=body.tier,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            evidence=body.evidence,
            effective_at=body.effective_at,
        )
        .with_names(Names.load(client=context.client))
    )


def _status_change(kind: ChangeKind, body: StatusChangeRequest, key: Customs, context: Context) -> ChangeResult:
    return (
        AeoRegistryBinding(context.signer(key.role))
        .change_status(
            kind, member=context.member(), operator=body.operator, reason=body.reason, effective_at=body.effective_at
        )
        .with_names(Names.load(client=context.client))
    )


@router.post("/aeo/certifications/suspend", responses=WRITE_ERRORS, summary="Suspend a certification")
def suspend(body: StatusChangeRequest, key: Customs, context: Context) -> ChangeResult:
    return _status_change(ChangeKind.SUSPEND, body, key, context)


@router.post("/aeo/certifications/reinstate", responses=WRITE_ERRORS, summary="Reinstate a certification")
def reinstate(body: StatusChangeRequest, key: Customs, context: Context) -> ChangeResult:
    return _status_change(ChangeKind.REINSTATE, body, key, context)


@router.post("/aeo/certifications/revoke", responses=WRITE_ERRORS, summary="Revoke a certification")
def revoke(body: StatusChangeRequest, key: Customs, context: Context) -> ChangeResult:
    return _status_change(ChangeKind.REVOKE, body, key, context)


@router.get("/mras", responses=READ_ERRORS, summary="MRAs and proposals")
def list_mras(
    key: Caller,
    context: Context,
    paging: Paging,
    member: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")] = None,
    at: AtQuery = None,
) -> Page[Mra]:
    """Every MRA (or proposal) of `member`, or between any members, as in effect at `at`."""
    names = Names.load(client=context.client)
    return paging.page([m.with_names(names) for m in MraBinding(context.client).list_mras(member=member, at=at)])


@router.post("/mras", responses=WRITE_ERRORS, summary="Propose an MRA to a partner")
def propose(body: MraProposeRequest, key: Customs, context: Context) -> MraActionResult:
    mine = parse_tiers(body.tiers)
    return (
        MraBinding(context.signer(key.role))
        .propose(
            member=context.member(),
            partner=body.partner,
            tiers_recognised_by_member=mine,
            tiers_recognised_by_partner=parse_tiers(body.partner_tiers) if body.partner_tiers else mine,
            effective_from=body.effective_from,
        )
        .with_names(Names.load(client=context.client))
    )


PartnerPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$", examples=["SG"])]


@router.post("/mras/{partner}/accept", responses=WRITE_ERRORS, summary="Accept a partner's proposal")
def accept(partner: PartnerPath, body: MraAcceptRequest, key: Customs, context: Context) -> MraActionResult:
    mine = parse_tiers(body.tiers)
    return (
        MraBinding(context.signer(key.role))
        .accept(
            member=context.member(),
            partner=partner,
            tiers_recognised_by_proposer=parse_tiers(body.partner_tiers) if body.partner_tiers else mine,
            tiers_recognised_by_partner=mine,
            effective_from=body.effective_from,
        )
        .with_names(Names.load(client=context.client))
    )


@router.post("/mras/{partner}/{action}", responses=WRITE_ERRORS, summary="Cancel, suspend, resume or terminate")
def act(partner: PartnerPath, action: MraAction, key: Customs, context: Context) -> MraActionResult:
    """cancel: withdraw the organisation's proposal or reject the partner's; suspend, resume
    (only the suspending side), terminate an MRA."""
    binding = MraBinding(context.signer(key.role))
    run = {
        MraAction.CANCEL: binding.cancel,
        MraAction.SUSPEND: binding.suspend,
        MraAction.RESUME: binding.resume,
        MraAction.TERMINATE: binding.terminate,
    }[action]
    return run(member=context.member(), partner=partner).with_names(Names.load(client=context.client))
