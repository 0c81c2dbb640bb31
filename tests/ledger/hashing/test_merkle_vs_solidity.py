"""Python's leaf hashing and Merkle proofs agree with the deployed CertificateRegistry's."""

from __future__ import annotations

import os

from eth_utils.crypto import keccak

from ledger.chain.contract import ContractBinding
from ledger.hashing.merkle import MerkleTree, leaf_hash
from tests.support import Chain

SG = b"SG".ljust(32, b"\0")
# Shared vectors, also asserted in contracts/test/CertificateRegistryViews.t.sol.
VECTOR_1 = (keccak(text="sanzhi-vector-1"), 1_500_000, keccak(text="CO-2026-000001"), SG)
VECTOR_2 = (keccak(text="sanzhi-vector-2"), 0, keccak(text="CO-2026-000002"), SG)


def test_the_shared_vectors() -> None:
    assert leaf_hash(*VECTOR_1).hex() == "d8bd7476f39ca97b503e842cb2288d65cba1dfc83c09b6b0ca2fa1f9147b464c"
    assert leaf_hash(*VECTOR_2).hex() == "2ba67ec00af897f19131d8c4bd7721acfc9fead5e97745fdd2b29469b8c87ddd"


def test_leaf_hash_matches_solidity(chain: Chain) -> None:
    registry = ContractBinding(chain.client(), "CertificateRegistry")
    cases = [
        VECTOR_1,
        VECTOR_2,
        *((os.urandom(32), int.from_bytes(os.urandom(8)), os.urandom(32), os.urandom(32)) for _ in range(20)),
    ]
    for inputs in cases:
        assert leaf_hash(*inputs) == registry.call("leafHash", *inputs)


def test_python_proofs_verify_in_solidity(chain: Chain) -> None:
    registry = ContractBinding(chain.client(), "CertificateRegistry")
    for size in (1, 2, 3, 37):
        leaves = [leaf_hash(os.urandom(32), i, os.urandom(32), SG) for i in range(size)]
        tree = MerkleTree.build(leaves)
        for leaf in leaves:
            proof = tree.proof(leaf)
            assert registry.call("verifyProof", tree.root, leaf, proof)
            if proof:
                tampered = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
                assert not registry.call("verifyProof", tree.root, leaf, tampered)


def test_shared_vector_root(chain: Chain) -> None:
    tree = MerkleTree.build([leaf_hash(*VECTOR_1), leaf_hash(*VECTOR_2)])
    registry = ContractBinding(chain.client(), "CertificateRegistry")
    assert registry.call("verifyProof", tree.root, leaf_hash(*VECTOR_1), tree.proof(leaf_hash(*VECTOR_1)))
    assert tree.root.hex() == "e8733ec7fa7452e4a1adbc74e614d1ed0d8fbf97539c69533cfede8387bf05bd"
