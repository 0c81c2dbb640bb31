"""Merkle trees as OpenZeppelin's StandardMerkleTree builds them, checked by MerkleProof.sol.

- leaf = keccak256(keccak256(abi.encode(bytes32 documentHash, uint256 quantity, bytes32 numberHash,
  bytes32 importingMember))); hashing twice keeps a leaf from ever being mistaken for an internal
  node. The number hash and the importing member are what the registry counts utilization by and
  who may draw on the certificate.
- internal node = keccak256(min(a, b) || max(a, b)) (commutative, so proofs carry no sides).
- Layout: leaves sorted ascending, stored at the end of one array in reverse order; node i has
  children 2i+1 and 2i+2; the root is node 0. A one-leaf tree's root is the leaf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.errors import InvalidInput
from ledger.hashing.keccak import keccak256

_UINT256_LIMIT = 2**256


def leaf_hash(document_hash: bytes, quantity: int, number_hash: bytes, importing_member: bytes) -> bytes:
    """The contract's leaf for a certificate: double keccak of
    abi.encode(documentHash, quantity, numberHash, importingMember)."""
    for name, value in (
        ("document_hash", document_hash),
        ("number_hash", number_hash),
        ("importing_member", importing_member),
    ):
        if len(value) != 32:
            raise InvalidInput(f"{name} is 32 bytes", path=name)
    if not 0 <= quantity < _UINT256_LIMIT:
        raise InvalidInput("quantity must fit in uint256", path="quantity")
    return keccak256(keccak256(document_hash + quantity.to_bytes(32, "big") + number_hash + importing_member))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """Commutative node hash, as OpenZeppelin's Hashes.commutativeKeccak256."""
    return keccak256(a + b if a < b else b + a)


def verify(root: bytes, leaf: bytes, proof: Sequence[bytes]) -> bool:
    """True when `proof` leads from `leaf` to `root` (MerkleProof.verify)."""
    node = leaf
    for sibling in proof:
        node = keccak256(node + sibling if node < sibling else sibling + node)
    return node == root


@dataclass(frozen=True, slots=True)
class MerkleTree:
    """A built tree: `nodes` in OpenZeppelin's array layout, leaf positions by leaf hash."""

    nodes: list[bytes]
    positions: dict[bytes, int]

    @classmethod
    def build(cls, leaves: Sequence[bytes]) -> MerkleTree:
        """Tree over distinct 32-byte leaves (any order; they are sorted as OpenZeppelin does)."""
        if not leaves:
            raise InvalidInput("a Merkle tree needs at least one leaf", path="leaves")
        ordered = sorted(leaves)
        size = 2 * len(ordered) - 1
        nodes: list[bytes] = [b""] * size
        positions: dict[bytes, int] = {}
        for i, leaf in enumerate(ordered):
            if len(leaf) != 32:
                raise InvalidInput("a leaf is 32 bytes", path=f"leaves.{i}")
            nodes[size - 1 - i] = leaf
            positions[leaf] = size - 1 - i
        if len(positions) != len(ordered):
            raise InvalidInput("leaves must be distinct", path="leaves")
        for i in range(size - 1 - len(ordered), -1, -1):
            a, b = nodes[2 * i + 1], nodes[2 * i + 2]
            nodes[i] = keccak256(a + b if a < b else b + a)
        return cls(nodes=nodes, positions=positions)

    @property
    def root(self) -> bytes:
        return self.nodes[0]

    def proof(self, leaf: bytes) -> list[bytes]:
        """Sibling hashes from `leaf` up to (not including) the root."""
        nodes = self.nodes
        return [nodes[index] for index in self.proof_positions(leaf)]

    def proof_positions(self, leaf: bytes) -> list[int]:
        """Where in `nodes` the proof of `leaf` is: a caller that renders the nodes (as hex)
        renders each once, not once per leaf whose proof passes through it."""
        try:
            index = self.positions[leaf]
        except KeyError:
            raise InvalidInput("leaf is not in this tree", path="leaf") from None
        positions = []
        while index > 0:
            positions.append(index + 1 if index % 2 else index - 1)
            index = (index - 1) // 2
        return positions
