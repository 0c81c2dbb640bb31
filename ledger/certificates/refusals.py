"""The registry's refusals in the words of the people who meet them.

Reverts arrive as `CertificateRegistryQuantityExceeded(root=0x.., amount=9899400, ...)`. These
messages name the certificate by its number and type, quantities in the document's units and
statuses by name; the contract error's name stays at the end, so scripts can still match it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ledger.certificates.quantities import format_quantity
from ledger.certificates.status import CertificateStatus
from ledger.certificates.wrapped import WrappedCertificate
from ledger.errors import ContractRevert
from ledger.ids import CERTIFICATE_TYPE_NAMES, member_id_text
from ledger.reasons import reason_name


def _type(raw: Any) -> str:
    return CERTIFICATE_TYPE_NAMES.get(bytes(raw), "0x" + bytes(raw).hex()) if isinstance(raw, bytes) else str(raw)


def _time(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%MZ")


_EXPLAIN: dict[str, Callable[[dict[str, Any], str], str]] = {
    "CertificateRegistryQuantityExceeded": lambda v, c: (
        f"{c}: requested {format_quantity(v['amount'])}, remaining {format_quantity(v['remaining'])}"
    ),
    "CertificateRegistryAlreadyUtilized": lambda v, c: f"{c} is single-use and has been used",
    "CertificateRegistryDeclarationRecorded": lambda v, c: f"this declaration has already drawn on {c}",
    "CertificateRegistryInvalidDeclaration": lambda v, c: "a declaration reference is required",
    "CertificateRegistryInvalidAmount": lambda v, c: (
        f"{format_quantity(v['amount'])} is not a quantity that can be drawn"
    ),
    "CertificateRegistryNotImportingCustoms": lambda v, c: (
        f"only {member_id_text(v['importingMember'])} customs (a key it accredits with the customs role) may "
        f"draw on {c}; {v['caller']} is not one"
    ),
    "CertificateRegistryInvalidStatus": lambda v, c: f"{c} is {CertificateStatus(v['status']).label}",
    "CertificateRegistryNotIssuer": lambda v, c: (
        f"{v['caller']} is not accredited to issue {_type(v['certType'])} certificates"
    ),
    "CertificateRegistryNotBatchIssuer": lambda v, c: (
        f"{v['caller']} acts for another member than the one that issued {c}"
    ),
    "CertificateRegistryNotIssued": lambda v, c: f"the batch of {c} was never issued on this registry",
    "CertificateRegistryExpired": lambda v, c: f"the batch of {c} expired at {_time(v['expiresAt'])}",
    "CertificateRegistryInvalidProof": lambda v, c: f"the Merkle proof of {c} does not lead to its batch's root",
    "CertificateRegistryInvalidReason": lambda v, c: f"reason {reason_name(v['reason'])} is not allowed here",
    "CertificateRegistrySelfSupersede": lambda v, c: f"{c} cannot supersede itself",
    "CertificateRegistryAlreadyIssued": lambda v, c: "this batch root is issued already",
    "CertificateRegistryInvalidExpiry": lambda v, c: f"the batch expiry {_time(v['expiresAt'])} is not in the future",
    "CertificateRegistryNotDestination": lambda v, c: (
        f"{c} is destined to {member_id_text(v['destination'])}; "
        f"{member_id_text(v['importingMember'])} customs may not draw on it"
    ),
    "CertificateRegistryInvalidDestination": lambda v, c: (
        f"{member_id_text(v['destination']) or 'no member'} is not an active member of the consortium: a batch "
        "is destined to a member's customs"
    ),
    "CertificateRegistryOwnDestination": lambda v, c: (
        f"a certificate is destined to another member's customs, not to its issuer's own "
        f"({member_id_text(v['destination'])})"
    ),
}


def describe(certificate: WrappedCertificate | None) -> str:
    """'certificate of origin CN2026...' or, with the number hidden, its leaf."""
    if certificate is None:
        return "the certificate"
    kind = certificate.type.replace("-", " ")
    number = certificate.data.get("certificate_number")
    return f"{kind} {number}" if isinstance(number, str) else f"{kind} 0x{certificate.leaf.hex()[:16]}..."


def reworded(error: ContractRevert, certificate: WrappedCertificate | None = None) -> ContractRevert:
    """`error` with its message in domain words (same class, same values)."""
    explain = _EXPLAIN.get(error.name)
    if explain is None:
        return error
    try:
        text = explain(error.values, describe(certificate))
    except (KeyError, ValueError, TypeError):
        return error
    error.message = f"{text} ({error.name})"
    error.args = (error.message,)
    return error
