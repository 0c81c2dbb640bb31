"""Request and response bodies of the accreditation routes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ledger.consortium.binding import Accreditation
from ledger.ids import CertificateType

Account = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$", examples=["0x" + "ab" * 20])]


class AccreditedRole(StrEnum):
    """The roles a member accredits accounts for (ledger.ids.ROLES)."""

    ISSUER = "issuer"
    ORACLE = "oracle"
    AUDITOR = "auditor"
    CUSTOMS = "customs"
    TRADE = "trade"


class AccreditationRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"account": "0x" + "5a" * 20, "role": "issuer", "type": "certificate-of-origin"}]
        },
    )

    account: Account
    role: AccreditedRole
    type: CertificateType | None = Field(default=None, description="For issuers: the certificate type")


class AccreditationChange(BaseModel):
    tx_hash: str
    accreditation: Accreditation = Field(description="The accreditation after the change")
