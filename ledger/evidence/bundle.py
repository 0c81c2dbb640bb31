"""Proof bundles of a consortium's evidence chain, checked with no network at all.

A bundle holds every recorded entry of a consignment (with the side each was recorded for),
the EPCIS events behind them when the holder has them, a storage proof of the consignment's
head slot in the EvidenceRegistry version that holds it, and a storage proof of the
consortium's listing of that registry, both at one block. It states the chain and the
consortium it was made for. An auditor who trusts that block's hash, the chain and the
consortium (from its own deployment record, or named) checks, offline: the bundle is of that
chain and consortium; the block header hashes to the trusted hash; the consortium lists the
bundle's registry as an EvidenceRegistry (or, when the auditor names the registry it trusts,
the bundle is of that one); the registry's account and the head slot are in its state; the
entries chain, in order and without gaps, exactly to that head (the links commit to each
entry's member, side and declaration); and each included event hashes (GS1) to its entry.
A bundle of format 2 (made before listings) carries no listing proof: it is checked only
against a registry the auditor names.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from eth_utils.address import to_checksum_address
from pydantic import BaseModel, ConfigDict, Field

from ledger.certificates.layout import storage_layout
from ledger.certificates.listing_proof import proven_reader, read_listing, storage_reader
from ledger.chain.client import LedgerClient
from ledger.chain.proofs import StorageProof, fetch_storage_proof, verify_storage_proof
from ledger.errors import ProofInvalid
from ledger.evidence.audit import check_chain
from ledger.evidence.consignment import consignment_id as consignment_of
from ledger.evidence.entries import LINK_MASK, EvidenceEntry
from ledger.evidence.registry import CONTRACT as EVIDENCE_REGISTRY
from ledger.evidence.registry import EvidenceRegistryBinding, Head, RecordedEntry
from ledger.hashing.keccak import keccak256
from ledger.jsonfiles import loads_strict

FORMAT: Literal["sanzhi-evidence-bundle/3"] = "sanzhi-evidence-bundle/3"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


class BundledEntry(BaseModel):
    """One recorded entry, with the transaction context its link commits to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1)
    link: str
    member: str
    side: int = Field(ge=0, le=255)
    submitter: str
    timestamp: int
    block_number: int
    tx_hash: str
    event_hash: str
    step: int
    event_type: int
    correction: bool
    declaration: str
    document_hash: str
    cid: str
    parents: list[str]

    @classmethod
    def of(cls, item: RecordedEntry) -> BundledEntry:
        e = item.entry
        return cls(
            seq=item.seq,
            link=_hex(item.link),
            member=_hex(item.member),
            side=item.side,
            submitter=item.submitter,
            timestamp=item.timestamp,
            block_number=item.block_number,
            tx_hash=item.tx_hash,
            event_hash=_hex(e.event_hash),
            step=e.step,
            event_type=e.event_type,
            correction=e.correction,
            declaration=_hex(e.declaration),
            document_hash=_hex(e.document_hash),
            cid=_hex(e.cid),
            parents=[_hex(p) for p in e.parents],
        )

    def recorded(self, consignment: bytes) -> RecordedEntry:
        entry = EvidenceEntry(
            consignment=consignment,
            event_hash=_bytes(self.event_hash),
            step=self.step,
            event_type=self.event_type,
            correction=self.correction,
            declaration=_bytes(self.declaration),
            document_hash=_bytes(self.document_hash),
            cid=_bytes(self.cid),
            parents=tuple(_bytes(p) for p in self.parents),
        )
        return RecordedEntry(
            entry=entry,
            seq=self.seq,
            link=_bytes(self.link),
            member=_bytes(self.member),
            side=self.side,
            submitter=to_checksum_address(self.submitter),
            timestamp=self.timestamp,
            block_number=self.block_number,
            block_hash="",
            tx_hash=self.tx_hash,
            log_index=0,
        )


class EvidenceBundle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["sanzhi-evidence-bundle/2", "sanzhi-evidence-bundle/3"] = FORMAT
    ucr: str
    consignment: str
    chain_id: int
    registry: str
    consortium: str
    entries: list[BundledEntry]
    events: dict[str, Any] = Field(default_factory=dict, description="EPCIS events by entry event hash")
    head_proof: StorageProof
    listing_proof: StorageProof | None = None  # the consortium's listing of `registry` (format 3)


class BundleTrust(BaseModel):
    """What the auditor trusts: a chain and the consortium on it; `registry` pins one
    EvidenceRegistry (None: any the consortium lists)."""

    chain_id: int
    consortium: str
    registry: str | None = None


class BundleReport(BaseModel):
    ucr: str
    chain_id: int
    block_number: int
    block_hash: str
    registry: str
    consortium: str
    entries: int
    events_checked: int
    verify_ms: float


