"""The two questions the portal asks the ledger index, and the answers its pages show.

The index (ledger/index, SQL kept up to date from contract events) answers them; until it is
wired in, both raise IndexNotAvailable and the pages say so. The pages take these functions
through `history_query` / `audit_query`, so the service (and tests) can hand in others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field

from api.deps import ServiceContext
from api.portal.config import Principal
from api.portal.errors import IndexNotAvailable


class HistoryEvent(BaseModel):
    """One thing that happened to a certificate (or its number), as the index recorded it."""

    at: datetime
    event: str = Field(description="issued, revoked, suspended, reinstated, superseded, utilized")
    by: str | None = Field(default=None, description="Who sent it: a member id or an address")
    reason: str | None = Field(default=None, description="Reason-code slug, for status changes")
    detail: str | None = Field(default=None, description="Declaration and quantity, successor ...")
    tx_hash: str | None = None


class CertificateHistory(BaseModel):
    certificate: str = Field(description="The certificate's leaf, 0x and 64 hex digits")
    root: str
    type: str
    events: list[HistoryEvent]


class AuditFilters(BaseModel):
    """What an auditor searches by; every filter given must match."""

    consignment: str | None = Field(default=None, max_length=64, description="WCO UCR")
    certificate: str | None = Field(default=None, max_length=80, description="Number or leaf")
    member: str | None = Field(default=None, max_length=32)
    event: str | None = Field(default=None, max_length=32)
    since: datetime | None = None
    until: datetime | None = None


class AuditRecord(BaseModel):
    at: datetime
    event: str
    member: str | None = None
    subject: str = Field(description="What the record is about: a certificate, consignment or operator")
    tx_hash: str | None = None


HistoryQuery = Callable[..., CertificateHistory | None]
AuditQuery = Callable[..., list[AuditRecord]]


def certificate_history(*, context: ServiceContext, certificate: str) -> CertificateHistory | None:
    """Everything the index holds about one certificate, oldest first (None: not in the index)."""
    # TODO(lead): answer from ledger.index.audit (the certificate's events by leaf and number)
    raise IndexNotAvailable()


def audit_search(*, context: ServiceContext, filters: AuditFilters, auditor: Principal) -> list[AuditRecord]:
    """The index's records matching `filters`, newest first, that `auditor` may see."""
    # TODO(lead): answer from ledger.index.audit (bounded: the newest N records)
    raise IndexNotAvailable()


def history_query() -> HistoryQuery:
    return certificate_history


def audit_query() -> AuditQuery:
    return audit_search


History = Annotated[HistoryQuery, Depends(history_query)]
Audit = Annotated[AuditQuery, Depends(audit_query)]
