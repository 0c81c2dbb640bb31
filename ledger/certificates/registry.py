"""E-certificates on chain: anchor wrapped batches, lifecycle changes, utilization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from eth_utils.crypto import keccak
from pydantic import BaseModel

from ledger.certificates.destined_batches import MixedDestinations
from ledger.certificates.quantities import UnitQuantity, parse_quantity
from ledger.certificates.refusals import reworded
from ledger.certificates.wrapped import IssuerIdentity, WrappedBatch, WrappedCertificate, from_hex, wrap_documents
from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import batch_call
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.registries import CERTIFICATE_REGISTRY
from ledger.consortium.versions import active_version
from ledger.documents.common import Document
from ledger.errors import ContractRevert, InvalidInput, TransactionFailed
from ledger.ids import certificate_type_bytes, member_id_bytes, member_id_text
from ledger.reasons import reason_code
from ledger.timestamps import to_unix

# Worst case measured by the forge gas tests is far below these; a fixed limit lets batches
# be signed without estimating every transaction.
ISSUE_GAS_LIMIT = 120_000


class IssuedBatch(BaseModel):
    """One anchored Merkle root (its transaction unknown when an earlier, interrupted run sent it)."""

    root: str
    count: int
    destination: str | None = None  # the importing member the chain records for the batch
    tx_hash: str | None = None
    block_number: int | None = None
    gas_used: int | None = None
    already_anchored: bool = False


class UtilizationRecord(BaseModel):
    """A declaration's draw on a certificate, quantities in the certificate's unit."""

    tx_hash: str
    declaration: str
    amount: UnitQuantity
    remaining: UnitQuantity
    gas_used: int
    number_key: str


class CertificateRegistryBinding:
    """Writes to the consortium's CertificateRegistry: new batches to its active version (or to
    `address`), changes to a certificate on the listed version that holds it."""

    def __init__(self, client: LedgerClient, address: str | None = None) -> None:
        self.client = client
        self.consortium = ConsortiumBinding(client)
        if address is None:
            address = active_version(client, CERTIFICATE_REGISTRY)
        self.contract = ContractBinding(client, CERTIFICATE_REGISTRY, address)

    @property
    def max_batch(self) -> int:
        return int(self.contract.call("MAX_BATCH"))

    def issuer_identity(self) -> IssuerIdentity:
        address = self.client.address
        consortium = ConsortiumBinding(self.client)
        raw = consortium.contract.call("accreditingMember", address)
        member_id = raw.rstrip(b"\0").decode() or "?"
        name = consortium.member(member_id).name if member_id != "?" else "unaccredited"
        return IssuerIdentity(address=address, member_id=member_id, name=name or member_id)

    def wrap(self, documents: Sequence[Document], *, batch_size: int | None = None) -> list[WrappedBatch]:
        """Wrap documents for this registry; batches never exceed the contract's cap."""
        cap = self.max_batch
        size = min(batch_size or cap, cap)
        return wrap_documents(
            documents,
            issuer=self.issuer_identity(),
            registry=self.contract.address,
            chain_id=self.client.chain_id,
            batch_size=size,
        )

    def anchor(self, batches: Sequence[WrappedBatch], *, expires_at: datetime | None = None) -> list[IssuedBatch]:
        """Issue every wrapped batch's root; returns once all are mined."""
        if not batches:
            raise InvalidInput("nothing to issue", path="documents")
        return self.anchor_roots(
            [b.root for b in batches],
            batches[0].doc_type,
            [len(b.certificates) for b in batches],
            destinations=[_destination_of(b) for b in batches],
            expires_at=expires_at,
        )

    def anchor_roots(
        self,
        roots: Sequence[str],
        doc_type: str,
        counts: Sequence[int],
        *,
        destinations: Sequence[str],
        expires_at: datetime | None = None,
    ) -> list[IssuedBatch]:
        """Issue Merkle roots of `doc_type` batches, each destined to its importing member: all
        sent, then all awaited."""
        if not roots:
            raise InvalidInput("nothing to issue", path="documents")
        expiry = to_unix(expires_at)
        cert_type = certificate_type_bytes(doc_type)
        calls = [
            self.contract.tx("issue", from_hex(root), cert_type, member_id_bytes(to), count, expiry)
            for root, count, to in zip(roots, counts, destinations, strict=True)
        ]
        # The first transaction is estimated, so a refusal (not accredited, already issued)
        # is reported with its decoded reason before anything is sent.
        self.client.estimate_gas({"from": self.client.address, **calls[0]})
        hashes = self.client.send_batch(calls, gas=ISSUE_GAS_LIMIT)
        receipts = self.client.wait_many(hashes)
        return [
            IssuedBatch(
                root=root,
                count=count,
                destination=to,
                tx_hash=tx_hash,
                block_number=receipt["blockNumber"],
                gas_used=receipt["gasUsed"],
            )
            for root, count, to, tx_hash, receipt in zip(roots, counts, destinations, hashes, receipts, strict=True)
        ]

    def active_members(self) -> set[str]:
        """The ids of the consortium's active members (the possible destinations)."""
        return {member.id for member in self.consortium.members() if member.active}

    def preflight(
        self, doc_type: str, count: int, *, expires_at: datetime | None = None, members: set[str] | None = None
    ) -> None:
        """Raise the registry's own refusal (not accredited, bad expiry...) of issuing a batch of
        `count` `doc_type` certificates now, before anything is prepared or sent. The probe is
        destined to another active member (`members`, else asked); the documents' own
        destinations are checked once they are read."""
        probe = keccak(text=f"sanzhi preflight {self.client.address} {doc_type}")
        own = self.consortium.accrediting_member(self.client.address)
        others = sorted((self.active_members() if members is None else members) - {own or ""})
        destination = member_id_bytes(others[0]) if others else b"\0" * 32  # none: the registry says why
        tx = self.contract.tx("issue", probe, certificate_type_bytes(doc_type), destination, count, to_unix(expires_at))
        self.client.estimate_gas({"from": self.client.address, **tx})

    def batch_destination(self, root: str, doc_type: str, *, registry: str | None = None) -> str | None:
        """The member the chain records batch (root, doc_type) as destined to, on this registry or
        the listed version `registry`; None when unknown (never issued there, or issued by a
        version that recorded no destination)."""
        contract = self.contract
        if registry is not None and registry.lower() != contract.address.lower():
            contract = self.contract.at(registry)
        try:
            raw = contract.call("batchDestination", from_hex(root), certificate_type_bytes(doc_type))
        except ContractRevert:  # a version from before destinations has no such view
            return None
        return member_id_text(raw) or None

    def destined_outside(self, root: str, doc_type: str, *, registry: str | None = None) -> bool:
        """Whether batch (root, doc_type) was issued to a country outside the consortium (no
        member's customs may use or receive it); False where the version has no such view."""
        contract = self.contract
        if registry is not None and registry.lower() != contract.address.lower():
            contract = self.contract.at(registry)
        try:
            return bool(contract.call("destinedOutside", from_hex(root), certificate_type_bytes(doc_type)))
        except ContractRevert:  # a version from before destinations outside the consortium
            return False

    def issued_roots(self, roots: Sequence[str], doc_type: str) -> set[str]:
        """Those of `roots` the registry holds as issued batches of `doc_type`."""
        cert_type = certificate_type_bytes(doc_type)
        batches = batch_call(self.client, [self.contract.fn("batch", from_hex(r), cert_type) for r in roots])
        return {root for root, (issuer, _, _) in zip(roots, batches, strict=True) if int(issuer, 16)}

    def issuing_transactions(self, roots: Sequence[str], doc_type: str) -> dict[str, tuple[int, str]]:
        """The block number and transaction hash of each of `roots` issued as `doc_type` here
        (from its CertificatesIssued log); roots not issued are left out."""
        if not roots:
            return {}
        cert_type = "0x" + certificate_type_bytes(doc_type).hex()
        found = self.contract.logs(["CertificatesIssued"], list(roots), cert_type)
        return {
            str(log["topics"][1]).lower(): (int(log["blockNumber"], 16), str(log["transactionHash"])) for log in found
        }

    def revoke(self, wrapped: WrappedCertificate, reason: str) -> SentTransaction:
        return self._change(wrapped, "revoke", reason_code(reason))

    def suspend(self, wrapped: WrappedCertificate, reason: str) -> SentTransaction:
        return self._change(wrapped, "suspend", reason_code(reason))

    def reinstate(self, wrapped: WrappedCertificate) -> SentTransaction:
        return self._change(wrapped, "reinstate")

    def supersede(self, old: WrappedCertificate, new: WrappedCertificate) -> SentTransaction:
        """Mark `old` superseded by `new`, which must be an issued certificate of the same member,
        on the version that holds `old` or a later one (its Merkle proof goes with it and is
        checked on chain)."""
        if old.type != new.type:
            raise InvalidInput(f"a {old.type} cannot be superseded by a {new.type}", path="new")
        self.contract_for(new)  # the replacement may be on a later version; it must be one the consortium lists
        new_proof = [from_hex(p) for p in new.proof.path]
        return self._change(old, "supersede", from_hex(new.proof.root), new.leaf, new_proof)

    def utilize(self, wrapped: WrappedCertificate, *, declaration: str, quantity: str) -> UtilizationRecord:
        """Record that declaration `declaration` drew `quantity` (in the certificate's unit)."""
        contract = self.contract_for(wrapped)
        if not declaration.strip():
            raise InvalidInput("a declaration reference is required", path="declaration")
        amount = parse_quantity(quantity) if wrapped.proof.quantity else max(parse_quantity(quantity), 1)
        args = (
            from_hex(wrapped.proof.root),
            from_hex(wrapped.proof.cert_type),
            from_hex(wrapped.document_hash),
            wrapped.proof.quantity,
            from_hex(wrapped.proof.number_hash),
            member_id_bytes(wrapped.proof.importing_member),
            [from_hex(p) for p in wrapped.proof.path],
            declaration_ref(declaration),
            amount,
        )
        sent = self._transact(contract, wrapped, "utilize", *args)
        events = contract.events(sent.receipt, "CertificateUtilized")
        if not events:
            raise TransactionFailed(f"utilization {sent.tx_hash} was mined without its CertificateUtilized event")
        utilized = events[0]
        return UtilizationRecord(
            tx_hash=sent.tx_hash,
            declaration=declaration,
            amount=UnitQuantity.of(amount, wrapped.unit),
            remaining=UnitQuantity.of(int(utilized["remaining"]), wrapped.unit),
            gas_used=sent.gas_used,
            number_key="0x" + bytes(utilized["numberKey"]).hex(),
        )

    def _change(self, wrapped: WrappedCertificate, function: str, *extra: object) -> SentTransaction:
        """A lifecycle change (`function(root, type, leaf, *extra)`) on the version holding `wrapped`."""
        contract = self.contract_for(wrapped)
        args = (from_hex(wrapped.proof.root), from_hex(wrapped.proof.cert_type), wrapped.leaf, *extra)
        return self._transact(contract, wrapped, function, *args)

    def contract_for(self, wrapped: WrappedCertificate) -> ContractBinding:
        """The registry that holds `wrapped`: this binding's, or another version the consortium
        lists (a certificate stays on the version it was issued on: changes to it go there)."""
        if wrapped.proof.chain_id != self.client.chain_id:
            raise InvalidInput(
                f"certificate is anchored on chain {wrapped.proof.chain_id}, node is on {self.client.chain_id}",
                path="proof.chain_id",
            )
        if wrapped.proof.registry.lower() == self.contract.address.lower():
            return self.contract
        listing = self.consortium.registry_listing(wrapped.proof.registry)
        if listing.kind != CERTIFICATE_REGISTRY:
            raise InvalidInput(
                f"certificate is anchored in registry {wrapped.proof.registry}, which the consortium does not list "
                f"(its active CertificateRegistry is {self.contract.address})",
                path="proof.registry",
            )
        return self.contract.at(listing.address)

    def _transact(
        self, contract: ContractBinding, wrapped: WrappedCertificate, function: str, *args: object
    ) -> SentTransaction:
        try:
            return contract.transact(function, *args)
        except ContractRevert as exc:
            raise reworded(exc, wrapped) from None


def _destination_of(batch: WrappedBatch) -> str:
    """The one importing member every certificate of `batch` commits to."""
    destinations = [certificate.proof.importing_member for certificate in batch.certificates]
    if len(set(destinations)) != 1:
        raise MixedDestinations(batch.root, destinations)
    return destinations[0]


def declaration_ref(declaration: str) -> bytes:
    """On chain a declaration is named by the keccak256 of its reference (never the text), in
    upper case without spaces: "sg-imp 1" and "SG-IMP1" are one declaration, which draws once."""
    return keccak(text="".join(declaration.split()).upper())
