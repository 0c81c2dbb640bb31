"""Request bodies of the alert routes (responses are the library's Alert)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import UtcTime
from ledger.alerts import AlertScope, Severity
from ledger.store.cid import CIDV1_PATTERN


class PublishAlertRequest(BaseModel):
    """Publish an alert as the organisation; its scope's empty lists mean any."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "severity": "high",
            "scope": {"hs": ["0306"], "origins": ["CN"], "destinations": ["SG"], "ports_of_loading": ["CNNGB"]},
            "until": "2027-01-31T00:00:00Z",
        }]},
    )  # fmt: skip

    severity: Severity
    scope: AlertScope = Field(
        description="hs: 2, 4 or 6 digits; origins, destinations: member ids; operator: 0x and 64 hex digits; "
        "ports_of_loading, ports_of_discharge: UN/LOCODEs (at most 32 entries each)"
    )
    since: UtcTime | None = Field(default=None, description="In force from (default: its publication)")
    until: UtcTime = Field(description="In force until (exclusive), at most 366 days ahead")
    reason_cid: str | None = Field(
        default=None,
        pattern=r"^b[a-z2-7]{58}$",
        json_schema_extra={"pattern": CIDV1_PATTERN},
        description="CIDv1 of the reason's details: a document the organisation put in the store and anchored",
    )


class ExtendAlertRequest(BaseModel):
    """A later end for one of the organisation's alerts."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"until": "2027-03-31T00:00:00Z"}]})

    until: UtcTime = Field(description="The new end, later than the current one, at most 366 days ahead")
