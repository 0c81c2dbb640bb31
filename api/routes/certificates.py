"""Certificates, public side: verify (an upload or JSON, one or a batch) and status lookup; and
for key holders, hiding fields of a certificate they hold."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from api.auth import Caller
from api.deps import Context, ServiceContext
from api.errors import NotFound, error_responses
from api.schemas.certificates import HideRequest, VerifyBatchRequest, VerifyBatchResult
from api.strict_json import StrictJsonRequest, StrictJsonRoute, is_json, strict_json
from ledger.certificates.state import CertificateRecord, certificate_record
from ledger.certificates.verification import (
    Verification,
    assemble,
    check_integrity_of,
    to_read,
    verify_certificates,
)
from ledger.certificates.wrapped import WrappedCertificate, check_integrity, hide, parse_certificate_data
from ledger.documents.certificate_numbers import NUMBER_PATTERN
from ledger.errors import InvalidInput
from ledger.ids import CertificateType

router = APIRouter(prefix="/certificates", tags=["certificates"], route_class=StrictJsonRoute)
Hex32 = Annotated[str, Query(pattern=r"^0x[0-9a-f]{64}$", examples=["0x" + "ab" * 32])]
UPLOAD_FIELD = "file"

_VERIFY_BODY: dict[str, Any] = {
    "required": True,
    "description": "The wrapped certificate file (or its W3C VC export): as the JSON body, or uploaded as "
    f"multipart/form-data in the field `{UPLOAD_FIELD}`.",
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/WrappedCertificate"},
                    {"$ref": "#/components/schemas/VerifiableCredential"},
                ]
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": [UPLOAD_FIELD],
                "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
            }
        },
    },
}


async def uploaded_certificate(request: Request) -> WrappedCertificate:
    """The certificate in the request: a JSON body, or a multipart upload in field `file`."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        try:
            form = await request.form(max_files=1, max_fields=16)
        except HTTPException as exc:  # a malformed multipart body
            raise InvalidInput(f"unreadable multipart body: {exc.detail}", path=UPLOAD_FIELD) from None
        try:
            upload = form.get(UPLOAD_FIELD)
            if upload is None or isinstance(upload, str):
                raise InvalidInput(f"upload the certificate file in the form field {UPLOAD_FIELD!r}", path=UPLOAD_FIELD)
            source = upload.filename or "the uploaded file"
            data = strict_json(await upload.read(), source=source)
        finally:
            await form.close()
    elif is_json(request):
        # the route class has read the body strictly already
        strict = request if isinstance(request, StrictJsonRequest) else None
        data = await strict.json() if strict else strict_json(await request.body())
        source = "the request body"
    else:
        raise HTTPException(415, "send the certificate as application/json or multipart/form-data")
    return parse_certificate_data(data, source=source)


def _count(context: ServiceContext, results: list[Verification]) -> tuple[int, int, int]:
    """How many are valid, invalid and undecided; counted in the metrics too."""
    valid = sum(r.valid for r in results)
    undecided = sum(not r.decided for r in results)
    invalid = len(results) - valid - undecided
    if context.metrics is not None:
        context.metrics.count_verifications(valid, invalid, undecided)
    return valid, invalid, undecided


def _json(model: BaseModel) -> Response:
    """The model as the response body, serialised once: FastAPI would validate it again first,
    which for a batch costs as much as the chain reads."""
    return Response(model.model_dump_json(), media_type="application/json")


@router.post(
    "/verify",
    response_model=Verification,
    openapi_extra={"requestBody": _VERIFY_BODY},
    responses=error_responses(413, 415, 422, 429, 503),
    summary="Verify a certificate (public)",
)
async def verify(
    certificate: Annotated[WrappedCertificate, Depends(uploaded_certificate)], context: Context
) -> Response:
    """Integrity, issuance, issuer accreditation, expiry and utilization of one certificate,
    each VALID / INVALID / ERROR / SKIPPED with a reason; `valid` only when all are VALID."""
    # the checks run on the event loop (a fraction of a millisecond); the chain read goes out
    # with those of concurrent requests, from a thread (api.coalesce)
    anchor = await context.resolved_trust_anchor()
    integrity = check_integrity_of([certificate], workers=1)
    readable = to_read([certificate], integrity)
    states = await context.coalesced_reads().read(readable, anchor) if readable else {}
    results = assemble([certificate], integrity, states, anchor)
    _count(context, results)
    return _json(results[0])


@router.post(
    "/verify/batch",
    response_model=VerifyBatchResult,
    responses=error_responses(413, 422, 429, 503),
    summary="Verify many certificates (public)",
)
def verify_batch(body: VerifyBatchRequest, context: Context) -> Response:
    """Verify up to the service's batch limit at once: one chain round trip per 2,000."""
    limit = context.service.max_batch_verify
    if len(body.certificates) > limit:
        raise InvalidInput(f"at most {limit:,} certificates per request", path="certificates")
    results = verify_certificates(
        client=context.client, certificates=body.certificates, anchor=context.trust_anchor(), workers=1
    )
    valid, invalid, undecided = _count(context, results)
    result = VerifyBatchResult(valid=valid, invalid=invalid, undecided=undecided, results=results)
    return _json(result)


@router.get(
    "/status",
    responses=error_responses(404, 422, 429, 503),
    summary="A certificate's status (public)",
)
def status(
    context: Context,
    root: Hex32,
    leaf: Hex32,
    type: Annotated[CertificateType, Query(description="Certificate type")] = CertificateType.CERTIFICATE_OF_ORIGIN,
    number: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=128,
            json_schema_extra={"pattern": NUMBER_PATTERN},
            description="Certificate number: selects the quantity drawn",
        ),
    ] = None,
) -> CertificateRecord:
    """What the registry holds about the certificate `leaf` of batch `root`: status, reason,
    issuer, expiry, successor, and with `number` the quantity drawn on that number."""
    record = certificate_record(client=context.client, root=root, cert_type=type.value, leaf=leaf, number=number)
    if not record.issued:
        raise NotFound(f"batch {root} of {type.value}")
    return record


@router.post("/hide", responses=error_responses(401, 403, 413, 422, 429), summary="Hide fields of a certificate")
def hide_fields(body: HideRequest, key: Caller) -> WrappedCertificate:
    """A copy with the fields hidden: it still verifies, and the hidden values cannot be recovered."""
    integrity = check_integrity(body.certificate)
    if not integrity.valid:
        raise InvalidInput(f"the certificate does not verify: {integrity.reason}", path="certificate")
    return hide(body.certificate, body.fields)
