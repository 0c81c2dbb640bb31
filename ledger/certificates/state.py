"""One certificate's record on chain, looked up by its identifiers alone (no wrapped file):
issuance, issuer and its member, status, reason, expiry, successor and the quantity drawn."""

from __future__ import annotations

from datetime import datetime

from eth_utils.address import to_checksum_address
from pydantic import BaseModel, Field

from ledger.certificates.quantities import UnitQuantity
from ledger.certificates.status import CertificateStatus
from ledger.certificates.wrapped import Bytes32Hex, from_hex, number_hash, to_hex
from ledger.chain.client import LedgerClient
from ledger.chain.reads import view_request, view_result
from ledger.consortium.registries import CERTIFICATE_REGISTRY
from ledger.consortium.versions import listed_versions
from ledger.ids import certificate_type_bytes, member_id_text
from ledger.reasons import reason_name
from ledger.timestamps import from_unix

ZERO32 = "0x" + "00" * 32


class CertificateRecord(BaseModel):
    """What the registry holds about one certificate (a leaf of an issued batch)."""

    root: Bytes32Hex
    leaf: Bytes32Hex
    type: str
    issued: bool = Field(description="The batch root is issued on this registry")
    issuer: str | None = Field(description="The account that issued the batch")
    issuer_member: str | None = Field(description="The member that accredited the issuer, e.g. CN")
    issued_at: datetime | None
    expires_at: datetime | None = Field(description="The batch's expiry (None: no expiry)")
    expired: bool
    issuer_accredited_at_issue: bool
    issuer_accredited_now: bool
    status: str = Field(description="valid, suspended, revoked or superseded")
    reason: str | None = Field(description="Reason of the last status change, by name")
    changed_at: datetime | None
    utilized: UnitQuantity | None = Field(
        description="Quantity drawn on the certificate number (None: number not given)"
    )
    successor_root: Bytes32Hex | None
    successor_leaf: Bytes32Hex | None


def certificate_versions(client: LedgerClient) -> list[str]:
    """Every CertificateRegistry the consortium lists, oldest first."""
    return listed_versions(client, CERTIFICATE_REGISTRY)


def holding_registry(client: LedgerClient, root: str, cert_type: str) -> str:
    """The listed CertificateRegistry that holds batch `root` of `cert_type` (a root lives on one
    version), else the newest one."""
    versions = certificate_versions(client)
    if len(versions) == 1:
        return versions[0]
    batch = client.artifacts.codec("CertificateRegistry").function("batch")
    data = batch.call_data(from_hex(root), certificate_type_bytes(cert_type))
    replies = client.raw_batch([view_request(v, data) for v in versions])
    for version, reply in zip(versions, replies, strict=True):
        if int(batch.decode(view_result(client, reply, f"CertificateRegistry.batch at {version}"))[0], 16):
            return version
    return versions[-1]


def certificate_record(
    *,
    client: LedgerClient,
    root: str,
    cert_type: str,
    leaf: str,
    number: str | None = None,
    registry: str | None = None,
    unit: str | None = None,
) -> CertificateRecord:
    """The registry's record of the certificate `leaf` under batch `root` of `cert_type`, from
    `registry`, else from the listed version that holds the batch.

    `number` (the certificate number as printed) selects the quantity drawn, which the registry
    counts per number (over every version); without it `utilized` is None. The ledger keeps no
    unit: `unit` (the certificate's, when the caller has it) is the one the quantity is given in.
    """
    type_id = certificate_type_bytes(cert_type)
    registry = registry or holding_registry(client, root, cert_type)
    numbered = number_hash(number) if number else bytes(32)
    fn = client.artifacts.codec("CertificateRegistry").function("certificateState")
    data = fn.call_data(from_hex(root), type_id, from_hex(leaf), numbered)
    [reply] = client.raw_batch([view_request(registry, data)])
    view = fn.decode(view_result(client, reply, "CertificateRegistry.certificateState"))
    (issued, issuer, member, issued_at, expires_at, expired, at_issue, now, status, reason, changed_at, utilized,
     successor_root, successor_leaf) = view  # fmt: skip
    has_successor = bytes(successor_leaf) != bytes(32)
    return CertificateRecord(
        root=root,
        leaf=leaf,
        type=cert_type,
        issued=bool(issued),
        issuer=to_checksum_address(issuer) if issued else None,
        issuer_member=member_id_text(member) or None,
        issued_at=from_unix(issued_at),
        expires_at=from_unix(expires_at),
        expired=bool(expired),
        issuer_accredited_at_issue=bool(at_issue),
        issuer_accredited_now=bool(now),
        status=CertificateStatus(status).label,
        reason=reason_name(reason) if reason else None,
        changed_at=from_unix(changed_at),
        utilized=UnitQuantity.of(int(utilized), unit) if number else None,
        successor_root=to_hex(bytes(successor_root)) if has_successor else None,
        successor_leaf=to_hex(bytes(successor_leaf)) if has_successor else None,
    )