def make_bundle(
    *,
    client: LedgerClient,
    ucr: str,
    consignment: bytes,
    events: dict[str, Any] | None = None,
    block: int | str = "latest",
) -> EvidenceBundle:
    """Everything an auditor needs to check this consignment's chain offline at `block`."""
    binding = EvidenceRegistryBinding.holding(client, consignment)
    slot = int.from_bytes(head_slot_of(consignment), "big")
    proof = fetch_storage_proof(client, address=binding.address, slots=[slot], block=block)
    block_number = int(str(proof.header.number), 16)
    block_hash = str(proof.header.hash)
    consortium = client.address_of("Consortium")
    listing_slots: list[int] = []
    read_listing(binding.address, storage_reader(client, consortium, block_hash, listing_slots))
    recorded = [r for r in binding.recorded(consignment) if r.block_number <= block_number]
    return EvidenceBundle(
        ucr=ucr,
        consignment=_hex(consignment),
        chain_id=client.chain_id,
        registry=binding.address,
        consortium=consortium,
        entries=[BundledEntry.of(r) for r in recorded],
        events=events or {},
        head_proof=proof,
        listing_proof=fetch_storage_proof(client, address=consortium, slots=listing_slots, block=block_hash),
    )


def read_bundle(text: str | bytes, *, source: str) -> EvidenceBundle:
    data = loads_strict(text, source=source, max_bytes=MAX_BUNDLE_BYTES)
    try:
        return EvidenceBundle.model_validate(data)
    except ValueError as exc:
        raise ProofInvalid("bundle", f"{source} is not an evidence bundle: {exc}") from None


def verify_bundle(
    bundle: EvidenceBundle,
    *,
    trusted_block_hash: str,
    trust: BundleTrust,
    event_digest: Callable[[Any], bytes] | None = None,
) -> BundleReport:
    """Check `bundle` against one trusted block hash and the chain, consortium and registry the
    auditor trusts, with no network. `event_digest(event)` is the GS1 event hash digest of an
    included event."""
    started = time.perf_counter()
    if bundle.chain_id != trust.chain_id:
        raise ProofInvalid("chain", f"the bundle is of chain {bundle.chain_id}, not the trusted chain {trust.chain_id}")
    if bundle.consortium.lower() != trust.consortium.lower():
        raise ProofInvalid(
            "consortium", f"the bundle is of consortium {bundle.consortium}, not the trusted {trust.consortium}"
        )
    if trust.registry is not None and bundle.registry.lower() != trust.registry.lower():
        raise ProofInvalid("registry", f"the bundle is of registry {bundle.registry}, not the trusted {trust.registry}")
    _check_listing(bundle, trusted_block_hash, trust)
    trusted_registry = bundle.registry
    consignment = _bytes(bundle.consignment)
    if consignment_of(bundle.ucr) != consignment:
        raise ProofInvalid("bundle", f"the consignment id is not that of UCR {bundle.ucr}")
    expected_slot = int.from_bytes(head_slot_of(consignment), "big")
    values = verify_storage_proof(
        bundle.head_proof, trusted_block_hash=trusted_block_hash, expected_address=trusted_registry
    )
    if set(values) != {expected_slot}:
        raise ProofInvalid("head", "the proof is not of this consignment's head slot")
    value = values[expected_slot]
    head = Head(consignment=bundle.consignment, seq=value >> 192, link=hex(value & LINK_MASK))
    report = check_chain(consignment, [e.recorded(consignment) for e in bundle.entries], head)
    if not report.intact:
        raise ProofInvalid("chain", "; ".join(p.problem for p in report.problems))
    checked = 0
    by_hash = {e.event_hash: e for e in bundle.entries}
    for event_hash, event in bundle.events.items():
        if event_hash not in by_hash:
            raise ProofInvalid("events", f"event {event_hash} is not an entry of this consignment")
        if event_digest is not None:
            if _hex(event_digest(event)) != event_hash:
                raise ProofInvalid("events", f"the event given for {event_hash} does not hash to it (altered)")
            checked += 1
    header = bundle.head_proof.header
    return BundleReport(
        ucr=bundle.ucr,
        chain_id=bundle.chain_id,
        block_number=int(str(header.number), 16),
        block_hash=trusted_block_hash,
        registry=bundle.registry,
        consortium=bundle.consortium,
        entries=len(bundle.entries),
        events_checked=checked,
        verify_ms=round((time.perf_counter() - started) * 1000, 3),
    )


def _check_listing(bundle: EvidenceBundle, trusted_block_hash: str, trust: BundleTrust) -> None:
    """The trusted consortium lists the bundle's registry as an EvidenceRegistry at the bundle's
    block (a registry the auditor named stands for itself in a format-2 bundle, which has no
    listing proof)."""
    if bundle.listing_proof is None:
        if trust.registry is None:
            raise ProofInvalid(
                "registry",
                f"the bundle ({bundle.format}) does not prove that the consortium lists registry {bundle.registry}: "
                "name the EvidenceRegistry you trust (--registry)",
            )
        return
    values = verify_storage_proof(
        bundle.listing_proof, trusted_block_hash=trusted_block_hash, expected_address=trust.consortium
    )
    listing = read_listing(bundle.registry, proven_reader("listing", values, f"registry {bundle.registry}"))
    if listing.kind != EVIDENCE_REGISTRY:
        listed = f"lists it as a {listing.kind}" if listing.kind else "does not list it"
        raise ProofInvalid("registry", f"registry {bundle.registry} is not trusted: the consortium {listed}")


def head_slot_of(consignment: bytes) -> bytes:
    """The storage slot of a consignment's head: keccak256(abi.encode(consignment, slot)), `slot`
    being the `_heads` mapping's in the EvidenceRegistry's storage layout."""
    base = storage_layout("EvidenceRegistry").slot("_heads")
    return keccak256(consignment + base.to_bytes(32, "big"))
