"""The audit index: contract events followed into SQL (SQLite or PostgreSQL), the issuer's own
records next to them, and the audit queries that read them instead of the chain."""

from ledger.index.audit import (
    AuditFilter,
    AuditPage,
    CertificateHistory,
    accreditation_history,
    certificate_history,
    mra_history,
    operator_history,
    search,
)
from ledger.index.db import database_url, make_engine, open_index, upgrade
from ledger.index.export import export_csv
from ledger.index.follower import Follower, IndexReport, follow
from ledger.index.issuer_records import ImportReport, IssuerRecord, import_numbers, import_wrapped
from ledger.index.names import account_names
from ledger.index.presentation import AuditEvent

__all__ = [
    "AuditEvent",
    "AuditFilter",
    "AuditPage",
    "CertificateHistory",
    "Follower",
    "ImportReport",
    "IndexReport",
    "IssuerRecord",
    "account_names",
    "accreditation_history",
    "certificate_history",
    "database_url",
    "export_csv",
    "follow",
    "import_numbers",
    "import_wrapped",
    "make_engine",
    "mra_history",
    "open_index",
    "operator_history",
    "search",
    "upgrade",
]
