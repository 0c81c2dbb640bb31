"""Request and response bodies of the certificate routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas.common import Flag, Integer, UtcTime
from ledger.certificates.delivery import DeliveryReport
from ledger.certificates.quantities import UnitQuantity
from ledger.certificates.registry import IssuedBatch
from ledger.certificates.state import CertificateRecord
from ledger.certificates.verification import Verification
from ledger.certificates.wrapped import WrappedCertificate, unissued_type
from ledger.documents.decimal_text import QUANTITY_PATTERN
from ledger.errors import NotIssued
from ledger.ids import CertificateType

Reason = Annotated[
    str,
    Field(
        min_length=1,
        max_length=40,
        description="Reason code: a name (fraud, clerical-error, issued-in-error ...) or its number",
        examples=["clerical-error"],
    ),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueRequest(_Body):
    """Documents to wrap and anchor as one or more batches of one type (the document states one
    variant per type, with each type's model: api.openapi)."""

    type: CertificateType = CertificateType.CERTIFICATE_OF_ORIGIN
    documents: list[dict[str, Any]] = Field(
        min_length=1, max_length=10_000, description="Documents as JSON, each valid for `type` (see schemas/)"
    )
    expires_at: UtcTime | None = Field(default=None, description="Batch expiry (ISO 8601); none by default")
    batch_size: Integer | None = Field(default=None, ge=1, le=65_536, description="Certificates per Merkle root")
    deliver: Flag = Field(
        default=False,
        description="Also put each certificate into the document store for its destination member's customs",
    )


class Issuance(BaseModel):
    """An issuance the service ran: its batches and the wrapped certificates, in document order."""

    issuance_id: str
    organisation: str
    key_id: str = Field(description="The API key that asked for it")
    type: CertificateType
    created_at: datetime
    batches: list[IssuedBatch]
    certificates: list[WrappedCertificate]
    delivery: DeliveryReport | None = Field(
        default=None, description="What reached the destinations' customs, when `deliver` was asked"
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="What the issuer should know, e.g. documents destined to a country outside the consortium "
        "(issued, but no member records their utilization)",
    )


class IssuanceSummary(BaseModel):
    issuance_id: str
    type: CertificateType
    created_at: datetime
    count: int
    roots: list[str]


class ChangeRequest(_Body):
    """A lifecycle change of one certificate the organisation issued."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"certificate": {"...": "a wrapped certificate"},
                                                         "reason": "clerical-error"}]}
    )  # fmt: skip

    certificate: WrappedCertificate
    reason: Reason


class ReinstateRequest(_Body):
    certificate: WrappedCertificate


class SupersedeRequest(_Body):
    certificate: WrappedCertificate = Field(description="The certificate being replaced")
    successor: WrappedCertificate = Field(description="Its issued replacement (same type, same member)")


class CertificateChange(BaseModel):
    action: str = Field(description="revoked, suspended, reinstated or superseded")
    tx_hash: str
    record: CertificateRecord = Field(description="The certificate's record after the change")


class UtilizeRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"certificate": {"...": "a wrapped certificate"},
                                         "declaration": "SG-IMP-2026-000123", "quantity": "120.5"}]},
    )  # fmt: skip

    certificate: WrappedCertificate
    declaration: str = Field(min_length=1, max_length=128, description="The import declaration's reference")
    quantity: str = Field(
        min_length=1,
        max_length=40,
        pattern=QUANTITY_PATTERN,
        description="Quantity drawn, in the certificate's unit (at most three decimals)",
        examples=["120.5"],
    )


class Utilization(BaseModel):
    tx_hash: str
    declaration: str
    amount: UnitQuantity = Field(description="Quantity drawn, in the certificate's unit")
    remaining: UnitQuantity = Field(description="Quantity left on the certificate number")
    number_key: str


class HideRequest(_Body):
    certificate: WrappedCertificate
    fields: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        min_length=1, max_length=200, description="Dotted paths to hide (and everything under them)",
        examples=[["exporter.address", "items.0.description"]],
    )  # fmt: skip


class VerifyBatchRequest(_Body):
    certificates: list[WrappedCertificate] = Field(min_length=1, description="Wrapped certificates to verify")

    @field_validator("certificates", mode="before")
    @classmethod
    def _issued(cls, value: Any) -> Any:
        """A document never issued is named as such (NotIssued, a 422 of its own), not as the
        dozen fields a wrapped certificate has and it lacks."""
        for index, item in enumerate(value if isinstance(value, list) else []):
            doc_type = unissued_type(item)
            if doc_type is not None:
                raise NotIssued(f"certificates.{index}", doc_type)
        return value


class VerifyBatchResult(BaseModel):
    valid: int
    invalid: int
    undecided: int
    results: list[Verification] = Field(description="One verification per certificate, in request order")


class VerifiableCredential(BaseModel):
    """A wrapped certificate exported as a W3C Verifiable Credential 2.0 (`sanzhi cert export`)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    context: list[str] = Field(alias="@context", min_length=1, examples=[["https://www.w3.org/ns/credentials/v2"]])
    type: list[str]
    issuer: dict[str, Any]
    credentialSubject: dict[str, Any]  # noqa: N815 - the W3C name
    proof: dict[str, Any]
