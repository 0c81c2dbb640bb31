"""Identifiers shared with the contracts: member ids, roles, certificate types."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from eth_utils.crypto import keccak

from ledger.errors import InvalidInput

ISSUER_ROLE = keccak(text="ISSUER_ROLE")
ORACLE_ROLE = keccak(text="ORACLE_ROLE")
AUDITOR_ROLE = keccak(text="AUDITOR_ROLE")
# an administration's operational keys: utilization, AEO changes, MRA consent
CUSTOMS_ROLE = keccak(text="CUSTOMS_ROLE")
# accredited trade parties (declarants, carriers, exporters) recording evidence events
TRADE_ROLE = keccak(text="TRADE_ROLE")
ROLES: dict[str, bytes] = {
    "issuer": ISSUER_ROLE,
    "oracle": ORACLE_ROLE,
    "auditor": AUDITOR_ROLE,
    "customs": CUSTOMS_ROLE,
    "trade": TRADE_ROLE,
}
ROLE_NAMES = {v: k for k, v in ROLES.items()}


class CertificateType(StrEnum):
    """The certificate types the ledger knows; the on-chain id is keccak256 of the slug."""

    CERTIFICATE_OF_ORIGIN = "certificate-of-origin"
    PHYTOSANITARY_CERTIFICATE = "phytosanitary-certificate"


CERTIFICATE_TYPES: tuple[str, ...] = tuple(t.value for t in CertificateType)
_MEMBER_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
_MEMBER_ID_TEXT = "[A-Za-z0-9][A-Za-z0-9-]{0,31}"
MEMBER_ID_PATTERN = rf"^\s*{_MEMBER_ID_TEXT}\s*$"
"""The member ids `member_id_bytes` accepts (it strips and upper-cases them), for the API's document."""
EXACT_MEMBER_ID_PATTERN = f"^{_MEMBER_ID_TEXT}$"
"""A member id in either case without surrounding spaces: what the AEO routes take."""


def member_id_bytes(member_id: str) -> bytes:
    """'CN' -> bytes32 left-aligned, as Solidity's bytes32("CN")."""
    normalized = member_id.strip().upper()
    if not _MEMBER_ID.match(normalized):
        raise InvalidInput(f"{member_id!r} is not a member id (letters, digits and '-', e.g. CN)", path="member")
    return normalized.encode().ljust(32, b"\0")


def member_id_text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode(errors="replace")


def revert_member(value: Any) -> str:
    """A member id as text, whether raw bytes32 (as a revert carries it) or text already."""
    return member_id_text(value) if isinstance(value, bytes) else str(value)


def ascii_bytes32(text: str) -> bytes:
    """An ASCII label (a framework version, an HS code, a unit) as the bytes32 the contracts hold."""
    return text.encode("ascii").ljust(32, b"\0")


def role_bytes(role: str) -> bytes:
    try:
        return ROLES[role.lower()]
    except KeyError:
        raise InvalidInput(f"unknown role {role!r}; one of {', '.join(ROLES)}", path="role") from None


def certificate_type_bytes(cert_type: str) -> bytes:
    """The on-chain id of a certificate type: keccak256 of its slug."""
    if cert_type not in CERTIFICATE_TYPES:
        raise InvalidInput(
            f"unknown certificate type {cert_type!r}; one of {', '.join(CERTIFICATE_TYPES)}",
            path="type",
        )
    return keccak(text=cert_type)


CERTIFICATE_TYPE_NAMES = {keccak(text=t): t for t in CERTIFICATE_TYPES}


def name_of_id(value: bytes) -> str | None:
    """The name of a 32-byte id the contracts use (a role or a certificate type), if it is one:
    errors show `role=issuer` rather than a hash."""
    role = ROLE_NAMES.get(value)
    if role is not None:
        return f"{role} role"
    return CERTIFICATE_TYPE_NAMES.get(value)
