"""Customs decisions as a quorum of a member's oracles signs them (EIP-712) for
EvidenceRegistry.submitDecisions. The entry's type string comes from the compiled ABI."""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi.abi import encode as abi_encode

from ledger.chain.client import LedgerClient
from ledger.chain.eip712 import domain_separator, typed_digest
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import CONTRACT
from ledger.hashing.keccak import keccak256

DOMAIN_NAME = "sanzhi EvidenceRegistry"
DOMAIN_VERSION = "2"
BATCH_TYPE_HEAD = "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)"


class DecisionSigning:
    """The EIP-712 domain and types of the EvidenceRegistry at `registry` (the version holding
    the consignment) on the client's chain."""

    def __init__(self, client: LedgerClient, registry: str) -> None:
        entry_type = client.artifacts.codec(CONTRACT).struct_type("EvidenceEntry")
        self.entry_typehash = keccak256(entry_type.encode())
        self.batch_typehash = keccak256((BATCH_TYPE_HEAD + entry_type).encode())
        self.separator = domain_separator(
            name=DOMAIN_NAME,
            version=DOMAIN_VERSION,
            chain_id=client.chain_id,
            verifying_contract=registry,
        )

    def entry_hash(self, entry: EvidenceEntry) -> bytes:
        return keccak256(
            abi_encode(
                [
                    "bytes32",
                    "bytes32",
                    "bytes32",
                    "uint16",
                    "uint8",
                    "bool",
                    "bytes32",
                    "bytes32",
                    "bytes32",
                    "bytes32",
                ],
                [
                    self.entry_typehash,
                    entry.consignment,
                    entry.event_hash,
                    entry.step,
                    entry.event_type,
                    entry.correction,
                    entry.declaration,
                    entry.document_hash,
                    keccak256(entry.cid),
                    keccak256(b"".join(entry.parents)),
                ],
            )
        )

    def nonce(self, *, member: bytes, entries: Sequence[EvidenceEntry]) -> int:
        """The quorum nonce of a batch of decisions: keccak256 of the member and the entries'
        EIP-712 hashes. The same decisions always get the same nonce, so the registry records
        them once, whoever submits them and however often."""
        return int.from_bytes(keccak256(member + b"".join(self.entry_hash(e) for e in entries)), "big")

    def digest(self, *, member: bytes, entries: Sequence[EvidenceEntry], nonce: int, deadline: int) -> bytes:
        """What each oracle signs; equals the contract's `decisionsDigest`."""
        entries_hash = keccak256(b"".join(self.entry_hash(e) for e in entries))
        struct = keccak256(
            abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "uint64"],
                [self.batch_typehash, member, entries_hash, nonce, deadline],
            )
        )
        return typed_digest(self.separator, struct)
