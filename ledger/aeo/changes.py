"""AeoChange and the EIP-712 message a quorum of a member's oracles signs for `submitChanges`.

Built by hand from the type strings in IAeoRegistry (faster than eth_account's generic
encoder for batches of thousands, and checked against the contract's `changesDigest` view
and eth_account's `encode_typed_data` in the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.aeo.codes import ChangeKind
from ledger.chain.eip712 import domain_separator, typed_digest

DOMAIN_NAME = "sanzhi AeoRegistry"
DOMAIN_VERSION = "1"
AEO_CHANGE_TYPE = (
    "AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,"
    "bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)"
)
AEO_CHANGE_BATCH_TYPE = (
    "AeoChangeBatch(bytes32 member,AeoChange[] changes,uint256 nonce,uint64 deadline)" + AEO_CHANGE_TYPE
)
AEO_CHANGE_TYPEHASH = keccak(text=AEO_CHANGE_TYPE)
AEO_CHANGE_BATCH_TYPEHASH = keccak(text=AEO_CHANGE_BATCH_TYPE)
ZERO32 = b"\0" * 32


def static_words(values: Sequence[int | bytes]) -> bytes:
    """ABI encoding of static values (uintN as one big-endian word, bytes32 as is), without
    eth_abi's per-value validation: feeds hash and encode tens of thousands of changes."""
    return b"".join(v if isinstance(v, bytes) else v.to_bytes(32, "big") for v in values)


@dataclass(frozen=True)
class AeoChange:
    """One change to a certification, exactly as the contract takes and the oracles sign it."""

    kind: ChangeKind
    operator: bytes
    tier: int = 0
    valid_from: int = 0
    valid_until: int = 0
    evidence_hash: bytes = ZERO32
    reason: int = 0
    effective_at: int = 0

    def as_tuple(self) -> tuple[int, bytes, int, int, int, bytes, int, int]:
        """The ABI tuple for `applyChanges` / `submitChanges`."""
        return (
            int(self.kind),
            self.operator,
            self.tier,
            self.valid_from,
            self.valid_until,
            self.evidence_hash,
            self.reason,
            self.effective_at,
        )

    def struct_hash(self) -> bytes:
        return keccak(AEO_CHANGE_TYPEHASH + static_words(self.as_tuple()))

    def as_typed_data(self) -> dict[str, Any]:
        """The message fields under their EIP-712 names (for generic signers)."""
        return {
            "kind": int(self.kind),
            "operator": self.operator,
            "tier": self.tier,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "evidenceHash": self.evidence_hash,
            "reason": self.reason,
            "effectiveAt": self.effective_at,
        }


@dataclass(frozen=True)
class SigningDomain:
    """The registry's EIP-712 domain on one chain."""

    chain_id: int
    verifying_contract: str

    def separator(self) -> bytes:
        return domain_separator(
            name=DOMAIN_NAME, version=DOMAIN_VERSION, chain_id=self.chain_id, verifying_contract=self.verifying_contract
        )


def batch_struct_hash(member: bytes, changes: Sequence[AeoChange], nonce: int, deadline: int) -> bytes:
    changes_hash = keccak(b"".join(c.struct_hash() for c in changes))
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "uint64"],
            [AEO_CHANGE_BATCH_TYPEHASH, member, changes_hash, nonce, deadline],
        )
    )


def changes_digest(
    domain: SigningDomain, member: bytes, changes: Sequence[AeoChange], nonce: int, deadline: int
) -> bytes:
    """The EIP-712 digest oracles sign; equals the contract's `changesDigest` view."""
    return typed_digest(domain.separator(), batch_struct_hash(member, changes, nonce, deadline))


def typed_data(
    domain: SigningDomain, member: bytes, changes: Sequence[AeoChange], nonce: int, deadline: int
) -> dict[str, Any]:
    """The full EIP-712 message, for wallets and eth_account's `encode_typed_data`."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "AeoChangeBatch": [
                {"name": "member", "type": "bytes32"},
                {"name": "changes", "type": "AeoChange[]"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint64"},
            ],
            "AeoChange": [
                {"name": "kind", "type": "uint8"},
                {"name": "operator", "type": "bytes32"},
                {"name": "tier", "type": "uint8"},
                {"name": "validFrom", "type": "uint64"},
                {"name": "validUntil", "type": "uint64"},
                {"name": "evidenceHash", "type": "bytes32"},
                {"name": "reason", "type": "uint16"},
                {"name": "effectiveAt", "type": "uint64"},
            ],
        },
        "primaryType": "AeoChangeBatch",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": domain.chain_id,
            "verifyingContract": to_checksum_address(domain.verifying_contract),
        },
        "message": {
            "member": member,
            "changes": [c.as_typed_data() for c in changes],
            "nonce": nonce,
            "deadline": deadline,
        },
    }
