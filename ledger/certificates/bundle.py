"""Proof bundles of one wrapped certificate, checked with no network at all.

A bundle holds the wrapped certificate and two storage proofs at one block: of
CertificateRegistry (the batch record of (root, certType), the certificate record, its
successor when superseded, the record of its number key) and of the Consortium the registry is
bound to (the issuer's accreditation grant, the member of its term, that member's record,
earlier periods of the grant). It holds no claimed values: the verifier derives every slot
itself from the certificate and from values already proven (the batch's issuer names the
grant, the grant's term the member, the member the number key), with `ledger.certificates.layout`.

The maker and the verifier walk that derivation with one function (`_walk`): the maker reads
each slot from a node at the block and records it, the verifier reads it from the proven
slots and refuses a bundle that lacks one. So a bundle proves what `certificateState` would
have answered at that block, and the verdict is evaluated at the block's time.

An auditor trusts a block hash and the consortium (its deployment record's, or named). The
consortium proof also proves that the consortium lists the registry as a CertificateRegistry
and when it was the active version: the batch counts only if it was anchored in one of those
intervals. No code is compared with a build: the consortium's vote is what makes a registry
trusted, and its members verified the code they voted on.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Literal

from eth_utils.address import to_checksum_address
from pydantic import BaseModel, ConfigDict, ValidationError

from ledger.certificates import layout
from ledger.certificates.document_view import document_view
from ledger.certificates.listing_proof import Reader, proven_reader, read_listing, storage_reader
from ledger.certificates.quantities import UnitQuantity
from ledger.certificates.status import CertificateStatus
from ledger.certificates.trust import (
    AnchorSource,
    TrustAnchor,
    batch_refusal,
    registry_refusal,
)
from ledger.certificates.verification import (
    Fragment,
    FragmentName,
    FragmentStatus,
    Verification,
    _chain_fragments,
)
from ledger.certificates.wrapped import AddressHex, WrappedCertificate, check_integrity, from_hex
from ledger.chain.client import LedgerClient
from ledger.chain.proofs import StorageProof, fetch_storage_proof, verify_storage_proof
from ledger.chain.reads import block_ref, block_request, view_request
from ledger.consortium.registries import CERTIFICATE_REGISTRY, RegistryListing
from ledger.errors import InvalidInput, ProofInvalid, TransactionFailed
from ledger.ids import ISSUER_ROLE
from ledger.jsonfiles import loads_strict

FORMAT: Literal["sanzhi-certificate-bundle/1"] = "sanzhi-certificate-bundle/1"
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_FORMER_PERIODS = 256  # re-accreditations of one issuer: each a member admin's transaction
ZERO32 = bytes(32)


class CertificateBundle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["sanzhi-certificate-bundle/1"] = FORMAT
    chain_id: int
    registry: AddressHex
    consortium: AddressHex
    certificate: WrappedCertificate
    registry_proof: StorageProof
    consortium_proof: StorageProof


class BundleVerification(BaseModel):
    """The verdict on a bundle that proved what it says: the fragments as `cert verify` reports
    them, evaluated at the block's time."""

    valid: bool
    block_number: int
    block_hash: str
    block_time: str
    registry: str
    consortium: str
    verification: Verification
    verify_ms: float


# ---------------------------------------------------------------- the one derivation


def _walk(certificate: WrappedCertificate, registry: Reader, consortium: Reader, now: int) -> dict[str, Any]:
    """What CertificateRegistry.certificateState answers for `certificate` at a block of time
    `now`, read slot by slot as the contracts compute it (view field names of verification),
    with `listing`: the kind and intervals the consortium lists the registry with."""
    listing = read_listing(certificate.proof.registry, consortium)
    proof = certificate.proof
    root, cert_type, leaf = from_hex(proof.root), from_hex(proof.cert_type), certificate.leaf
    batch = layout.BatchRecord.of(registry(layout.batch_slot(root, cert_type), "the batch record"))
    record = layout.CertificateRecord.of(
        registry(layout.certificate_slot(root, cert_type, leaf), "the certificate record")
    )
    state: dict[str, Any] = {
        "issued": False,
        "issuer": to_checksum_address(batch.issuer),
        "issuer_member_id": ZERO32,
        "issued_at": batch.issued_at,
        "expires_at": batch.expires_at,
        "expired": False,
        "issuer_accredited_at_issue": False,
        "issuer_accredited_now": False,
        "status": record.status,
        "reason": record.reason,
        "changed_at": record.changed_at,
        "utilized": 0,
        "successor_root": ZERO32,
        "successor_leaf": ZERO32,
        "untrusted": None,
        "listing": listing,
    }
    if record.status == CertificateStatus.SUPERSEDED:
        first, second = layout.successor_slots(root, cert_type, leaf)
        state["successor_root"] = registry(first, "the successor's root").to_bytes(32, "big")
        state["successor_leaf"] = registry(second, "the successor's leaf").to_bytes(32, "big")
    if int(batch.issuer, 16) == 0:
        return state
    member, now_ok, at_issue = _accreditation(batch.issuer, cert_type, batch.issued_at, consortium)
    key = layout.number_key(member, cert_type, from_hex(proof.number_hash))
    state.update(
        issued=True,
        issuer_member_id=member,
        expired=batch.expires_at != 0 and now >= batch.expires_at,
        issuer_accredited_at_issue=at_issue,
        issuer_accredited_now=now_ok,
        utilized=layout.drawn(registry(layout.number_slot(key), "the record of its certificate number")),
    )
    return state


