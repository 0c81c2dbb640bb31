"""Response bodies of the trader's own routes (/me ...): its party, certificates, consignments
and AEO standing. Quantities are decimal strings with their unit; times ISO 8601 UTC."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.evidence import TimelineEntry
from ledger.aeo.models import Certification, Recognition
from ledger.certificates.quantities import UnitQuantity
from ledger.evidence.audit import ChainProblem


class Me(BaseModel):
    """The party a trader key acts for."""

    key_id: str
    label: str
    member: str = Field(description="The consortium member whose service this is, e.g. CN")
    member_name: str | None = None
    account: str | None = Field(description="The party's account (checksummed)")
    operator: str | None = Field(description="The party's operator id (USCI:9133...); null: the key names none")
    missing: list[str] = Field(description="What the key lacks for some views, and how to give it")


class Drawing(BaseModel):
    """One draw on a certificate: which member's customs recorded it, for which declaration."""

    at: datetime
    member: str | None
    declaration: str = Field(description="The declaration reference (0x and 64 hex digits)")
    quantity: UnitQuantity
    tx_hash: str


class MyCertificate(BaseModel):
    number: str
    type: str
    issuing_member: str
    importing_member: str | None
    issue_date: str | None
    leaf: str | None
    status: str = Field(description="valid, suspended, revoked, superseded; unknown until its leaf is recorded")
    reason: str | None = None
    expires_at: datetime | None = None
    issued: UnitQuantity | None = Field(description="The quantity issued (null: not recorded)")
    drawn: UnitQuantity = Field(description="The quantity drawn so far on its number")
    drawings: list[Drawing]


class MyConsignment(BaseModel):
    consignment: str = Field(description="The consignment's id: keccak256 of its UCR")
    origin: str
    destination: str
    open: bool
    role: str | None = Field(description="The party's role now (null: no longer a party, or voided)")
    opened_at: datetime | None
    entries: int
    last_entry_at: datetime | None
    timeline: str = Field(description="Path of its timeline for this key")


class MyTimeline(BaseModel):
    consignment: str
    entries: list[TimelineEntry]
    head_seq: int
    intact: bool
    problems: list[ChainProblem]


class MyAeo(BaseModel):
    """The party's operator as certified by the service's member, and recognised by partners."""

    operator: str
    certification: Certification
    recognitions: list[Recognition] = Field(description="By each member with an MRA with the certifying member")
