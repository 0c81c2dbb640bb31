"""Who reads a self-assessment, and putting a file into the document store for all of them.

Self-assessments are shared between the member administrations: every active member's admin,
customs and auditor accounts with a standing document key (the administration's own staff; the
trade parties, issuers and oracles a member accredits are not given them)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.assessment.errors import AnswersMismatch, AnswersUnreadable
from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.files import write_atomic
from ledger.store.blobs import BlobStore
from ledger.store.cid import ContentId
from ledger.store.documents import get_document, put_document
from ledger.store.errors import BlobNotFound, EnvelopeMalformed, EnvelopeTampered, NotARecipient
from ledger.store.registry import ADMIN, DocumentRegistryBinding, PartyKey

# the seats of a member's own administration
READER_ROLES = (ADMIN, "customs", "auditor")


class Readers(BaseModel):
    """The keys a shared assessment is encrypted to, and the members none of whose staff has one."""

    keys: list[PartyKey]
    members_without_key: list[str]


def member_readers(client: LedgerClient) -> Readers:
    """Every active member's admin, customs and auditor accounts with a standing document key."""
    active = [m.id for m in ConsortiumBinding(client).members() if m.active]
    keys = DocumentRegistryBinding(client).member_keys(active, roles=READER_ROLES)
    covered = {k.member_id for k in keys}
    return Readers(keys=keys, members_without_key=[m for m in active if m not in covered])


def share_file(
    *, source: Path, sender: LocalAccount, readers: Readers, blobs: BlobStore, registry: DocumentRegistryBinding
) -> ContentId:
    """Encrypt `source` for the sender and every reader, store it and anchor it: its CID."""
    result = put_document(
        source=source, sender=sender, recipients=readers.keys, blobs=blobs, registry=registry, anchor=True
    )
    return ContentId.parse(result.cid)


def share_bytes(
    *,
    data: bytes,
    name: str,
    sender: LocalAccount,
    readers: Readers,
    blobs: BlobStore,
    registry: DocumentRegistryBinding,
) -> ContentId:
    """`share_file` of bytes (written to a private scratch file first: the store encrypts files)."""
    with tempfile.TemporaryDirectory(prefix="sanzhi-assess-") as scratch:
        path = write_atomic(Path(scratch) / name, data)
        return share_file(source=path, sender=sender, readers=readers, blobs=blobs, registry=registry)


def file_sha256(path: Path) -> bytes:
    """The SHA-256 of a file's content, read in chunks."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def shared_sha256(*, cid: str, reader: LocalAccount, blobs: BlobStore, client: LedgerClient) -> bytes:
    """The SHA-256 of a shared document's plaintext, decrypted as `reader` into a private scratch file."""
    with tempfile.TemporaryDirectory(prefix="sanzhi-assess-") as scratch:
        out = Path(scratch) / "evidence"
        registry = DocumentRegistryBinding(client)
        get_document(cid=ContentId.parse(cid), account=reader, blobs=blobs, registry=registry, out=out)
        return file_sha256(out)


def read_shared(
    *,
    digest: bytes,
    member: str,
    number: int,
    reader: LocalAccount,
    blobs: BlobStore,
    registry: DocumentRegistryBinding,
) -> bytes:
    """The decrypted answers file a submission names by its CID digest, read as `reader`."""
    with tempfile.TemporaryDirectory(prefix="sanzhi-assess-") as scratch:
        out = Path(scratch) / "answers.json"
        cid = ContentId.of(codec="raw", digest=digest)  # answers are always one raw block (under 1 MiB)
        try:
            get_document(cid=cid, account=reader, blobs=blobs, registry=registry, out=out)
        except BlobNotFound:
            raise AnswersUnreadable(member, number, f"the answers file {cid.text} is not in the store") from None
        except EnvelopeTampered:
            raise AnswersMismatch(member, number) from None
        except NotARecipient as exc:
            raise AnswersUnreadable(member, number, f"{reader.address} is not a recipient ({exc.message})") from None
        except EnvelopeMalformed as exc:
            raise AnswersUnreadable(member, number, exc.message) from None
        return out.read_bytes()