def _accreditation(issuer: str, cert_type: bytes, at: int, consortium: Reader) -> tuple[bytes, bool, bool]:
    """Consortium's accreditation(issuer, ISSUER_ROLE, certType).memberId, isAccredited and
    wasAccredited(..., at), from its storage (see Consortium._resolve)."""
    key = layout.accreditation_key(issuer, ISSUER_ROLE, cert_type)
    grant = layout.Grant.of(consortium(layout.grant_slot(key), "the issuer's accreditation"))
    member, until, term_member, active, left_at = ZERO32, 0, 0, False, 0
    if grant.since:
        term_member = consortium(layout.term_member_slot(grant.term), "the member of the accreditation's term")
        member, until = term_member.to_bytes(32, "big"), grant.until
        if term_member == 0:
            first, second = layout.ended_term_slots(grant.term)
            member = consortium(first, "the member of the accreditation's ended term").to_bytes(32, "big")
            if until == 0:
                until = layout.ended_term_left_at(consortium(second, "when the accreditation's term ended"))
        flags, term = layout.member_slots(member)
        active = layout.member_active(consortium(flags, "whether the accrediting member is active"))
        left_at = layout.member_left_at(consortium(term, "when the accrediting member left"))
    accredited_now = bool(grant.since) and grant.until == 0 and term_member != 0 and active
    was = False
    if grant.since and grant.since <= at:
        was = (active or at < left_at) if until == 0 else at < until
    if not was:
        count = consortium(layout.former_periods_length_slot(key), "the accreditation's earlier periods")
        if count > MAX_FORMER_PERIODS:
            raise ProofInvalid("consortium proof", f"{count} earlier accreditation periods, more than any bundle holds")
        for index in range(count):
            period = layout.Period.of(
                consortium(layout.former_period_slot(key, index), f"earlier accreditation period {index}")
            )
            if period.since <= at < period.until:
                was = True
                break
    return member, accredited_now, was


# ---------------------------------------------------------------- making


def make_bundle(
    *, client: LedgerClient, certificate: WrappedCertificate, block: int | str = "latest"
) -> CertificateBundle:
    """Everything an auditor needs to check `certificate` offline at `block`."""
    if certificate.proof.chain_id != client.chain_id:
        raise InvalidInput(
            f"certificate is anchored on chain {certificate.proof.chain_id}, node is on {client.chain_id}",
            path="proof.chain_id",
        )
    registry = to_checksum_address(certificate.proof.registry)
    codec = client.artifacts.codec("CertificateRegistry").function("consortium")
    header, reply = client.raw_batch(
        [block_request(block), view_request(registry, codec.call_data(), block_ref(block))]
    )
    if not header.get("result") or "result" not in reply or len(reply["result"]) != 66:
        raise TransactionFailed(f"cannot read block {block} or the consortium of registry {registry}")
    block_hash = str(header["result"]["hash"])
    consortium = to_checksum_address(codec.decode(bytes.fromhex(reply["result"][2:])))
    now = int(header["result"]["timestamp"], 16)

    registry_slots: list[int] = []
    consortium_slots: list[int] = []
    _walk(
        certificate,
        storage_reader(client, registry, block_hash, registry_slots),
        storage_reader(client, consortium, block_hash, consortium_slots),
        now,
    )
    return CertificateBundle(
        chain_id=client.chain_id,
        registry=registry,
        consortium=consortium,
        certificate=certificate,
        registry_proof=fetch_storage_proof(client, address=registry, slots=registry_slots, block=block_hash),
        consortium_proof=fetch_storage_proof(client, address=consortium, slots=consortium_slots, block=block_hash),
    )


