"""An alert's reason as a document in the store, encrypted for the customs of the members the
publisher chooses: only its CID goes on chain."""

from __future__ import annotations

from pathlib import Path

from eth_account.signers.local import LocalAccount

from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput, LedgerError
from ledger.store.blobs import BlobStore
from ledger.store.documents import PutResult, put_document
from ledger.store.registry import DocumentRegistryBinding, PartyKey


class NoCustomsRecipient(LedgerError):
    """A member chosen to read an alert's reason has no customs account with a document key."""

    code = "alert-no-customs-recipient"

    def __init__(self, member: str) -> None:
        self.member = member
        super().__init__(
            f"{member} has no customs account with a registered document key, so it could not read the reason; "
            f"{member}'s customs registers one with `sanzhi docs register-key`"
        )


def customs_recipients(client: LedgerClient, members: list[str]) -> list[PartyKey]:
    """The standing document keys of every customs account of each of `members`;
    NoCustomsRecipient for a member that has none."""
    consortium = ConsortiumBinding(client)
    wanted = []
    for member in dict.fromkeys(m.strip().upper() for m in members):
        consortium.require_member(member, path="share-with")
        wanted.append(member)
    if not wanted:
        return []
    keys = DocumentRegistryBinding(client).member_keys(wanted, roles=["customs"])
    covered = {k.member_id for k in keys}
    for member in wanted:
        if member not in covered:
            raise NoCustomsRecipient(member)
    return keys


def put_reason(
    *, client: LedgerClient, sender: LocalAccount, source: Path, share_with: list[str], blobs: BlobStore
) -> PutResult:
    """Encrypt the reason file for the publisher and the customs of `share_with`, store it and
    anchor it (so a reader sees who put it and when)."""
    if not share_with:
        raise InvalidInput("name at least one member to share the reason with", path="share-with")
    recipients = customs_recipients(client, share_with)
    return put_document(
        source=source,
        sender=sender,
        recipients=recipients,
        blobs=blobs,
        registry=DocumentRegistryBinding(client),
        anchor=True,
    )
