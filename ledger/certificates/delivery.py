"""Certificates reach the destination: each wrapped certificate is put into the document store
encrypted for the customs accounts of its batch's destination member (those with a registered
document key, as the chain lists them), and the delivery is announced on chain
(CertificateDelivered, indexed by destination) so that the importing administration finds it.

Recipients come from the chain only (the destination the registry recorded for the batch, that
member's customs keys), never from the caller. A certificate already delivered to its destination
(the chain has its CertificateDelivered) is not stored again: a rerun says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.certificates.refusals import reworded
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import WrappedCertificate, check_integrity, from_hex, read_wrapped
from ledger.chain.contract import ContractBinding
from ledger.consortium.registries import CERTIFICATE_REGISTRY
from ledger.consortium.versions import first_block
from ledger.errors import ContractRevert, InvalidInput, LedgerError
from ledger.ids import member_id_bytes
from ledger.store.blobs import BlobStore
from ledger.store.cid import shown_cid
from ledger.store.documents import StoredDocument, store_document
from ledger.store.registry import DocumentRegistryBinding, PartyKey

MAX_PER_CALL = 256  # CertificateRegistry.MAX_QUERIES: leaves per recordDeliveries


class DeliveryStatus(StrEnum):
    """What became of one certificate's delivery."""

    DELIVERED = "delivered"
    ALREADY_DELIVERED = "already-delivered"
    NOT_POSSIBLE = "not-possible"


class CertificateDelivery(BaseModel):
    file: str
    root: str
    leaf: str
    destination: str | None
    status: DeliveryStatus
    cid: str | None = None  # the stored certificate (`sanzhi docs get CID`), when delivered
    reason: str | None = None  # why not possible, and how to deliver later


class DeliveryReport(BaseModel):
    certificates: list[CertificateDelivery]
    recipients: dict[str, list[str]]  # destination -> the customs accounts it was encrypted for
    tx_hashes: list[str]  # the recordDeliveries transactions
    pending_push: list[str]  # stored locally, not yet on IPFS (`sanzhi docs sync`)

    def count(self, status: DeliveryStatus) -> int:
        return sum(1 for c in self.certificates if c.status is status)


@dataclass
class _Batch:
    contract: ContractBinding
    root: str
    cert_type: str
    items: list[tuple[Path, WrappedCertificate]]


@dataclass
class _Delivery:
    """One delivery run: what it reads once for all its batches, and its report."""

    registry: CertificateRegistryBinding
    store: DocumentRegistryBinding
    sender: LocalAccount
    blobs: BlobStore
    report: DeliveryReport
    keys: dict[str, list[PartyKey]] = field(default_factory=dict)  # destination -> its customs keys
    sender_key: PartyKey | None = None

    def own_key(self) -> PartyKey:
        """The sender's document key, read once (a run that stores nothing needs none)."""
        if self.sender_key is None:
            self.sender_key = self.store.key_of(self.sender.address)
        return self.sender_key


def _later(files: str) -> str:
    return f"deliver later with `sanzhi cert deliver {files} --as PROFILE` (an issuer or customs key of the issuer)"


def deliver_certificates(
    *, registry: CertificateRegistryBinding, sender: LocalAccount, blobs: BlobStore, paths: Sequence[Path]
) -> DeliveryReport:
    """Deliver the wrapped certificates at `paths` to their batches' destinations. The sender
    (the registry's client) is an issuer, admin or customs key of the issuing member, with a
    document key of its own. Nothing is refused for want of recipients: such certificates are
    reported not possible, with the reason; so are the certificates of a batch the chain or the
    store refuses, the other batches' deliveries standing."""
    if not paths:
        raise InvalidInput("no wrapped certificates given", path="files")
    batches: dict[tuple[str, str, str], _Batch] = {}
    contracts: dict[tuple[int, str], ContractBinding] = {}  # (chain id, registry) -> its binding
    for path in paths:
        wrapped = read_wrapped(path)
        integrity = check_integrity(wrapped)
        if not integrity.valid:
            raise InvalidInput(f"not an intact wrapped certificate: {integrity.reason}", path=str(path))
        where = (wrapped.proof.chain_id, wrapped.proof.registry.lower())
        if where not in contracts:
            contracts[where] = registry.contract_for(wrapped)
        contract = contracts[where]
        key = (contract.address, wrapped.proof.root, wrapped.type)
        batch = batches.setdefault(key, _Batch(contract, wrapped.proof.root, wrapped.type, []))
        batch.items.append((path, wrapped))
    run = _Delivery(
        registry=registry,
        store=DocumentRegistryBinding(registry.client),
        sender=sender,
        blobs=blobs,
        report=DeliveryReport(certificates=[], recipients={}, tx_hashes=[], pending_push=[]),
    )
    for batch in batches.values():
        reported = len(run.report.certificates)
        try:
            _deliver_batch(run, batch)
        except LedgerError as exc:
            done = {c.file for c in run.report.certificates[reported:]}
            rest = [(path, wrapped) for path, wrapped in batch.items if str(path) not in done]
            reason = f"{exc.message}; {_later(' '.join(str(path) for path, _ in rest))}"
            for path, wrapped in rest:
                run.report.certificates.append(_not_possible(path, wrapped, reason))
    return run.report


