"""The X25519 key pair a party decrypts documents with, derived from its account key.

Derived, not stored: HKDF-SHA256 over the account's secp256k1 private key with the key version
in the info string. Nothing new to back up (the account key is already kept safe), and rotating
(`version + 1`) gives a key unrelated to the previous one, so a leaked document key pair does
not reveal the next. Old versions stay derivable, so documents wrapped to them stay readable.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_account.signers.local import LocalAccount

_SALT = b"sanzhi/document-encryption"


def document_private_key(account: LocalAccount, version: int) -> X25519PrivateKey:
    if version < 1:
        raise ValueError("key versions start at 1")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=f"x25519/v{version}".encode()).derive(
        bytes(account.key)
    )
    return X25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes_raw()


def document_public_key(account: LocalAccount, version: int) -> bytes:
    return public_bytes(document_private_key(account, version).public_key())
