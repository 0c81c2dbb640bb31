"""DocumentRegistry through a LedgerClient: encryption keys, anchors and envelope pointers."""

from __future__ import annotations

from datetime import datetime

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel
from web3 import Web3

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.errors import ContractRevert
from ledger.ids import CERTIFICATE_TYPES, ROLES, certificate_type_bytes, member_id_text, name_of_id
from ledger.store.errors import NoEncryptionKey
from ledger.store.keys import document_public_key
from ledger.timestamps import from_unix

CONTRACT = "DocumentRegistry"
# the accreditations a party may register under, in the order they are tried
PARTY_ROLES = ("customs", "trade", "auditor", "oracle")


class PartyKey(BaseModel):
    """A party's standing encryption key as the chain holds it."""

    account: str
    public_key: bytes
    version: int
    registered_at: datetime | None
    role: str
    member_id: str


class DocumentAnchor(BaseModel):
    anchored_by: str
    member_id: str
    anchored_at: datetime | None


class DocumentRegistryBinding:
    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract = client.contract(CONTRACT)

    # -------------------------------------------------------------- reads

    def key_of(self, account: str) -> PartyKey:
        """The key senders encrypt to; NoEncryptionKey when it has none or is no longer accredited."""
        account = Web3.to_checksum_address(account)
        try:
            raw = self.client.call(self.contract.functions.encryptionKeyOf(account))
        except ContractRevert as exc:
            raise NoEncryptionKey(account, exc.message) from exc
        return PartyKey(
            account=account,
            public_key=bytes(raw[0]),
            version=int(raw[1]),
            registered_at=from_unix(int(raw[2])),
            role=(name_of_id(bytes(raw[3])) or "unknown role") if any(raw[3]) else "member admin",
            member_id=member_id_text(raw[5]),
        )

    def anchor_of(self, digest: bytes) -> DocumentAnchor | None:
        raw = self.client.call(self.contract.functions.anchorOf(digest))
        if int(raw[0], 16) == 0:
            return None
        return DocumentAnchor(anchored_by=raw[0], member_id=member_id_text(raw[1]), anchored_at=from_unix(int(raw[2])))

    def envelope_of(self, digest: bytes, publisher: str) -> bytes:
        return bytes(self.client.call(self.contract.functions.envelopeOf(digest, Web3.to_checksum_address(publisher))))

    def envelope_publishers(self, digest: bytes) -> list[str]:
        """Who published an envelope for the document, from the registry's events (filtered by digest)."""
        event = self.contract.events.EnvelopePublished
        deployment = self.client.deployment
        start = deployment.contracts[CONTRACT].block if deployment and CONTRACT in deployment.contracts else 0
        logs = self.client.rpc(lambda: event.get_logs(from_block=start, argument_filters={"digest": digest}))
        return list(dict.fromkeys(str(log["args"]["publisher"]) for log in logs))

    # -------------------------------------------------------------- writes

    def register_key(self, public_key: bytes, *, role: bytes, scope: bytes) -> SentTransaction:
        return self.client.transact(self.contract.functions.registerEncryptionKey(public_key, role, scope))

    def revoke_key(self) -> SentTransaction:
        return self.client.transact(self.contract.functions.revokeEncryptionKey())

    def anchor(self, digest: bytes) -> SentTransaction:
        return self.client.transact(self.contract.functions.anchor(digest))

    def publish_envelope(self, digest: bytes, envelope_cid: bytes) -> SentTransaction:
        return self.client.transact(self.contract.functions.publishEnvelope(digest, envelope_cid))

    def current_version(self, account: str) -> int:
        try:
            return self.key_of(account).version
        except NoEncryptionKey:
            return 0


def standing_accreditation(client: LedgerClient, account: str) -> tuple[bytes, bytes]:
    """The (role, scope) under which `account` can register: its admin seat or an accreditation it holds."""
    consortium = client.contract("Consortium")
    account = Web3.to_checksum_address(account)
    zero = b"\0" * 32
    if int.from_bytes(client.call(consortium.functions.memberOf(account)), "big"):
        return zero, zero
    candidates = [(ROLES[r], zero) for r in PARTY_ROLES] + [
        (ROLES["issuer"], certificate_type_bytes(t)) for t in CERTIFICATE_TYPES
    ]
    for role, scope in candidates:
        if client.call(consortium.functions.isAccredited(account, role, scope)):
            return role, scope
    raise NoEncryptionKey(account, "it is neither a member's admin nor accredited by a member")


def register_own_key(client: LedgerClient, account: LocalAccount) -> tuple[PartyKey, SentTransaction]:
    """Register (or rotate to the next version of) the client's own document key."""
    registry = DocumentRegistryBinding(client)
    version = registry.current_version(account.address) + 1
    role, scope = standing_accreditation(client, account.address)
    sent = registry.register_key(document_public_key(account, version), role=role, scope=scope)
    return registry.key_of(account.address), sent
