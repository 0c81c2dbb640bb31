"""DocumentRegistry through a LedgerClient: encryption keys, anchors and envelope pointers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from pydantic import BaseModel, Field

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import batched, view_request, view_result
from ledger.consortium.versions import active_version, first_block, listed_versions
from ledger.errors import ContractRevert
from ledger.ids import (
    CERTIFICATE_TYPES,
    ROLES,
    certificate_type_bytes,
    member_id_bytes,
    member_id_text,
    name_of_id,
    role_bytes,
)
from ledger.store.errors import NoEncryptionKey
from ledger.store.keys import document_public_key
from ledger.timestamps import from_unix

CONTRACT = "DocumentRegistry"
# the accreditations a party may register under, in the order they are tried
PARTY_ROLES = ("customs", "trade", "auditor", "oracle")
ADMIN = "admin"  # a member's admin seat, to `member_keys`
MEMBER_ADMIN = "member admin"  # how PartyKey.role names a key registered from the admin seat


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
    registry: str = Field(description="The DocumentRegistry version that anchored it (its envelopes are there)")


class DocumentRegistryBinding:
    """DocumentRegistry over every version the consortium lists: new issuance (an anchor, a key
    registration) goes to the active version; a key is revoked on the version holding the key
    in force, an envelope published on the version that anchored the document; reads cover every
    listed version (the contract's `encryptionKeyOf` does so itself)."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.codec = client.artifacts.codec(CONTRACT)

    @cached_property
    def contract(self) -> ContractBinding:
        """The active version: where new issuance goes and what answers for all versions."""
        return self._at(active_version(self.client, CONTRACT))

    def _at(self, address: str) -> ContractBinding:
        return ContractBinding(self.client, CONTRACT, address)

    # -------------------------------------------------------------- reads

    def key_of(self, account: str) -> PartyKey:
        """The key senders encrypt to; NoEncryptionKey when it has none or is no longer accredited."""
        account = to_checksum_address(account)
        try:
            raw = self.contract.call("encryptionKeyOf", account)
        except ContractRevert as exc:
            raise NoEncryptionKey(account, exc.message) from exc
        return _party_key(account, raw)

    def key_in_force(self, account: str) -> tuple[str | None, int]:
        """The version holding the account's key in force (None: it never registered) and that
        key's version number, revoked or not (a new registration is numbered after it)."""
        holder, raw = self.contract.call("encryptionKeyInForce", to_checksum_address(account))
        return (None if int(holder, 16) == 0 else to_checksum_address(holder)), int(raw[1])

    def anchor_of(self, digest: bytes) -> DocumentAnchor | None:
        """The document's anchor, on whichever listed version holds it (one JSON-RPC batch)."""
        versions = listed_versions(self.client, CONTRACT)
        fn = self.codec.function("anchorOf")
        replies = self.client.raw_batch([view_request(v, fn.call_data(digest)) for v in versions])
        for version, reply in zip(versions, replies, strict=True):
            anchored_by, member_id, anchored_at = fn.decode(
                view_result(self.client, reply, f"{CONTRACT}.anchorOf at {version}")
            )
            if int(anchored_by, 16):
                return DocumentAnchor(
                    anchored_by=to_checksum_address(anchored_by),
                    member_id=member_id_text(member_id),
                    anchored_at=from_unix(int(anchored_at)),
                    registry=version,
                )
        return None

    def published_envelopes(self, digest: bytes) -> list[bytes]:
        """The envelope pointers parties published for the document, on the version that anchored
        it (found from its EnvelopePublished events, then read in one JSON-RPC batch)."""
        anchor = self.anchor_of(digest)
        if anchor is None:
            return []
        start = first_block(self.client, CONTRACT, anchor.registry)
        logs = self._at(anchor.registry).logs(["EnvelopePublished"], "0x" + digest.hex(), from_block=start)
        decode = self.codec.event_decoder("EnvelopePublished")
        publishers = list(dict.fromkeys(to_checksum_address(decode(log)["publisher"]) for log in logs))
        if not publishers:
            return []
        fn = self.codec.function("envelopeOf")
        calls = [view_request(anchor.registry, fn.call_data(digest, p)) for p in publishers]
        found = []
        for publisher, reply in zip(publishers, self.client.raw_batch(calls), strict=True):
            found.append(bytes(fn.decode(view_result(self.client, reply, f"{CONTRACT}.envelopeOf({publisher})"))))
        return found

    def member_keys(self, members: Collection[str] | None, *, roles: Collection[str]) -> list[PartyKey]:
        """The standing keys of the accounts `members` (None: any member) accredited in `roles`
        (PARTY_ROLES names, or ADMIN for a member's admin seat), oldest registration first: found
        from the EncryptionKeyRegistered events of every listed version, each read against the key
        in force now in JSON-RPC batches (a withdrawn accreditation or a revoked key drops out)."""
        shown = {MEMBER_ADMIN if r == ADMIN else name_of_id(role_bytes(r)) for r in roles}
        topics = None if members is None else ["0x" + member_id_bytes(m).hex() for m in members]
        if topics == []:
            return []
        decode = self.codec.event_decoder("EncryptionKeyRegistered")
        accounts: dict[str, None] = {}
        for version in listed_versions(self.client, CONTRACT):
            start = first_block(self.client, CONTRACT, version)
            logs = self._at(version).logs(["EncryptionKeyRegistered"], None, topics, from_block=start)
            accounts.update((to_checksum_address(decode(log)["account"]), None) for log in logs)
        fn = self.codec.function("encryptionKeyOf")
        calls = [view_request(self.contract.address, fn.call_data(a)) for a in accounts]
        keys = []
        for account, reply in zip(accounts, batched(self.client, calls), strict=True):
            try:
                raw = fn.decode(view_result(self.client, reply, f"{CONTRACT}.encryptionKeyOf({account})"))
            except ContractRevert:
                continue  # revoked, or no longer accredited
            key = _party_key(account, raw)
            if key.role in shown and (members is None or key.member_id in members):
                keys.append(key)
        return keys

    # -------------------------------------------------------------- writes

    def register_key(self, public_key: bytes, *, role: bytes, scope: bytes) -> SentTransaction:
        return self.contract.transact("registerEncryptionKey", public_key, role, scope)

    def revoke_key(self) -> SentTransaction:
        """Revoke the client's key on the version that holds it (the active one refuses, with
        DocumentRegistryNoKey, when there is none)."""
        holder, _ = self.key_in_force(self.client.address)
        return self._at(holder or self.contract.address).transact("revokeEncryptionKey")

    def anchor(self, digest: bytes) -> SentTransaction:
        return self.contract.transact("anchor", digest)

    def anchor_and_publish(self, documents: Sequence[tuple[bytes, bytes]]) -> list[str]:
        """Anchor each (digest, envelope CID) of `documents` on the active version and publish its
        envelope there: every anchor sent, then all awaited, then every envelope likewise (a
        publication is estimated against its mined anchor); the transaction hashes."""
        if not documents:
            return []
        anchors = [self.contract.tx("anchor", digest) for digest, _ in documents]
        sent = self._send_all(anchors)
        publications = [self.contract.tx("publishEnvelope", digest, envelope) for digest, envelope in documents]
        return sent + self._send_all(publications)

    def _send_all(self, txs: Sequence[dict[str, Any]]) -> list[str]:
        """Send `txs` (calls of one shape) with the first one's estimate as every one's gas limit
        (a refusal is decoded before anything is sent), then await them all."""
        gas = self.client.estimate_gas({"from": self.client.address, **txs[0]})
        hashes = self.client.send_batch(txs, gas=gas)
        self.client.wait_many(hashes)
        return hashes

    def publish_envelope(self, digest: bytes, envelope_cid: bytes, *, registry: str | None = None) -> SentTransaction:
        """Publish on `registry`, else on the version that anchored the document (the active one
        refuses, with DocumentRegistryNotAnchored, when none did)."""
        if registry is None:
            anchor = self.anchor_of(digest)
            registry = anchor.registry if anchor else self.contract.address
        return self._at(registry).transact("publishEnvelope", digest, envelope_cid)

    def current_version(self, account: str) -> int:
        """The version of the account's standing key, 0 when it has none."""
        try:
            return self.key_of(account).version
        except NoEncryptionKey:
            return 0


def _party_key(account: str, raw: Any) -> PartyKey:
    """A PartyKey from `encryptionKeyOf`'s return values."""
    return PartyKey(
        account=account,
        public_key=bytes(raw[0]),
        version=int(raw[1]),
        registered_at=from_unix(int(raw[2])),
        role=(name_of_id(bytes(raw[3])) or "unknown role") if any(raw[3]) else MEMBER_ADMIN,
        member_id=member_id_text(raw[5]),
    )


def standing_accreditation(client: LedgerClient, account: str) -> tuple[bytes, bytes]:
    """The (role, scope) under which `account` can register: its admin seat or an accreditation it holds."""
    consortium = ContractBinding(client, "Consortium")
    account = to_checksum_address(account)
    zero = b"\0" * 32
    if int.from_bytes(consortium.call("memberOf", account), "big"):
        return zero, zero
    candidates = [(ROLES[r], zero) for r in PARTY_ROLES] + [
        (ROLES["issuer"], certificate_type_bytes(t)) for t in CERTIFICATE_TYPES
    ]
    for role, scope in candidates:
        if consortium.call("isAccredited", account, role, scope):
            return role, scope
    raise NoEncryptionKey(account, "it is neither a member's admin nor accredited by a member")


def register_own_key(client: LedgerClient, account: LocalAccount) -> tuple[PartyKey, SentTransaction]:
    """Register (or rotate to the next version of) the client's own document key."""
    registry = DocumentRegistryBinding(client)
    # the contract numbers a registration after the key in force, even a revoked one
    version = registry.key_in_force(account.address)[1] + 1
    role, scope = standing_accreditation(client, account.address)
    sent = registry.register_key(document_public_key(account, version), role=role, scope=scope)
    return registry.key_of(account.address), sent
