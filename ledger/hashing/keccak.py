"""keccak256 for the hot loops (field hashes, Merkle nodes): safe-pysha3's C implementation.

It is several times faster per call than eth-hash's default pycryptodome backend, which
matters when wrapping hashes hundreds of thousands of short strings.
"""

from __future__ import annotations

from sha3 import keccak_256


def keccak256(data: bytes) -> bytes:
    """Ethereum's keccak256 (not NIST SHA3-256)."""
    digest: bytes = keccak_256(data).digest()
    return digest
