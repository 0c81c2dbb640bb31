"""The envelope of an encrypted document: how it is encrypted and, per recipient, its key.

The document key is wrapped for each recipient with X25519 ECIES: an ephemeral X25519 key pair,
the shared secret through HKDF-SHA256 (salt: ephemeral | recipient public key) into a key that
seals the document key with AES-256-GCM; the associated data binds the document's CID, the
recipient's account and key version, so a wrapped key cannot be moved to another document or
recipient. Adding a recipient adds a grant and never touches the ciphertext.

The creator signs the envelope's head (document, cipher, size) and each granter signs its
grant (EIP-191 over the canonical JSON), so an envelope names who shared with whom; a grant is
accepted only from the creator or from an earlier recipient.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from pydantic import BaseModel, ConfigDict, Field

from ledger.hashing.canonical import canonical_json
from ledger.store.errors import EnvelopeTampered, NotARecipient
from ledger.store.keys import document_private_key
from ledger.timestamps import utc_now

_WRAP_INFO = b"sanzhi/wrap/v1"
_HEX32 = r"^0x[0-9a-f]{64}$"
_ADDRESS = r"^0x[0-9a-fA-F]{40}$"
_SIGNATURE = r"^(0x[0-9a-f]{130})?$"


class Grant(BaseModel):
    """The document key wrapped for one recipient's registered key version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipient: str = Field(pattern=_ADDRESS)
    key_version: int = Field(ge=1)
    recipient_key: str = Field(pattern=_HEX32)
    ephemeral_key: str = Field(pattern=_HEX32)
    nonce: str = Field(pattern=r"^0x[0-9a-f]{24}$")
    wrapped_key: str = Field(pattern=r"^0x[0-9a-f]{96}$")
    granted_by: str = Field(pattern=_ADDRESS)
    granted_at: datetime
    signature: str = Field(default="", pattern=_SIGNATURE)


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["sanzhi-envelope/1"] = "sanzhi-envelope/1"
    document: str
    cipher: Literal["AES-256-GCM/STREAM"] = "AES-256-GCM/STREAM"
    key_wrap: Literal["X25519-HKDF-SHA256/AES-256-GCM"] = "X25519-HKDF-SHA256/AES-256-GCM"
    chunk_bytes: int = Field(gt=0)
    size: int = Field(ge=0)
    created_by: str = Field(pattern=_ADDRESS)
    created_at: datetime
    signature: str = Field(default="", pattern=_SIGNATURE)
    grants: tuple[Grant, ...] = ()

    def recipients(self) -> list[str]:
        return [g.recipient for g in self.grants]


def _head_message(envelope: Envelope) -> bytes:
    return canonical_json(envelope.model_dump(mode="json", exclude={"signature", "grants"}))


def _grant_message(document: str, grant: Grant) -> bytes:
    return canonical_json({"document": document, "grant": grant.model_dump(mode="json", exclude={"signature"})})


def _sign(account: LocalAccount, message: bytes) -> str:
    return "0x" + bytes(account.sign_message(encode_defunct(primitive=message)).signature).hex()


def _signer(message: bytes, signature: str) -> str:
    try:
        return str(Account.recover_message(encode_defunct(primitive=message), signature=signature))
    except Exception:  # a malformed signature is as bad as a wrong one
        return ""


def _wrapping_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_WRAP_INFO).derive(shared)


def _wrap_aad(document_cid: bytes, recipient: str, version: int) -> bytes:
    return document_cid + bytes.fromhex(recipient[2:].lower()) + version.to_bytes(4, "big")


def new_envelope(*, creator: LocalAccount, document: str, chunk_bytes: int, size: int) -> Envelope:
    unsigned = Envelope(
        document=document, chunk_bytes=chunk_bytes, size=size, created_by=creator.address, created_at=utc_now()
    )
    return unsigned.model_copy(update={"signature": _sign(creator, _head_message(unsigned))})


def add_grant(
    envelope: Envelope,
    *,
    document_cid: bytes,
    document_key: bytes,
    granter: LocalAccount,
    recipient: str,
    key_version: int,
    recipient_key: bytes,
) -> Envelope:
    """A copy of the envelope with the document key wrapped for `recipient`'s key."""
    recipient = to_checksum_address(recipient)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_key))
    nonce = os.urandom(12)
    wrapped = AESGCM(_wrapping_key(shared, ephemeral_public, recipient_key)).encrypt(
        nonce, document_key, _wrap_aad(document_cid, recipient, key_version)
    )
    grant = Grant(
        recipient=recipient,
        key_version=key_version,
        recipient_key="0x" + recipient_key.hex(),
        ephemeral_key="0x" + ephemeral_public.hex(),
        nonce="0x" + nonce.hex(),
        wrapped_key="0x" + wrapped.hex(),
        granted_by=granter.address,
        granted_at=utc_now(),
    )
    signed = grant.model_copy(update={"signature": _sign(granter, _grant_message(envelope.document, grant))})
    return envelope.model_copy(update={"grants": (*envelope.grants, signed)})


def check_envelope(envelope: Envelope, document: str) -> None:
    """Signatures and the chain of grants hold, and the envelope is for `document`."""
    if envelope.document != document:
        raise EnvelopeTampered(f"the envelope is for {envelope.document}, not {document}")
    if _signer(_head_message(envelope), envelope.signature) != envelope.created_by:
        raise EnvelopeTampered("the envelope's head is not signed by its creator")
    allowed = {envelope.created_by}
    for index, grant in enumerate(envelope.grants):
        if grant.granted_by not in allowed:
            raise EnvelopeTampered(f"grant {index} comes from {grant.granted_by}, who could not read the document")
        if _signer(_grant_message(document, grant), grant.signature) != grant.granted_by:
            raise EnvelopeTampered(f"grant {index} is not signed by its granter {grant.granted_by}")
        allowed.add(grant.recipient)


def open_grant(envelope: Envelope, *, document_cid: bytes, account: LocalAccount) -> bytes:
    """The document key, unwrapped with the account's document key pair (newest grant first)."""
    mine = [g for g in envelope.grants if g.recipient == account.address]
    if not mine:
        raise NotARecipient(envelope.document, account.address)
    for grant in reversed(mine):
        private = document_private_key(account, grant.key_version)
        if "0x" + private.public_key().public_bytes_raw().hex() != grant.recipient_key:
            continue
        ephemeral = bytes.fromhex(grant.ephemeral_key[2:])
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        key = _wrapping_key(shared, ephemeral, bytes.fromhex(grant.recipient_key[2:]))
        try:
            return AESGCM(key).decrypt(
                bytes.fromhex(grant.nonce[2:]),
                bytes.fromhex(grant.wrapped_key[2:]),
                _wrap_aad(document_cid, grant.recipient, grant.key_version),
            )
        except InvalidTag:
            raise EnvelopeTampered(f"the key wrapped for {account.address} fails authentication") from None
    raise NotARecipient(envelope.document, account.address, detail="no grant matches this account's document keys")
