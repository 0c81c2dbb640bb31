"""Request and response bodies of the accreditation routes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from ledger.consortium.binding import Accreditation
from ledger.consortium.display_name import DISPLAY_NAME_PATTERN
from ledger.ids import CertificateType

# the zero address is none: the contract refuses it (ConsortiumInvalidAccount)
Account = Annotated[
    str,
    Field(pattern=r"^0x[0-9a-fA-F]{40}$", json_schema_extra={"pattern": r"^0x(?!0{40}$)[0-9a-fA-F]{40}$"},
          examples=["0x" + "ab" * 20]),
]  # fmt: skip
# issuers are accredited per certificate type, the other roles without one
ROLE_AND_TYPE: dict[str, JsonValue] = {
    "if": {"properties": {"role": {"const": "issuer"}}, "required": ["role"]},
    "then": {"required": ["type"], "properties": {"type": {"not": {"type": "null"}}}},
    "else": {"properties": {"type": {"type": "null"}}},
}


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
            "examples": [{"account": "0x" + "5a" * 20, "role": "issuer", "type": "certificate-of-origin"}],
            **ROLE_AND_TYPE,
        },
    )

    account: Account
    role: AccreditedRole
    type: CertificateType | None = Field(default=None, description="For issuers: the certificate type")


class AccreditRequest(AccreditationRequest):
    """An accreditation to grant, with the name the account is shown by (always together with
    the member that accredits it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account": "0x" + "5a" * 20,
                    "role": "issuer",
                    "type": "certificate-of-origin",
                    "name": "Ningbo Chamber of Commerce",
                }
            ],
            **ROLE_AND_TYPE,
        },
    )

    name: str = Field(
        min_length=1,
        max_length=64,
        json_schema_extra={"pattern": DISPLAY_NAME_PATTERN},
        description="Display name of the account: 1 to 64 bytes of UTF-8, no control or bidirectional"
        ' formatting characters; shown as "NAME, accredited by MEMBER"',
    )


class AccreditationChange(BaseModel):
    tx_hash: str
    accreditation: Accreditation = Field(description="The accreditation after the change")
