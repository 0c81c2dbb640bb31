"""Certificates, the organisation's side: issue batches, revoke / suspend / reinstate / supersede
what it issued, utilize what was imported into it.

Object-level checks come before any transaction: a lifecycle change only for a certificate
whose batch the chain says this organisation's issuer anchored; a utilization only for a
certificate whose leaf names this organisation as the importing member. The contracts enforce
the same again for the service's signing keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter

from api.auth import Customs, Issuer, IssuingSide, Staff
from api.deps import Context, ServiceContext
from api.errors import NotFound, PermissionDenied, error_responses
from api.issuances import Issuances
from api.keystore import ApiKey
from api.pagination import Page, Paging
from api.schemas.certificates import (
    CertificateChange,
    ChangeRequest,
    Issuance,
    IssuanceSummary,
    IssueRequest,
    ReinstateRequest,
    SupersedeRequest,
    Utilization,
    UtilizeRequest,
)
from api.strict_json import StrictJsonRoute
from ledger.certificates.numbers import numbers_path
from ledger.certificates.refusals import describe
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.state import CertificateRecord, certificate_record, certificate_versions
from ledger.certificates.wrapped import WrappedCertificate, check_integrity
from ledger.chain.client import SentTransaction
from ledger.errors import InvalidInput, LedgerError
from ledger.index.issued_now import record_issued
from ledger.store.blobs import BlobStore

router = APIRouter(prefix="/certificates", tags=["certificates"], route_class=StrictJsonRoute)
logger = logging.getLogger(__name__)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 502, 503)


def _issuances(context: ServiceContext) -> Issuances:
    return Issuances(context.issuances_dir, numbers_path(context.settings.data_dir))


@router.post("/issuances", status_code=201, responses=WRITE_ERRORS, summary="Issue a batch of certificates")
def issue(body: IssueRequest, key: Issuer, context: Context) -> Issuance:
    """Validate, salt and wrap the documents, anchor their Merkle root(s) with the organisation's
    issuer key (one run of batches per destination member), and return the wrapped certificates
    (also kept: GET the issuance again). With `deliver`, each certificate is also put into the
    document store for its destination's customs; what could not be delivered is said, and the
    issuance stands."""
    registry = CertificateRegistryBinding(context.signer(key.role))
    blobs = BlobStore.configured(context.settings) if body.deliver else None
    issuance = _issuances(context).run(
        registry=registry, organisation=context.member(), key_id=key.key_id, request=body, blobs=blobs
    )
    # the numbers reach the audit index now; the service's follower brings the events
    try:
        index = context.index()  # the service's open engine, when there is an index
    except LedgerError:
        index = None
    wrapped = context.issuances_dir / issuance.issuance_id / "wrapped"
    indexing = record_issued(settings=context.settings, paths=[wrapped], client=registry.client, engine=index)
    if not indexing.indexed:
        logger.warning("issuance %s: %s", issuance.issuance_id, indexing.note)
    return issuance


@router.get("/issuances", responses=error_responses(401, 403, 422, 429), summary="The organisation's issuances")
def list_issuances(key: Staff, context: Context, paging: Paging) -> Page[IssuanceSummary]:
    return paging.page(_issuances(context).list(organisation=context.member()))


@router.get("/issuances/{issuance_id}", responses=error_responses(401, 403, 404, 429), summary="One issuance")
def get_issuance(issuance_id: str, key: Staff, context: Context) -> Issuance:
    return _issuances(context).get(organisation=context.member(), issuance_id=issuance_id)


def _checked(certificate: WrappedCertificate, field: str) -> None:
    integrity = check_integrity(certificate)
    if not integrity.valid:
        raise InvalidInput(f"the certificate does not verify: {integrity.reason}", path=field)


def _record(context: ServiceContext, certificate: WrappedCertificate) -> CertificateRecord:
    proof = certificate.proof
    versions = certificate_versions(context.client)
    if proof.registry.lower() not in {v.lower() for v in versions} or proof.chain_id != context.client.chain_id:
        raise InvalidInput(
            f"the certificate is anchored in registry {proof.registry} on chain {proof.chain_id}, not in a "
            f"CertificateRegistry the consortium lists on chain {context.client.chain_id} ({', '.join(versions)})",
            path="certificate.proof.registry",
        )
    number = certificate.data.get("certificate_number")
    return certificate_record(
        client=context.client,
        root=proof.root,
        cert_type=certificate.type,
        leaf="0x" + certificate.leaf.hex(),
        number=number if isinstance(number, str) else None,
        registry=proof.registry,
        unit=certificate.unit,
    )


def _own(context: ServiceContext, certificate: WrappedCertificate, field: str = "certificate") -> None:
    """Refuse a certificate this organisation did not issue (checked on chain)."""
    _checked(certificate, field)
    record = _record(context, certificate)
    if not record.issued:
        raise NotFound(f"the batch of {describe(certificate)}")
    member = context.member()
    if record.issuer_member != member:
        raise PermissionDenied(
            f"{describe(certificate)} was issued by {record.issuer_member}; only {record.issuer_member} may change it"
        )


def _change(
    context: ServiceContext,
    key: ApiKey,
    certificate: WrappedCertificate,
    action: str,
    send: Callable[[CertificateRegistryBinding], SentTransaction],
) -> CertificateChange:
    _own(context, certificate)
    sent = send(CertificateRegistryBinding(context.signer(key.role)))
    return CertificateChange(action=action, tx_hash=sent.tx_hash, record=_record(context, certificate))


@router.post("/revoke", responses=WRITE_ERRORS, summary="Revoke a certificate the organisation issued")
def revoke(body: ChangeRequest, key: IssuingSide, context: Context) -> CertificateChange:
    """Revoked for good: it never verifies again."""
    return _change(context, key, body.certificate, "revoked", lambda r: r.revoke(body.certificate, body.reason))


@router.post("/suspend", responses=WRITE_ERRORS, summary="Suspend a certificate the organisation issued")
def suspend(body: ChangeRequest, key: IssuingSide, context: Context) -> CertificateChange:
    return _change(context, key, body.certificate, "suspended", lambda r: r.suspend(body.certificate, body.reason))


@router.post("/reinstate", responses=WRITE_ERRORS, summary="Reinstate a suspended certificate")
def reinstate(body: ReinstateRequest, key: IssuingSide, context: Context) -> CertificateChange:
    return _change(context, key, body.certificate, "reinstated", lambda r: r.reinstate(body.certificate))


@router.post("/supersede", responses=WRITE_ERRORS, summary="Supersede a certificate by an issued one")
def supersede(body: SupersedeRequest, key: IssuingSide, context: Context) -> CertificateChange:
    """Both the certificate and its successor must be the organisation's own."""
    _own(context, body.successor, "successor")
    return _change(
        context, key, body.certificate, "superseded", lambda r: r.supersede(body.certificate, body.successor)
    )


@router.post("/utilize", responses=WRITE_ERRORS, summary="Record a declaration drawing on an imported certificate")
def utilize(body: UtilizeRequest, key: Customs, context: Context) -> Utilization:
    """Only the importing member's customs may draw; a declaration draws on a certificate once."""
    certificate = body.certificate
    _checked(certificate, "certificate")
    member = context.member()
    if certificate.proof.importing_member != member:
        raise PermissionDenied(
            f"{describe(certificate)} was issued for import into {certificate.proof.importing_member}; "
            f"{member} cannot draw on it"
        )
    record = CertificateRegistryBinding(context.signer(key.role)).utilize(
        certificate, declaration=body.declaration, quantity=body.quantity
    )
    return Utilization(
        tx_hash=record.tx_hash,
        declaration=record.declaration,
        amount=record.amount,
        remaining=record.remaining,
        number_key=record.number_key,
    )
