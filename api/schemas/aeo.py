"""Request bodies of the AEO and MRA routes (responses are the library's models)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import UtcTime
from ledger.aeo.codes import OPERATOR_PATTERN, OPERATOR_TEXT_MAX, TIER_PATTERN, TIERS_PATTERN
from ledger.ids import EXACT_MEMBER_ID_PATTERN
from ledger.reasons import REASON_PATTERN

Operator = Annotated[
    str,
    Field(
        min_length=1,
        max_length=OPERATOR_TEXT_MAX,
        json_schema_extra={"pattern": OPERATOR_PATTERN},
        description="National operator id, scheme-prefixed (USCI:9131...), or its 0x hash",
        examples=["USCI:91310000MA1FL8XQ30"],
    ),
]
MemberId = Annotated[str, Field(pattern=EXACT_MEMBER_ID_PATTERN, examples=["SG"])]
Tiers = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra={"pattern": TIERS_PATTERN},
          description="Comma-separated tiers: general,advanced or 1,2", examples=["general,advanced"]),
]  # fmt: skip
AeoReason = Annotated[
    str,
    Field(min_length=1, max_length=40, json_schema_extra={"pattern": REASON_PATTERN},
          description="Reason: a name (non-compliance, fraud ...) or number",
          examples=["non-compliance"]),
]  # fmt: skip


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CertifyRequest(_Body):
    """Certify an operator for the organisation (or change its tier, validity or evidence)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"operator": "USCI:91310000MA1FL8XQ30", "tier": "advanced",
                                         "valid_until": "2029-12-31T00:00:00Z"}]},
    )  # fmt: skip

    operator: Operator
    tier: Annotated[
        str, Field(min_length=1, max_length=16, json_schema_extra={"pattern": TIER_PATTERN}, examples=["advanced"])
    ] = Field(description="general, advanced, or a number 1-15")
    valid_from: UtcTime | None = Field(default=None, description="Default: now")
    valid_until: UtcTime | None = Field(default=None, description="Exclusive; default: no expiry")
    evidence: str | None = Field(default=None, max_length=256, description="0x hash, or text to hash")
    effective_at: UtcTime | None = Field(default=None, description="Default: now")


class StatusChangeRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"operator": "USCI:91310000MA1FL8XQ30", "reason": "non-compliance"}]},
    )

    operator: Operator
    reason: AeoReason = "unspecified"
    effective_at: UtcTime | None = Field(default=None, description="Default: now")


class MraProposeRequest(_Body):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"partner": "SG", "tiers": "advanced", "effective_from": "2027-01-01T00:00:00Z"}]
        },
    )

    partner: MemberId
    tiers: Tiers = Field(
        default="general,advanced", description="Tiers of the partner's AEOs the organisation recognises"
    )
    partner_tiers: Tiers | None = Field(
        default=None, description="Tiers of the organisation's AEOs the partner recognises (default: tiers)"
    )
    effective_from: UtcTime | None = Field(default=None, description="Default: on acceptance")


class MraAcceptRequest(_Body):
    """The terms as the proposal reads them, restated so they cannot change under the acceptance."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"tiers": "advanced"}]})

    tiers: Tiers = Field(description="Tiers of the partner's AEOs the organisation recognises")
    partner_tiers: Tiers | None = Field(
        default=None, description="Tiers of the organisation's AEOs the partner recognises (default: tiers)"
    )
    effective_from: UtcTime | None = Field(default=None, description="The proposed effective time, if any")


class MraAction(StrEnum):
    CANCEL = "cancel"
    SUSPEND = "suspend"
    RESUME = "resume"
    TERMINATE = "terminate"
