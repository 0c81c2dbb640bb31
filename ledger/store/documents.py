"""Put, get, share and verify encrypted documents: the document store's operations.

A document is stored as its ciphertext blob (named by its CID) plus envelopes (blobs too) that
carry the wrapped document keys. The chain holds the recipients' keys, the document's anchor
and, per party, a pointer to the envelope it keeps; anyone can check a blob against its name
and the anchor, only recipients can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel, ValidationError

from ledger.errors import ContractRevert, InvalidInput, InvalidJson
from ledger.files import atomic_open
from ledger.ids import name_of_id
from ledger.jsonfiles import loads_strict
from ledger.store.blobs import BlobStore
from ledger.store.cid import ContentId
from ledger.store.envelope import Envelope, add_grant, check_envelope, new_envelope, open_grant
from ledger.store.errors import (
    BlobNotFound,
    BlobTooLarge,
    EnvelopeMalformed,
    EnvelopeTampered,
    GranterNotAccredited,
    NoEncryptionKey,
    NotARecipient,
)
from ledger.store.registry import DocumentRegistryBinding, PartyKey
from ledger.store.stream import DEFAULT_CHUNK_BYTES, decrypt_stream, encrypt_stream, new_document_key

# an envelope is a few hundred bytes per recipient; anyone may point at one, so it is bounded
MAX_ENVELOPE_BYTES = 4 << 20


class PutResult(BaseModel):
    cid: str
    envelope: str
    size: int
    recipients: list[str]
    anchored_tx: str | None
    pending_push: str | None


class ShareResult(BaseModel):
    cid: str
    envelope: str
    recipient: str
    already: bool
    published_tx: str | None


class VerifyResult(BaseModel):
    cid: str
    content_matches_name: bool
    anchored: bool
    anchored_by: str | None = None
    member_id: str | None = None
    anchored_at: datetime | None = None
    registry: str | None = None
    reason: str

    @property
    def valid(self) -> bool:
        return self.content_matches_name and self.anchored


@dataclass(frozen=True)
class StoredDocument:
    """A document encrypted into the store, not yet anchored."""

    cid: ContentId
    envelope: ContentId
    size: int
    recipients: list[str]
    pending_push: str | None


def put_document(
    *,
    source: Path,
    sender: LocalAccount,
    recipients: list[PartyKey],
    blobs: BlobStore,
    registry: DocumentRegistryBinding,
    anchor: bool,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> PutResult:
    """Encrypt `source` for the sender and `recipients` (keys as the chain holds them), store it,
    push it, and anchor it when asked."""
    stored = store_document(
        source=source,
        sender=sender,
        sender_key=registry.key_of(sender.address),
        recipients=recipients,
        blobs=blobs,
        chunk_bytes=chunk_bytes,
    )
    anchored = None
    if anchor:
        anchored = registry.anchor(stored.cid.digest).tx_hash
        # anchored on the active version just now: its envelope goes there
        registry.publish_envelope(stored.cid.digest, stored.envelope.raw, registry=registry.contract.address)
    return PutResult(
        cid=stored.cid.text,
        envelope=stored.envelope.text,
        size=stored.size,
        recipients=stored.recipients,
        anchored_tx=anchored,
        pending_push=stored.pending_push,
    )


def store_document(
    *,
    source: Path,
    sender: LocalAccount,
    sender_key: PartyKey,
    recipients: list[PartyKey],
    blobs: BlobStore,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> StoredDocument:
    """Encrypt `source` for the sender (its key as the chain holds it, read once by a caller that
    stores many) and `recipients`, store it and push it; nothing goes on chain."""
    parties = {k.account: k for k in [sender_key, *recipients]}
    cid, key, size = encrypt_into(blobs, source, chunk_bytes=chunk_bytes)
    envelope = new_envelope(creator=sender, document=cid.text, chunk_bytes=chunk_bytes, size=size)
    for party in parties.values():
        envelope = _grant(envelope, cid, key, sender, party)
    envelope_cid = _store_envelope(blobs, cid, envelope)
    error = blobs.push([cid, envelope_cid])
    return StoredDocument(cid=cid, envelope=envelope_cid, size=size, recipients=list(parties), pending_push=error)


def get_document(
    *, cid: ContentId, account: LocalAccount, blobs: BlobStore, registry: DocumentRegistryBinding, out: Path
) -> Envelope:
    """Decrypt the document into `out` (written whole or not at all)."""
    envelope, key = _open(cid, account, blobs, registry)
    decrypt_to(blobs, cid, key, out)
    return envelope


def share_document(
    *, cid: ContentId, account: LocalAccount, party: PartyKey, blobs: BlobStore, registry: DocumentRegistryBinding
) -> ShareResult:
    """Wrap the document key for one more party; the ciphertext is not touched. Only a party
    whose accreditation stands may grant (the chain refuses a withdrawn party's envelope too):
    checked before anything is written."""
    _require_standing_granter(cid, account, registry)
    envelope, key = _open(cid, account, blobs, registry)
    if any(g.recipient == party.account and g.recipient_key == "0x" + party.public_key.hex() for g in envelope.grants):
        current = _store_envelope(blobs, cid, envelope)
        return ShareResult(
            cid=cid.text, envelope=current.text, recipient=party.account, already=True, published_tx=None
        )
    envelope = _grant(envelope, cid, key, account, party)
    envelope_cid = _store_envelope(blobs, cid, envelope)
    blobs.push([envelope_cid])
    published = None
    anchor = registry.anchor_of(cid.digest)
    if anchor is not None:
        published = registry.publish_envelope(cid.digest, envelope_cid.raw, registry=anchor.registry).tx_hash
    return ShareResult(
        cid=cid.text, envelope=envelope_cid.text, recipient=party.account, already=False, published_tx=published
    )


def verify_document(*, cid: ContentId, blobs: BlobStore, registry: DocumentRegistryBinding) -> VerifyResult:
    """Does the stored blob hash to its name, and does the chain hold that name?"""
    for _ in blobs.read_verified(cid):
        pass
    anchor = registry.anchor_of(cid.digest)
    if anchor is None:
        return VerifyResult(
            cid=cid.text,
            content_matches_name=True,
            anchored=False,
            reason="the content matches its name, but no party anchored this document on chain",
        )
    return VerifyResult(
        cid=cid.text,
        content_matches_name=True,
        anchored=True,
        anchored_by=anchor.anchored_by,
        member_id=anchor.member_id,
        anchored_at=anchor.anchored_at,
        registry=anchor.registry,
        reason=f"the content matches its name; anchored by {anchor.anchored_by} ({anchor.member_id})",
    )


def encrypt_into(
    blobs: BlobStore, source: Path, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> tuple[ContentId, bytes, int]:
    """Encrypt a file under a new document key into the store, in one streaming pass: its CID, key and size."""
    key = new_document_key()
    with source.open("rb") as plaintext:
        cid = blobs.write(encrypt_stream(plaintext, key, chunk_bytes=chunk_bytes))
        size = plaintext.tell()
    return cid, key, size


def decrypt_to(blobs: BlobStore, cid: ContentId, key: bytes, out: Path) -> None:
    """Decrypt a stored blob into `out`, which appears only once every chunk and the name have checked out."""
    with atomic_open(out) as sink:
        for piece in decrypt_stream(blobs.read_verified(cid), key):
            sink.write(piece)


# ---------------------------------------------------------------- internals


def _require_standing_granter(cid: ContentId, account: LocalAccount, registry: DocumentRegistryBinding) -> None:
    """The granter's accreditation, as the DocumentRegistry the consortium lists checks it."""
    try:
        registry.key_of(account.address)
    except NoEncryptionKey as exc:
        cause = exc.__cause__
        if isinstance(cause, ContractRevert) and cause.name == "DocumentRegistryNotAccredited":
            role = bytes(cause.values.get("role") or bytes(32))
            held = f"its {name_of_id(role) or 'role'} accreditation" if any(role) else "its member admin seat"
            raise GranterNotAccredited(cid.text, account.address, f"{held} was withdrawn, or its member left") from None
        raise


def _grant(envelope: Envelope, cid: ContentId, key: bytes, granter: LocalAccount, party: PartyKey) -> Envelope:
    return add_grant(
        envelope,
        document_cid=cid.raw,
        document_key=key,
        granter=granter,
        recipient=party.account,
        key_version=party.version,
        recipient_key=party.public_key,
    )


def _store_envelope(blobs: BlobStore, cid: ContentId, envelope: Envelope) -> ContentId:
    envelope_cid = blobs.write([envelope.model_dump_json(indent=1).encode()])
    blobs.layout.add_envelope(cid, envelope_cid)
    return envelope_cid


def _candidate_envelopes(cid: ContentId, blobs: BlobStore, registry: DocumentRegistryBinding) -> list[ContentId]:
    found = list(reversed(blobs.layout.envelopes_of(cid)))
    for raw in registry.published_envelopes(cid.digest):
        try:
            found.append(ContentId(raw))
        except InvalidInput:
            continue  # a pointer that is no CID of ours names no envelope we could read
    return list(dict.fromkeys(found))


def read_envelope(blobs: BlobStore, envelope_cid: ContentId) -> Envelope:
    """The envelope stored under `envelope_cid`, parsed; EnvelopeMalformed says what is wrong with it."""
    raw = blobs.read_small(envelope_cid, limit=MAX_ENVELOPE_BYTES)
    try:
        data = loads_strict(raw, source=f"envelope {envelope_cid}")
    except InvalidJson as exc:
        raise EnvelopeMalformed(envelope_cid.text, f"not a JSON document ({exc.reason})") from None
    if not isinstance(data, dict):
        raise EnvelopeMalformed(envelope_cid.text, f"a JSON {type(data).__name__}, not the envelope's object")
    try:
        return Envelope.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _printable(".".join(str(part) for part in first["loc"])) or "the envelope"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise EnvelopeMalformed(envelope_cid.text, f"{where}: {first['msg']}{more}") from None


def _printable(text: str, limit: int = 120) -> str:
    """Text from an envelope (a field name anyone may write) made safe for a one-line message."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown if len(shown) <= limit else shown[:limit] + "..."


def _open(
    cid: ContentId, account: LocalAccount, blobs: BlobStore, registry: DocumentRegistryBinding
) -> tuple[Envelope, bytes]:
    """The newest envelope that holds a grant for `account`, checked, and the document key.

    When none does, the worst reason found is raised: a forged envelope, then a malformed one
    (it may have held the reader's grant), then "not a recipient"."""
    blobs.ensure_local(cid)
    refusals: list[Exception] = []
    for envelope_cid in _candidate_envelopes(cid, blobs, registry):
        try:
            envelope = read_envelope(blobs, envelope_cid)
            check_envelope(envelope, cid.text)
            return envelope, open_grant(envelope, document_cid=cid.raw, account=account)
        except (NotARecipient, EnvelopeTampered, EnvelopeMalformed, BlobNotFound, BlobTooLarge) as exc:
            refusals.append(exc)
        except ValueError as exc:  # a value the envelope's patterns let through but the cipher refuses
            refusals.append(EnvelopeMalformed(envelope_cid.text, str(exc).splitlines()[0]))
    for worst in (EnvelopeTampered, EnvelopeMalformed):
        for refusal in refusals:
            if isinstance(refusal, worst):
                raise refusal
    raise NotARecipient(cid.text, account.address, detail="no envelope for this document holds a key for it")
