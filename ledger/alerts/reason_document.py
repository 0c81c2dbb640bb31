"""An alert's reason as a document in the store, encrypted for the customs of the members the
publisher chooses: only its CID goes on chain."""

from __future__ import annotations

from pathlib import Path

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from ledger.chain.client import LedgerClient
from ledger.chain.contract import ContractBinding
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.versions import listed_versions
from ledger.errors import InvalidInput, LedgerError
from ledger.ids import CUSTOMS_ROLE, member_id_bytes, name_of_id
from ledger.store.blobs import BlobStore
from ledger.store.documents import PutResult, put_document
from ledger.store.errors import NoEncryptionKey
from ledger.store.registry import DocumentRegistryBinding, PartyKey

DOCUMENTS = "DocumentRegistry"
CUSTOMS = name_of_id(CUSTOMS_ROLE)  # how PartyKey names the role a key was registered under


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
    """The standing document keys of every customs account of each of `members`: the accounts
    that registered a key for the member (EncryptionKeyRegistered, on every listed version of the
    document registry) and still hold it as that member's customs keys."""
    consortium = ConsortiumBinding(client)
    wanted = []
    for member in dict.fromkeys(m.strip().upper() for m in members):
        consortium.require_member(member, path="share-with")
        wanted.append(member)
    if not wanted:
        return []
    registry = DocumentRegistryBinding(client)
    decode = client.artifacts.codec(DOCUMENTS).event_decoder("EncryptionKeyRegistered")
    topics = ["0x" + member_id_bytes(m).hex() for m in wanted]
    accounts: dict[str, None] = {}
    for version in listed_versions(client, DOCUMENTS):
        for log in ContractBinding(client, DOCUMENTS, version).logs(["EncryptionKeyRegistered"], None, topics):
            accounts[to_checksum_address(decode(log)["account"])] = None
    found: dict[str, list[PartyKey]] = {m: [] for m in wanted}
    for account in accounts:
        try:
            key = registry.key_of(account)
        except NoEncryptionKey:
            continue  # revoked, or no longer accredited
        if key.role == CUSTOMS and key.member_id in found:
            found[key.member_id].append(key)
    for member, keys in found.items():
        if not keys:
            raise NoCustomsRecipient(member)
    return [k for keys in found.values() for k in keys]


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
