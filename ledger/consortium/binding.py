"""Typed bindings for the Consortium contract."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import TYPE_CHECKING

from eth_utils.address import is_address, to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.consortium.display_name import checked_name
from ledger.consortium.registries import RegistryListing, kind_bytes, kind_text
from ledger.errors import InvalidInput, UnknownMember
from ledger.ids import (
    CERTIFICATE_TYPE_NAMES,
    ISSUER_ROLE,
    ROLE_NAMES,
    certificate_type_bytes,
    member_id_bytes,
    member_id_text,
    role_bytes,
)

if TYPE_CHECKING:
    from ledger.consortium.names import Names


class ProposalKind(IntEnum):
    ADD_MEMBER = 0
    REMOVE_MEMBER = 1
    CHANGE_THRESHOLD = 2
    ROTATE_ADMIN = 3
    LIST_REGISTRIES = 4


class Member(BaseModel):
    id: str
    name: str
    admin: str
    active: bool
    joined_at: datetime
    admin_name: str | None = None  # the admin's label (ledger.consortium.names)

    def with_names(self, names: Names) -> Member:
        named = self.model_copy()
        named.admin_name = names.label(self.admin)  # not by key: "admin_..." reads as a JSON-RPC method
        return named


class Proposal(BaseModel):
    id: int
    kind: str
    member_id: str | None
    account: str | None
    threshold: int | None
    name: str | None
    proposer: str
    created_at: datetime
    approvals: int
    executed: bool
    # a list-registries proposal: kind -> the deployment it would make that kind's active version
    registries: dict[str, str] | None = None


class Accreditation(BaseModel):
    account: str
    role: str
    certificate_type: str | None
    member_id: str | None
    since: datetime | None
    until: datetime | None
    active: bool
    account_name: str | None = None  # the account's label (ledger.consortium.names)
    member_name: str | None = None

    def with_names(self, names: Names) -> Accreditation:
        return self.model_copy(
            update={"account_name": names.label(self.account), "member_name": names.member(self.member_id)}
        )


class ProposalResult(BaseModel):
    proposal_id: int
    executed: bool
    tx_hash: str


def _time(value: int) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


def _scope(role: str, certificate_type: str | None) -> bytes:
    if role_bytes(role) == ISSUER_ROLE:
        if not certificate_type:
            raise InvalidInput("issuers are accredited per certificate type", path="type")
        return certificate_type_bytes(certificate_type)
    if certificate_type:
        raise InvalidInput(f"a {role} is not accredited per certificate type", path="type")
    return b"\0" * 32


def _address(value: str) -> str:
    if not is_address(value):
        raise InvalidInput(f"{value!r} is not an account address", path="account")
    return to_checksum_address(value)


class ConsortiumBinding:
    """Reads and writes on the deployed Consortium through a LedgerClient."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract = ContractBinding(client, "Consortium")

    # -------------------------------------------------------------- reads

    def threshold(self) -> int:
        return int(self.contract.call("threshold"))

    def members(self) -> list[Member]:
        ids = self.contract.call("memberIds")
        return [self.member(member_id_text(i)) for i in ids]

    def member(self, member_id: str) -> Member:
        raw = self.contract.call("member", member_id_bytes(member_id))
        return Member(
            id=member_id_text(raw[0]) or member_id.upper(),
            name=raw[1],
            admin=raw[2],
            active=raw[3],
            joined_at=_time(raw[4]),
        )

    def require_member(self, member_id: str, *, path: str) -> None:
        """Refuse (UnknownMember) an id the consortium never admitted; a removed member's record
        stays, and its certifications still answer for the past."""
        if not member_id_text(self.contract.call("member", member_id_bytes(member_id))[0]):
            raise UnknownMember(member_id.strip().upper(), path=path)

    def member_of(self, account: str) -> str | None:
        """The member whose admin (governance) account `account` is, if any."""
        raw = self.contract.call("memberOf", _address(account))
        return member_id_text(raw) or None

    def accrediting_member(self, account: str) -> str | None:
        """The member that accredited `account` (in any role), if any."""
        raw = self.contract.call("accreditingMember", _address(account))
        return member_id_text(raw) or None

    def customs_member(self, account: str) -> str | None:
        """The member that accredited `account` as one of its customs (operational) keys, if any."""
        address = _address(account)
        if not self.contract.call("isAccredited", address, role_bytes("customs"), b"\0" * 32):
            return None
        return member_id_text(self.contract.call("accreditingMember", address)) or None

    def proposals(self) -> list[Proposal]:
        count = int(self.contract.call("proposalCount"))
        return [self.proposal(i) for i in range(count)]

    def proposal(self, proposal_id: int) -> Proposal:
        raw = self.contract.call("proposal", proposal_id)
        kind = ProposalKind(raw[0])
        registries = None
        if kind is ProposalKind.LIST_REGISTRIES:
            kinds, addresses = self.contract.call("proposedListings", proposal_id)
            registries = {kind_text(k): to_checksum_address(a) for k, a in zip(kinds, addresses, strict=True)}
        return Proposal(
            id=proposal_id,
            kind=kind.name.lower().replace("_", "-"),
            member_id=member_id_text(raw[1]) or None,
            account=raw[2] if int(raw[2], 16) else None,
            threshold=raw[3] or None,
            name=raw[4] or None,
            proposer=member_id_text(raw[5]),
            created_at=_time(raw[6]),
            approvals=raw[7],
            executed=raw[8],
            registries=registries,
        )

    def registry_kinds(self) -> list[str]:
        return [kind_text(k) for k in self.contract.call("registryKinds")]

    def registry_versions(self, kind: str) -> list[str]:
        """The deployments of `kind` in listing order (version 1 first)."""
        return list(self.contract.call("registryVersions", kind_bytes(kind)))

    def active_registry(self, kind: str) -> str | None:
        address = self.contract.call("activeRegistry", kind_bytes(kind))
        return address if int(address, 16) else None

    def registry_listing(self, registry: str) -> RegistryListing:
        address = _address(registry)
        return RegistryListing.decode(address, self.contract.call("registryListing", address))

    def accreditation(self, account: str, role: str, certificate_type: str | None = None) -> Accreditation:
        role_id, scope = role_bytes(role), _scope(role, certificate_type)
        account = _address(account)
        raw = self.contract.call("accreditation", account, role_id, scope)
        active = self.contract.call("isAccredited", account, role_id, scope)
        return Accreditation(
            account=account,
            role=ROLE_NAMES[role_id],
            certificate_type=CERTIFICATE_TYPE_NAMES.get(scope),
            member_id=member_id_text(raw[0]) or None,
            since=_time(raw[1]) if raw[1] else None,
            until=_time(raw[2]) if raw[2] else None,
            active=bool(active),
        )

    # -------------------------------------------------------------- writes

    def propose_add_member(self, member_id: str, name: str, admin: str) -> ProposalResult:
        if not name.strip():
            raise InvalidInput("a member needs a name", path="name")
        return self._proposed(
            self.contract.transact("proposeAddMember", member_id_bytes(member_id), name, _address(admin))
        )

    def propose_remove_member(self, member_id: str) -> ProposalResult:
        return self._proposed(self.contract.transact("proposeRemoveMember", member_id_bytes(member_id)))

    def propose_threshold(self, threshold: int) -> ProposalResult:
        if threshold < 1:
            raise InvalidInput("the threshold is at least 1", path="threshold")
        return self._proposed(self.contract.transact("proposeThreshold", threshold))

    def propose_rotate_admin(self, member_id: str, new_admin: str) -> ProposalResult:
        return self._proposed(
            self.contract.transact("proposeRotateAdmin", member_id_bytes(member_id), _address(new_admin))
        )

    def propose_list_registries(self, registries: dict[str, str]) -> ProposalResult:
        """Propose that each deployment become the active version of its kind (kind -> address)."""
        if not registries:
            raise InvalidInput("name at least one registry to list", path="registries")
        kinds = [kind_bytes(kind) for kind in registries]
        return self._proposed(
            self.contract.transact("proposeListRegistries", kinds, [_address(a) for a in registries.values()])
        )

    def approve(self, proposal_id: int) -> ProposalResult:
        sent = self.contract.transact("approve", proposal_id)
        executed = bool(self.contract.events(sent.receipt, "ProposalExecuted"))
        return ProposalResult(proposal_id=proposal_id, executed=executed, tx_hash=sent.tx_hash)

    def accredit(self, account: str, role: str, certificate_type: str | None = None, *, name: str) -> SentTransaction:
        """Accredit `account` in the signer's jurisdiction and set the name it is shown by."""
        address, role_id, scope = _address(account), role_bytes(role), _scope(role, certificate_type)
        return self.contract.transact("accredit", address, role_id, scope, checked_name(name))

    def rename_account(self, account: str, *, name: str) -> SentTransaction:
        """Change the display name of an account the signer's member accredits."""
        return self.contract.transact("renameAccount", _address(account), checked_name(name))

    def withdraw(self, account: str, role: str, certificate_type: str | None = None) -> SentTransaction:
        return self.contract.transact("withdraw", _address(account), role_bytes(role), _scope(role, certificate_type))

    def _proposed(self, sent: SentTransaction) -> ProposalResult:
        created = self.contract.events(sent.receipt, "ProposalCreated")
        executed = self.contract.events(sent.receipt, "ProposalExecuted")
        return ProposalResult(proposal_id=created[0]["proposalId"], executed=bool(executed), tx_hash=sent.tx_hash)