def deliver_issued(
    *, registry: CertificateRegistryBinding, sender: LocalAccount, blobs: BlobStore, paths: Sequence[Path]
) -> DeliveryReport:
    """`deliver_certificates` right after an issuance, which stands whatever happens here: a
    refusal of the whole delivery (a certificate file unreadable, its registry not listed) is
    reported for every certificate, with how to deliver later."""
    try:
        return deliver_certificates(registry=registry, sender=sender, blobs=blobs, paths=paths)
    except LedgerError as exc:
        reason = f"{exc.message}; {_later(' '.join(str(p) for p in paths))}"
        certificates = [_not_possible(path, read_wrapped(path), reason) for path in paths]
        return DeliveryReport(certificates=certificates, recipients={}, tx_hashes=[], pending_push=[])


def _not_possible(path: Path, wrapped: WrappedCertificate, reason: str) -> CertificateDelivery:
    return CertificateDelivery(
        file=str(path), root=wrapped.proof.root, leaf="0x" + wrapped.leaf.hex(),
        destination=wrapped.proof.importing_member, status=DeliveryStatus.NOT_POSSIBLE, reason=reason,
    )  # fmt: skip


def _deliver_batch(run: _Delivery, batch: _Batch) -> None:
    registry, report = run.registry, run.report
    destination = registry.batch_destination(batch.root, batch.cert_type, registry=batch.contract.address)

    def outcome(path: Path, wrapped: WrappedCertificate, status: DeliveryStatus, **extra: str | None) -> None:
        report.certificates.append(
            CertificateDelivery(
                file=str(path), root=batch.root, leaf="0x" + wrapped.leaf.hex(), destination=destination,
                status=status, **extra,
            )
        )  # fmt: skip

    if destination is None:
        for path, wrapped in batch.items:
            reason = "the chain records no destination for its batch (issued before destinations were recorded)"
            outcome(path, wrapped, DeliveryStatus.NOT_POSSIBLE, reason=reason)
        return
    if registry.destined_outside(batch.root, batch.cert_type, registry=batch.contract.address):
        for path, wrapped in batch.items:
            reason = f"its batch is destined to {destination}, outside the consortium: no member's customs receives it"
            outcome(path, wrapped, DeliveryStatus.NOT_POSSIBLE, reason=reason)
        return
    for path, wrapped in batch.items:
        if wrapped.proof.importing_member != destination:  # the registry refuses such a leaf's use too
            raise InvalidInput(
                f"the certificate commits to {wrapped.proof.importing_member} but its batch is destined to "
                f"{destination}",
                path=str(path),
            )
    delivered = _delivered(registry, batch, destination)
    pending = []
    for path, wrapped in batch.items:
        earlier = delivered.get(wrapped.leaf)
        if earlier is not None:
            outcome(path, wrapped, DeliveryStatus.ALREADY_DELIVERED, cid=earlier)
        else:
            pending.append((path, wrapped))
    if not pending:
        return
    if destination not in run.keys:
        run.keys[destination] = run.store.member_keys([destination], roles=["customs"])
    recipients = run.keys[destination]
    if not recipients:
        files = " ".join(str(path) for path, _ in pending)
        reason = (
            f"no customs account of {destination} has a registered document key "
            f"(`sanzhi docs register-key --as ...` by {destination}'s customs); {_later(files)}"
        )
        for path, wrapped in pending:
            outcome(path, wrapped, DeliveryStatus.NOT_POSSIBLE, reason=reason)
        return
    # the registry's own refusal (not the issuing side, member inactive) before anything is stored
    probe = batch.contract.tx(
        "recordDeliveries", from_hex(batch.root), from_hex(pending[0][1].proof.cert_type), [pending[0][1].leaf],
        [b"probe"],
    )  # fmt: skip
    try:
        registry.client.estimate_gas({"from": registry.client.address, **probe})
    except ContractRevert as exc:
        raise reworded(exc, pending[0][1]) from None
    sender_key = run.own_key()
    stored: list[tuple[Path, WrappedCertificate, StoredDocument]] = []
    for path, wrapped in pending:
        document = store_document(
            source=path, sender=run.sender, sender_key=sender_key, recipients=recipients, blobs=run.blobs
        )
        if document.pending_push:
            report.pending_push.append(document.cid.text)
        stored.append((path, wrapped, document))
    # every anchor and envelope sent, then awaited: not two mined transactions per certificate in turn
    run.store.anchor_and_publish([(d.cid.digest, d.envelope.raw) for _, _, d in stored])
    report.recipients[destination] = [key.account for key in recipients]
    for start in range(0, len(stored), MAX_PER_CALL):
        chunk = stored[start : start + MAX_PER_CALL]
        sent = batch.contract.transact(
            "recordDeliveries",
            from_hex(batch.root),
            from_hex(chunk[0][1].proof.cert_type),
            [wrapped.leaf for _, wrapped, _ in chunk],
            [document.cid.raw for _, _, document in chunk],
        )
        report.tx_hashes.append(sent.tx_hash)
        for path, wrapped, document in chunk:  # recorded: delivered, whatever a later chunk meets
            outcome(path, wrapped, DeliveryStatus.DELIVERED, cid=document.cid.text)


def _delivered(registry: CertificateRegistryBinding, batch: _Batch, destination: str) -> dict[bytes, str]:
    """The certificates of `batch` the chain says were delivered to `destination`: leaf -> CID."""
    topics = ("0x" + from_hex(batch.root).hex(), None, "0x" + member_id_bytes(destination).hex())
    decode = batch.contract.codec.event_decoder("CertificateDelivered")
    start = first_block(registry.client, CERTIFICATE_REGISTRY, batch.contract.address)
    found: dict[bytes, str] = {}
    for log in batch.contract.logs(["CertificateDelivered"], *topics, from_block=start):
        args = decode(log)
        cid = shown_cid(bytes(args["document"]))
        if cid is not None:
            found[bytes(args["leaf"])] = cid
    return found
