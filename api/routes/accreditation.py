"""Accreditation: members and accreditations for key holders; accrediting and withdrawing by the
organisation's admin key, for the organisation only (the contract refuses an admin that grants
for another member, or withdraws another member's grant)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Admin, Caller
from api.deps import Context, ServiceContext
from api.errors import PermissionDenied, error_responses
from api.pagination import Page, Paging
from api.schemas.accreditation import AccreditationChange, AccreditationRequest, AccreditedRole, AccreditRequest
from api.strict_json import StrictJsonRoute
from ledger.consortium.binding import Accreditation, ConsortiumBinding, Member
from ledger.consortium.names import Names
from ledger.ids import CertificateType

router = APIRouter(tags=["accreditation"], route_class=StrictJsonRoute)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 502, 503)


@router.get("/consortium/members", responses=error_responses(401, 403, 422, 429, 503), summary="Consortium members")
def members(key: Caller, context: Context, paging: Paging) -> Page[Member]:
    binding = ConsortiumBinding(context.client)
    found = binding.members()
    names = Names(binding)
    names.accounts(m.admin for m in found)  # one batch for the page
    return paging.page([m.with_names(names) for m in found])


@router.get("/accreditations", responses=error_responses(401, 403, 422, 429, 503), summary="An account's accreditation")
def accreditation(
    key: Caller,
    context: Context,
    account: Annotated[str, Query(pattern=r"^0x[0-9a-fA-F]{40}$")],
    role: AccreditedRole,
    type: CertificateType | None = None,
) -> Accreditation:
    """Who accredited the account for the role (and type), since and until when."""
    binding = ConsortiumBinding(context.client)
    return binding.accreditation(account, role.value, type.value if type else None).with_names(Names(binding))


def _refuse_other_members(context: ServiceContext, binding: ConsortiumBinding, account: str) -> None:
    """An account another member accredited is that member's to manage."""
    owner = binding.accrediting_member(account)
    member = context.member()
    if owner not in (None, member):
        raise PermissionDenied(f"{account} is accredited by {owner}; only {owner} manages its accreditations")


@router.post("/accreditations", responses=WRITE_ERRORS, summary="Accredit an account for the organisation")
def accredit(body: AccreditRequest, key: Admin, context: Context) -> AccreditationChange:
    binding = ConsortiumBinding(context.signer(key.role))
    _refuse_other_members(context, binding, body.account)
    cert_type = body.type.value if body.type else None
    sent = binding.accredit(body.account, body.role.value, cert_type, name=body.name)
    return _change(binding, sent.tx_hash, body, cert_type)


@router.post("/accreditations/withdraw", responses=WRITE_ERRORS, summary="Withdraw the organisation's accreditation")
def withdraw(body: AccreditationRequest, key: Admin, context: Context) -> AccreditationChange:
    binding = ConsortiumBinding(context.signer(key.role))
    _refuse_other_members(context, binding, body.account)
    cert_type = body.type.value if body.type else None
    sent = binding.withdraw(body.account, body.role.value, cert_type)
    return _change(binding, sent.tx_hash, body, cert_type)


def _change(
    binding: ConsortiumBinding, tx_hash: str, body: AccreditationRequest, cert_type: str | None
) -> AccreditationChange:
    """The accreditation after a change, named as it now stands (a withdrawal that released the
    account leaves it without a name)."""
    after = binding.accreditation(body.account, body.role.value, cert_type)
    return AccreditationChange(tx_hash=tx_hash, accreditation=after.with_names(Names(binding)))
