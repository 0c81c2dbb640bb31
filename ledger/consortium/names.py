"""Names for addresses and member ids: what people see instead of hex.

A member administration is named by its member record. An accredited account is named by the
member that accredits it, and its name is only ever shown together with that member ("Ningbo
Chamber of Commerce, accredited by CN"): a name alone could copy another organisation's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from pydantic import BaseModel, ConfigDict, computed_field

from ledger.chain.client import LedgerClient
from ledger.chain.contract import BoundCall
from ledger.chain.reads import batched, view_result
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.display_name import shown_name
from ledger.errors import UndecodableData
from ledger.ids import member_id_bytes, member_id_text
from ledger.labels import Lang, Vocabulary, label


class AccountName(BaseModel):
    """Who an address is, as far as the consortium says: a member's admin, an account a member
    accredits (with the name that member gave it), or nobody it knows."""

    model_config = ConfigDict(frozen=True)

    address: str  # checksummed
    name: str | None = None  # the display name its accrediting member set
    member_id: str | None = None  # the member that accredits it, or whose admin it is
    member_name: str | None = None
    admin: bool = False  # the governance (admin) account of `member_id`

    @computed_field  # type: ignore[prop-decorator]
    @property
    def label(self) -> str | None:
        """How the address is shown beside its hex (in English): never a name without its member."""
        return self.label_in(Lang.EN)

    def label_in(self, lang: Lang) -> str | None:
        """Who the account is in `lang`, never a name without the member that gave it; None: unknown."""
        if not self.member_id:
            return None
        values = {"member": self.member_id, "member_name": self.member_name or self.member_id, "name": self.name}
        if self.admin:
            return label(Vocabulary.ACCOUNT, "admin", lang).format_map(values)
        if self.name:
            return label(Vocabulary.ACCOUNT, "accredited", lang).format_map(values)
        return None


def unknown(address: str) -> AccountName:
    """An address the consortium names nothing for (as given when it is not an address)."""
    return AccountName(address=to_checksum_address(address) if is_address(address) else address)


class Names:
    """Names of accounts and members read from the Consortium contract, in JSON-RPC batches,
    cached for the life of the instance (one request, one command)."""

    def __init__(self, binding: ConsortiumBinding) -> None:
        self._binding = binding
        self._members: dict[str, str | None] = {}
        self._accounts: dict[str, AccountName] = {}

    @classmethod
    def load(cls, *, client: LedgerClient) -> Names:
        """A resolver over the deployed Consortium of `client`'s chain."""
        return cls(ConsortiumBinding(client))

    def member(self, member_id: str | None) -> str | None:
        """The name of a member (active or former), or None when there is no such member."""
        if not member_id:
            return None
        self._load_members([member_id])
        return self._members.get(member_id)

    def account(self, address: str | None) -> AccountName:
        """The name of one address (an unknown one when `address` is not an address)."""
        if not address:
            return AccountName(address="")
        return self.accounts([address])[address]

    def label(self, address: str | None) -> str | None:
        """The label of one address (see AccountName.label)."""
        return self.account(address).label if address else None

    def accounts(self, addresses: Iterable[str]) -> dict[str, AccountName]:
        """The names of `addresses`, keyed as given; every address read in one batch."""
        given = list(dict.fromkeys(addresses))
        wanted = {a: str(to_checksum_address(a)) for a in given if is_address(a)}
        missing = sorted({c for c in wanted.values() if c not in self._accounts})
        if missing:
            self._load_accounts(missing)
        return {a: self._accounts[wanted[a]] if a in wanted else unknown(a) for a in given}

    # ------------------------------------------------------------------ reads

    def _load_accounts(self, addresses: list[str]) -> None:
        contract = self._binding.contract
        calls = [contract.fn(f, a) for a in addresses for f in ("accountName", "memberOf")]
        replies = self._results(calls)
        found: dict[str, tuple[str | None, str | None, str | None]] = {}
        for i, address in enumerate(addresses):
            named, admin_of = replies[2 * i], replies[2 * i + 1]
            member = (member_id_text(named[0]) or None) if named is not None else None
            name = shown_name(named[1]) if named is not None and member and named[1] else None
            admin = (member_id_text(admin_of) or None) if admin_of is not None else None
            found[address] = (member, name, admin)
        self._load_members([m for f in found.values() for m in (f[0], f[2]) if m])
        for address, (member, name, admin) in found.items():
            member_id = admin or member
            self._accounts[address] = AccountName(
                address=address,
                name=None if admin else name,
                member_id=member_id,
                member_name=self._members.get(member_id) if member_id else None,
                admin=admin is not None,
            )

    def _load_members(self, member_ids: Iterable[str]) -> None:
        missing = sorted({m for m in member_ids if m not in self._members})
        if not missing:
            return
        contract = self._binding.contract
        records = self._results([contract.fn("member", member_id_bytes(m)) for m in missing])
        for member_id, record in zip(missing, records, strict=True):
            known = record is not None and int(record[4]) != 0  # joinedAt: the member ever joined
            self._members[member_id] = shown_name(record[1]) if known else None

    def _results(self, calls: list[BoundCall]) -> list[Any]:
        """The decoded results of `calls`; None for one that does not decode (a name that is not
        UTF-8, set straight on the contract), so that one bad name does not hide the rest."""
        client = self._binding.client
        replies = batched(client, [c.request() for c in calls])
        results: list[Any] = []
        for call, reply in zip(calls, replies, strict=True):
            try:
                results.append(call.decode(view_result(client, reply, call.what)))
            except UndecodableData:
                results.append(None)
        return results
