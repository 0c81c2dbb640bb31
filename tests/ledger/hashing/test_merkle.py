"""Merkle trees (OpenZeppelin StandardMerkleTree layout) and proofs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import InvalidInput
from ledger.hashing.keccak import keccak256
from ledger.hashing.merkle import MerkleTree, hash_pair, leaf_hash, verify

_LEAVES = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True)


NUMBER = keccak256(b"CN2026RCEP00000001")
SG = b"SG".ljust(32, b"\0")


def test_leaf_is_double_keccak_of_the_abi_encoded_commitments() -> None:
    document_hash = bytes(range(32))
    encoded = document_hash + (12_625).to_bytes(32, "big") + NUMBER + SG
    assert leaf_hash(document_hash, 12_625, NUMBER, SG) == keccak256(keccak256(encoded))


def test_the_leaf_changes_with_the_number_and_the_importing_member() -> None:
    leaf = leaf_hash(b"\x01" * 32, 5, NUMBER, SG)
    assert leaf != leaf_hash(b"\x01" * 32, 5, keccak256(b"CN2026RCEP00000002"), SG)
    assert leaf != leaf_hash(b"\x01" * 32, 5, NUMBER, b"TH".ljust(32, b"\0"))


def test_a_short_number_hash_is_refused() -> None:
    with pytest.raises(InvalidInput, match="number_hash is 32 bytes"):
        leaf_hash(b"\x01" * 32, 5, b"\x01", SG)


def test_known_tree_of_three_leaves() -> None:
    a, b, c = (leaf_hash(bytes([i]) * 32, i, NUMBER, SG) for i in (1, 2, 3))
    tree = MerkleTree.build([a, b, c])
    low, mid, high = sorted([a, b, c])
    # OpenZeppelin layout: [root, node(mid, low), high, mid, low]
    assert tree.root == hash_pair(hash_pair(mid, low), high)
    assert tree.proof(high) == [hash_pair(mid, low)]
    assert tree.proof(low) == [mid, high]


def test_single_leaf_tree_root_is_the_leaf() -> None:
    leaf = leaf_hash(b"\x07" * 32, 1, NUMBER, SG)
    tree = MerkleTree.build([leaf])
    assert tree.root == leaf
    assert tree.proof(leaf) == []
    assert verify(tree.root, leaf, [])


@given(_LEAVES)
def test_every_proof_verifies(leaves: list[bytes]) -> None:
    tree = MerkleTree.build(leaves)
    assert all(verify(tree.root, leaf, tree.proof(leaf)) for leaf in leaves)
    assert MerkleTree.build(list(reversed(leaves))).root == tree.root


@given(_LEAVES, st.data())
def test_tampered_proof_root_or_leaf_fails(leaves: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree.build(leaves)
    leaf = data.draw(st.sampled_from(leaves))
    proof = tree.proof(leaf)
    bit = data.draw(st.integers(0, 255))
    flipped_leaf = _flip(leaf, bit)
    assert not verify(tree.root, flipped_leaf, proof)
    assert not verify(_flip(tree.root, bit), leaf, proof)
    if proof:
        index = data.draw(st.integers(0, len(proof) - 1))
        tampered = [*proof[:index], _flip(proof[index], bit), *proof[index + 1 :]]
        assert not verify(tree.root, leaf, tampered)


def test_empty_or_duplicate_leaves_are_refused() -> None:
    with pytest.raises(InvalidInput):
        MerkleTree.build([])
    leaf = b"\x01" * 32
    with pytest.raises(InvalidInput, match="distinct"):
        MerkleTree.build([leaf, leaf])


def _flip(value: bytes, bit: int) -> bytes:
    flipped = bytearray(value)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)
