"""The questions the portal asks the ledger index, and the answers its pages show.

The index (ledger/index, SQL kept up to date from contract events) answers them; where this
service has no index yet, both raise IndexNotAvailable and the pages say so. The pages take
these functions through `history_query` / `audit_query`, so tests can hand in others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from api.deps import ServiceContext
from api.portal.config import Principal
from api.portal.errors import IndexNotAvailable
from ledger.consortium.names import AccountName
from ledger.errors import InvalidInput, LedgerError
from ledger.index import audit as index_audit
from ledger.index.cursor import MAX_LIMIT
from ledger.index.errors import CertificateNotFound, IndexOutOfStep
from ledger.index.labelled import name_actors
from ledger.index.names import account_names
from ledger.index.presentation import AuditEvent
from ledger.index.transactions import transaction_events


class HistoryEvent(BaseModel):
    """One thing that happened to a certificate (or its number), as the index recorded it."""

    at: datetime
    event: str = Field(description="The event's code (CertificateRevoked ...); the page shows its label")
    member: str | None = Field(default=None, description="The member whose account sent it")
    by: str | None = Field(default=None, description="The account that sent it")
    by_name: AccountName | None = Field(default=None, description="That account, as the consortium names it")
    reason: str | None = Field(default=None, description="Reason-code slug, for status changes")
    amount: str | None = Field(default=None, description="A utilization's quantity (the document's units)")
    declaration: str | None = Field(default=None, description="A utilization's import declaration")
    successor: str | None = Field(default=None, description="The certificate that superseded it")
    tx_hash: str | None = None


class CertificateHistory(BaseModel):
    certificate: str = Field(description="The certificate's leaf, 0x and 64 hex digits")
    root: str
    type: str
    events: list[HistoryEvent]


class AuditFilters(BaseModel):
    """What an auditor searches by; every filter given must match."""

    consignment: str | None = Field(default=None, max_length=64, description="WCO UCR")
    certificate: str | None = Field(default=None, max_length=80, description="Number, root or leaf")
    member: str | None = Field(default=None, max_length=32)
    event: str | None = Field(default=None, max_length=64, description="Event code, e.g. CertificateRevoked")
    account: str | None = Field(default=None, pattern=r"^0x[0-9a-fA-F]{40}$", description="Sending account")
    since: datetime | None = None
    until: datetime | None = None
    cursor: str | None = Field(default=None, max_length=512, description="The next page's cursor")


SubjectKind = Literal["certificate", "batch", "account", "consignment", "operator", "contract"]


class AuditRecord(BaseModel):
    at: datetime
    event: str = Field(description="The event's code (CertificateRevoked ...); pages show its label")
    member: str | None = None
    subject: str = Field(description="What the record is about: a certificate, consignment or operator")
    subject_kind: SubjectKind = "contract"
    actor: str | None = Field(default=None, description="The account that sent the transaction")
    actor_name: AccountName | None = None
    tx_hash: str | None = None


class AuditResults(BaseModel):
    records: list[AuditRecord]
    next_cursor: str | None = None


class AccountOverview(BaseModel):
    """An account as the index knows it: the member it acts for, its accreditations, what it did."""

    address: str
    name: AccountName
    member: str | None
    accreditations: list[AuditRecord]
    recent: list[AuditRecord]


HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
HistoryQuery = Callable[..., CertificateHistory | None]
AuditQuery = Callable[..., AuditResults]


SEARCH_LIMIT = 50  # records a search page shows (one line each; the next page by cursor)
ACCOUNT_RECENT = 20


def _engine(context: ServiceContext) -> Engine:
    try:
        return context.index()
    except IndexOutOfStep:  # it describes a chain that was reset: its own page says so
        raise
    except LedgerError as exc:  # no index here (yet), or its database is down
        raise IndexNotAvailable() from exc


def _text(details: dict[str, object], key: str) -> str | None:
    return str(details[key]) if key in details else None


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
    name_actors(engine, found.items)
    issued = next((e for e in found.items if e.event == "CertificatesIssued"), found.items[0])
    return CertificateHistory(
        certificate=text,
        root=str(issued.details.get("root", "")),
        type=str(issued.details.get("certType", found.records[0].cert_type if found.records else "")),
        events=[
            HistoryEvent(
                at=e.time,
                event=e.event,
                member=e.organisation,
                by=e.actor,
                by_name=e.actor_name,
                reason=_text(e.details, "reason"),
                amount=_text(e.details, "amount"),
                declaration=_text(e.details, "declarationId"),
                successor=_text(e.details, "newLeaf"),
                tx_hash=e.tx_hash,
            )
            for e in found.items
        ],
    )


def audit_search(*, context: ServiceContext, filters: AuditFilters, auditor: Principal) -> AuditResults:
    """One page (SEARCH_LIMIT) of the index's records matching `filters`, newest first (the
    chain's events are the whole consortium's to audit)."""
    try:
        page = index_audit.search(engine=_engine(context), filters=index_filter(filters), limit=SEARCH_LIMIT,
                                  cursor=filters.cursor)  # fmt: skip
    except CertificateNotFound:
        return AuditResults(records=[])
    name_actors(_engine(context), page.items)
    return AuditResults(records=[audit_record(e) for e in page.items], next_cursor=page.next_cursor)


def index_filter(filters: AuditFilters) -> index_audit.AuditFilter:
    """The index's filter for the portal's (the CSV export uses it too)."""
    return index_audit.AuditFilter(
        organisation=filters.member,
        actor=filters.account,
        event_types=[filters.event] if filters.event else [],
        certificate=filters.certificate,
        consignment=filters.consignment,
        since=filters.since,
        until=filters.until,
    )


def audit_record(event: AuditEvent) -> AuditRecord:
    subject, kind = _subject(event)
    return AuditRecord(at=event.time, event=event.event, member=event.organisation, subject=subject,
                       subject_kind=kind, actor=event.actor, actor_name=event.actor_name,
                       tx_hash=event.tx_hash)  # fmt: skip


_SUBJECTS: tuple[tuple[str, SubjectKind], ...] = (
    ("leaf", "certificate"),
    ("root", "batch"),
    ("consignment", "consignment"),
    ("operator", "operator"),
    ("account", "account"),
    ("numberKey", "certificate"),
)


def _subject(event: AuditEvent) -> tuple[str, SubjectKind]:
    for name, kind in _SUBJECTS:
        if name in event.details:
            return str(event.details[name]), kind
    return event.contract, "contract"


def account_overview(*, context: ServiceContext, address: str) -> AccountOverview:
    """What the index knows of one account (0x and 40 hex digits)."""
    engine = _engine(context)
    granted = index_audit.accreditation_history(engine=engine, account=address, limit=MAX_LIMIT)
    recent = index_audit.search(engine=engine, filters=index_audit.AuditFilter(actor=address), limit=ACCOUNT_RECENT)
    name_actors(engine, [*granted.items, *recent.items])
    with engine.connect() as connection:
        name = account_names(connection, [address])[address]
    member = name.member_id or next((e.organisation for e in reversed(granted.items) if e.organisation), None)
    return AccountOverview(
        address=address,
        name=name,
        member=member,
        accreditations=[audit_record(e) for e in granted.items],
        recent=[audit_record(e) for e in recent.items],
    )


def transaction_records(*, context: ServiceContext, tx_hash: str) -> list[AuditRecord]:
    """The events one transaction wrote, in order."""
    engine = _engine(context)
    events = transaction_events(engine=engine, tx_hash=tx_hash)
    name_actors(engine, events)
    return [audit_record(e) for e in events]


def history_query() -> HistoryQuery:
    return certificate_history


def audit_query() -> AuditQuery:
    return audit_search


History = Annotated[HistoryQuery, Depends(history_query)]
Audit = Annotated[AuditQuery, Depends(audit_query)]
