"""Python's leaf hashing and Merkle proofs agree with the deployed CertificateRegistry's."""

from __future__ import annotations

import os

from eth_utils.crypto import keccak

from ledger.hashing.merkle import MerkleTree, leaf_hash
from tests.support import Chain

# Shared vectors, also asserted in contracts/test/CertificateRegistryViews.t.sol.
VECTOR_1 = (keccak(text="sanzhi-vector-1"), 1_500_000)
VECTOR_2 = (keccak(text="sanzhi-vector-2"), 0)


def test_leaf_hash_matches_solidity(chain: Chain) -> None:
    registry = chain.client().contract("CertificateRegistry")
    cases = [VECTOR_1, VECTOR_2, *((os.urandom(32), int.from_bytes(os.urandom(8))) for _ in range(20))]
    for document_hash, quantity in cases:
        assert leaf_hash(document_hash, quantity) == registry.functions.leafHash(document_hash, quantity).call()


def test_python_proofs_verify_in_solidity(chain: Chain) -> None:
    registry = chain.client().contract("CertificateRegistry")
    for size in (1, 2, 3, 37):
        leaves = [leaf_hash(os.urandom(32), i) for i in range(size)]
        tree = MerkleTree.build(leaves)
        for leaf in leaves:
            proof = tree.proof(leaf)
            assert registry.functions.verifyProof(tree.root, leaf, proof).call()
            if proof:
                tampered = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
                assert not registry.functions.verifyProof(tree.root, leaf, tampered).call()


def test_shared_vector_root(chain: Chain) -> None:
    tree = MerkleTree.build([leaf_hash(*VECTOR_1), leaf_hash(*VECTOR_2)])
    registry = chain.client().contract("CertificateRegistry")
    assert registry.functions.verifyProof(tree.root, leaf_hash(*VECTOR_1), tree.proof(leaf_hash(*VECTOR_1))).call()
    assert tree.root.hex().startswith("e52dd6e2")
