"""The two questions the portal asks the ledger index, and the answers its pages show.

The index (ledger/index, SQL kept up to date from contract events) answers them; where this
service has no index yet, both raise IndexNotAvailable and the pages say so. The pages take
these functions through `history_query` / `audit_query`, so tests can hand in others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from api.deps import ServiceContext
from api.portal.config import Principal
from api.portal.errors import IndexNotAvailable
from ledger.errors import InvalidInput, LedgerError
from ledger.index import audit as index_audit
from ledger.index.cursor import MAX_LIMIT
from ledger.index.errors import CertificateNotFound
from ledger.index.presentation import AuditEvent


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


HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
HistoryQuery = Callable[..., CertificateHistory | None]
AuditQuery = Callable[..., list[AuditRecord]]


_EVENT_WORDS = {
    "CertificatesIssued": "issued",
    "CertificateRevoked": "revoked",
    "CertificateSuspended": "suspended",
    "CertificateReinstated": "reinstated",
    "CertificateSuperseded": "superseded",
    "CertificateUtilized": "utilized",
}
SEARCH_LIMIT = 200  # the newest records a search page shows


def _engine(context: ServiceContext) -> Engine:
    try:
        return context.index()
    except LedgerError as exc:  # no index here (yet), or its database is down
        raise IndexNotAvailable() from exc


def _detail(event: AuditEvent) -> str | None:
    details = event.details
    if "amount" in details:
        return f"{details['amount']} (declaration {details.get('declarationId', '-')})"
    if "newLeaf" in details:
        return f"successor {details['newLeaf']}"
    return None


def certificate_history(*, context: ServiceContext, certificate: str) -> CertificateHistory | None:
    """Everything the index holds about one certificate, oldest first (None: not in the index)."""
    engine = _engine(context)
    text = certificate.strip()
    try:
        if HASH.fullmatch(text):
            found = index_audit.certificate_history(engine=engine, leaf=text, limit=MAX_LIMIT)
        else:
            found = index_audit.certificate_history(engine=engine, number=text, limit=MAX_LIMIT)
    except (CertificateNotFound, InvalidInput):
        return None
    if not found.items:
        return None
    issued = next((e for e in found.items if e.event == "CertificatesIssued"), found.items[0])
    return CertificateHistory(
        certificate=text,
        root=str(issued.details.get("root", "")),
        type=str(issued.details.get("certType", found.records[0].cert_type if found.records else "")),
        events=[
            HistoryEvent(
                at=e.time,
                event=_EVENT_WORDS.get(e.event, e.event),
                by=e.organisation or e.actor,
                reason=str(e.details["reason"]) if "reason" in e.details else None,
                detail=_detail(e),
                tx_hash=e.tx_hash,
            )
            for e in found.items
        ],
    )


def audit_search(*, context: ServiceContext, filters: AuditFilters, auditor: Principal) -> list[AuditRecord]:
    """The index's records matching `filters`, newest first (the chain's events are the whole
    consortium's to audit; the newest SEARCH_LIMIT)."""
    query = index_audit.AuditFilter(
        organisation=filters.member,
        event_types=[filters.event] if filters.event else [],
        certificate=filters.certificate,
        consignment=filters.consignment,
        since=filters.since,
        until=filters.until,
    )
    try:
        page = index_audit.search(engine=_engine(context), filters=query, limit=SEARCH_LIMIT)
    except CertificateNotFound:
        return []
    return [
        AuditRecord(
            at=e.time,
            event=e.event,
            member=e.organisation,
            subject=_subject(e),
            tx_hash=e.tx_hash,
        )
        for e in page.items
    ]


def _subject(event: AuditEvent) -> str:
    for name in ("leaf", "root", "consignment", "operator", "account", "numberKey"):
        if name in event.details:
            return str(event.details[name])
    return event.contract


def history_query() -> HistoryQuery:
    return certificate_history


def audit_query() -> AuditQuery:
    return audit_search


History = Annotated[HistoryQuery, Depends(history_query)]
Audit = Annotated[AuditQuery, Depends(audit_query)]