# ---------------------------------------------------------------- reading and verifying


def read_bundle(text: str | bytes, *, source: str) -> CertificateBundle:
    data = loads_strict(text, source=source, max_bytes=MAX_BUNDLE_BYTES)
    try:
        return CertificateBundle.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProofInvalid("bundle", f"{source} is not a certificate bundle: {where}: {first['msg']}") from None


def verify_bundle(
    bundle: CertificateBundle,
    *,
    trusted_block_hash: str,
    trusted_consortium: str,
    trusted_registry: str | None = None,
) -> BundleVerification:
    """Check `bundle` with no network against one trusted block hash and the consortium the
    auditor trusts (and, if named, the one registry it trusts). Raises ProofInvalid (one line:
    the step and why) for anything that does not prove what it says; returns the verdict (valid
    or not) for a bundle that does."""
    started = time.perf_counter()
    certificate = bundle.certificate
    integrity = check_integrity(certificate)
    if not integrity.valid:
        raise ProofInvalid("certificate", integrity.reason)
    if bundle.consortium.lower() != trusted_consortium.lower():
        raise ProofInvalid(
            "consortium", f"the bundle is of consortium {bundle.consortium}, not the trusted {trusted_consortium}"
        )
    if certificate.proof.registry.lower() != bundle.registry.lower():
        raise ProofInvalid(
            "registry", f"the certificate names registry {certificate.proof.registry}, the bundle {bundle.registry}"
        )
    if trusted_registry is not None and bundle.registry.lower() != trusted_registry.lower():
        raise ProofInvalid(
            "registry", f"the bundle names registry {bundle.registry}, not the trusted {trusted_registry}"
        )
    if certificate.proof.chain_id != bundle.chain_id:
        raise ProofInvalid(
            "bundle", f"the certificate is of chain {certificate.proof.chain_id}, the bundle {bundle.chain_id}"
        )
    registry_values = verify_storage_proof(
        bundle.registry_proof, trusted_block_hash=trusted_block_hash, expected_address=bundle.registry
    )
    consortium_values = verify_storage_proof(
        bundle.consortium_proof, trusted_block_hash=trusted_block_hash, expected_address=trusted_consortium
    )
    header = bundle.registry_proof.header
    now = int(header.timestamp, 16)
    state = _walk(
        certificate,
        proven_reader("registry proof", registry_values, "this certificate"),
        proven_reader("consortium proof", consortium_values, "this certificate"),
        now,
    )
    anchor = TrustAnchor(consortium=trusted_consortium, registry=trusted_registry, source=AnchorSource.EXPLICIT)
    listing: RegistryListing = state.pop("listing")
    if listing.kind != CERTIFICATE_REGISTRY:
        state["untrusted"] = registry_refusal(anchor, listing)
    elif state["issued"]:
        state["untrusted"] = batch_refusal(anchor, listing, state["issued_at"])
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    fragments = [
        Fragment.of(FragmentName.INTEGRITY, FragmentStatus.VALID, integrity.finding),
        *_chain_fragments(certificate, state, anchor, today),
    ]
    number = certificate.data.get("certificate_number")
    verification = Verification(
        valid=all(f.status is FragmentStatus.VALID for f in fragments),
        decided=all(f.status is not FragmentStatus.ERROR for f in fragments),
        type=certificate.type,
        certificate_number=number if isinstance(number, str) else None,
        root=certificate.proof.root,
        leaf="0x" + certificate.leaf.hex(),
        hidden_fields=list(certificate.hidden),
        trust_anchor=f"block {header.hash}, {anchor.describe()}",
        quantity=UnitQuantity.of(certificate.proof.quantity, certificate.unit) if certificate.proof.quantity else None,
        fragments=fragments,
        document=document_view(certificate.type, certificate.data),
    )
    return BundleVerification(
        valid=verification.valid,
        block_number=int(header.number, 16),
        block_hash=header.hash,
        block_time=dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        registry=to_checksum_address(bundle.registry),
        consortium=to_checksum_address(trusted_consortium),
        verification=verification,
        verify_ms=round((time.perf_counter() - started) * 1000, 3),
    )
