"""An evidence entry as EvidenceRegistry takes it, and the hash link that chains a consignment's
entries (recomputed off chain by auditors and bundles, on chain by the registry).

link = keccak256(abi.encode(uint192 prevLink, uint64 seq, bytes32 eventHash, uint16 step,
       uint8 eventType, bool correction, bytes32 declaration, uint8 side, bytes32 documentHash,
       bytes32 keccak256(cid), bytes32 keccak256(parents packed), bytes32 member,
       address submitter, uint64 time))
The first entry's prevLink is the consignment id's low 192 bits, so two consignments never share
a link. The registry keeps, per consignment, seq and the low 192 bits of the latest link in one
slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import encode as abi_encode

from ledger.hashing.keccak import keccak256

LINK_MASK = (1 << 192) - 1
ZERO32 = b"\0" * 32
FIRST_DECISION_STEP = 256  # step codes from here on are customs decisions (an oracle quorum)


@dataclass(frozen=True)
class EvidenceEntry:
    """One event to append: what the registry stores a commitment to."""

    consignment: bytes
    event_hash: bytes
    step: int
    event_type: int
    correction: bool = False
    declaration: bytes = ZERO32
    document_hash: bytes = ZERO32
    cid: bytes = b""
    parents: tuple[bytes, ...] = field(default_factory=tuple)

    @property
    def is_decision(self) -> bool:
        return self.step >= FIRST_DECISION_STEP

    def as_tuple(self) -> tuple[Any, ...]:
        """The ABI tuple of `EvidenceEntry` for appendEvents / submitDecisions."""
        return (
            self.consignment,
            self.event_hash,
            self.step,
            self.event_type,
            self.correction,
            self.declaration,
            self.document_hash,
            self.cid,
            list(self.parents),
        )


def entry_link(
    entry: EvidenceEntry, *, prev_link: int, seq: int, side: int, member: bytes, submitter: str, timestamp: int
) -> bytes:
    """The link of entry number `seq` (1-based) after `prev_link` (192 bits; 0 for the first)."""
    return keccak256(
        abi_encode(
            [
                "uint192",
                "uint64",
                "bytes32",
                "uint16",
                "uint8",
                "bool",
                "bytes32",
                "uint8",
                "bytes32",
                "bytes32",
                "bytes32",
                "bytes32",
                "address",
                "uint64",
            ],
            [
                prev_link,
                seq,
                entry.event_hash,
                entry.step,
                entry.event_type,
                entry.correction,
                entry.declaration,
                side,
                entry.document_hash,
                keccak256(entry.cid),
                keccak256(b"".join(entry.parents)),
                member,
                submitter,
                timestamp,
            ],
        )
    )


def head_link(link: bytes) -> int:
    """What the registry stores of a link: its low 192 bits."""
    return int.from_bytes(link, "big") & LINK_MASK


def first_link(consignment: bytes) -> int:
    """The prevLink of a consignment's first entry: the consignment id's low 192 bits."""
    return int.from_bytes(consignment, "big") & LINK_MASK
