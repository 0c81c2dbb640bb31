"""EvidenceRegistry through a LedgerClient: open consignments and manage their parties, append
trade events, submit quorum-signed customs decisions, read heads, openings, effective decisions
and the recorded entries and changes of a consignment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import batch_call, log_context
from ledger.consortium.versions import active_version, listed_versions
from ledger.errors import InvalidInput
from ledger.evidence.entries import ZERO32, EvidenceEntry
from ledger.evidence.vocabulary import PartyRole, Side
from ledger.ids import member_id_text

CONTRACT = "EvidenceRegistry"
APPEND_GAS_PER_ENTRY = 60_000  # far above the measured cost; a fixed limit spares an estimate per batch
MAX_BATCH = 256  # the registry's MAX_BATCH: entries per appendEvents / submitDecisions
MAX_PARTIES = 32  # the registry's MAX_PARTIES: parties named in one openConsignment
CHANGE_EVENTS = ("ConsignmentOpened", "ConsignmentPartyAdded", "ConsignmentPartyRemoved", "ConsignmentVoided")


class ConsignmentRecord(BaseModel):
    """A consignment's current (or last) opening as the registry holds it."""

    consignment: str
    origin: str
    destination: str
    opener: str | None
    opened_at: int
    opening: int
    open: bool

    def side_of(self, member: str) -> Side | None:
        """The side `member` decides on: export for the origin, import for the destination."""
        if member == self.origin:
            return Side.EXPORT
        if member == self.destination:
            return Side.IMPORT
        return None


class ConsignmentChange(BaseModel):
    """One change of a consignment's standing: opened, a party added or removed, voided."""

    kind: str  # opened | party-added | party-removed | voided
    by: str
    account: str | None = None
    role: str | None = None
    origin: str | None = None
    destination: str | None = None
    opening: int | None = None
    member: str | None = None
    reason: str | None = None
    block_number: int
    timestamp: int
    tx_hash: str
    log_index: int


class Head(BaseModel):
    """What the registry holds for a consignment: how many entries, and the latest link (192 bits)."""

    consignment: str
    seq: int
    link: str


@dataclass(frozen=True)
class RecordedEntry:
    """An entry as the registry's event recorded it, with where and by whom."""

    entry: EvidenceEntry
    seq: int
    link: bytes
    member: bytes
    side: int
    submitter: str
    timestamp: int
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int

    @property
    def member_id(self) -> str:
        return member_id_text(self.member)

    @property
    def side_label(self) -> str:
        """`party`, `export` or `import` (a code this version does not know as its number)."""
        try:
            return Side(self.side).label
        except ValueError:
            return str(self.side)


class EvidenceRegistryBinding:
    """Reads and writes of one EvidenceRegistry version: the active one (new consignments), or
    the one that holds a consignment (`holding`: its chain stays where it was opened)."""

    def __init__(self, client: LedgerClient, address: str | None = None) -> None:
        self.client = client
        self.contract = ContractBinding(client, CONTRACT, address or active_version(client, CONTRACT))
        self.address = self.contract.address
        self.codec = self.contract.codec

    @classmethod
    def holding(cls, client: LedgerClient, consignment: bytes) -> EvidenceRegistryBinding:
        """The binding of the listed version that ever opened `consignment` or recorded entries
        of it (a consignment lives on one version); the active version when none has."""
        versions = listed_versions(client, CONTRACT)
        if len(versions) == 1:  # the only one holds every consignment
            return cls(client, versions[0])
        bindings = [ContractBinding(client, CONTRACT, v) for v in versions]
        calls = [b.fn(name, consignment) for b in bindings for name in ("consignmentOf", "head")]
        replies = batch_call(client, calls)
        for i, version in enumerate(versions):
            opened_at, seq = replies[2 * i][3], replies[2 * i + 1][0]
            if opened_at or seq:
                return cls(client, version)
        return cls(client)

    # -------------------------------------------------------------- writes

    def open(
        self, *, consignment: bytes, origin: bytes, destination: bytes, parties: Sequence[tuple[str, PartyRole]]
    ) -> SentTransaction:
        """Open a consignment as the client's key (see IEvidenceRegistry.openConsignment)."""
        listed = [(to_checksum_address(account), role.on_chain) for account, role in parties]
        return self._send("openConsignment", consignment, origin, destination, listed)

    def add_party(self, *, consignment: bytes, account: str, role: PartyRole) -> SentTransaction:
        return self._send("addParty", consignment, to_checksum_address(account), role.on_chain)

    def remove_party(self, *, consignment: bytes, account: str) -> SentTransaction:
        return self._send("removeParty", consignment, to_checksum_address(account))

    def void(self, *, consignment: bytes, reason: bytes) -> SentTransaction:
        return self._send("voidConsignment", consignment, reason)

    def _send(self, name: str, *args: Any) -> SentTransaction:
        tx = {"to": self.address, "data": self.codec.function(name).call_data(*args)}
        gas = self.client.estimate_gas({"from": self.client.address, **tx})
        return self.client.send(tx, gas=gas)

    def append(self, entries: Sequence[EvidenceEntry]) -> SentTransaction:
        """Append trade or party events as the client's key (accredited with the trade or customs role)."""
        decisions = [e.step for e in entries if e.is_decision]
        if decisions:
            raise InvalidInput(
                f"step {decisions[0]} is a customs decision: it goes on chain through the member's oracles",
                path="step",
            )
        data = self.codec.function("appendEvents").call_data([e.as_tuple() for e in entries])
        tx = {"to": self.address, "data": data}
        self.client.estimate_gas({"from": self.client.address, **tx})
        return self.client.send(tx, gas=APPEND_GAS_PER_ENTRY * max(len(entries), 1) + 100_000)

    def submit_decisions(
        self, *, member: bytes, entries: Sequence[EvidenceEntry], nonce: int, deadline: int, signatures: Sequence[bytes]
    ) -> SentTransaction:
        """Submit customs decisions signed by a quorum of `member`'s oracles."""
        data = self.codec.function("submitDecisions").call_data(
            member, [e.as_tuple() for e in entries], nonce, deadline, list(signatures)
        )
        tx = {"to": self.address, "data": data}
        self.client.estimate_gas({"from": self.client.address, **tx})
        return self.client.send(tx, gas=APPEND_GAS_PER_ENTRY * max(len(entries), 1) + 150_000)

    # -------------------------------------------------------------- reads

    def consignment(self, consignment: bytes) -> ConsignmentRecord:
        """The consignment's current (or last) opening; `opening` 0 for one never opened."""
        origin, destination, opener, opened_at, opening, is_open = self._view("consignmentOf", consignment)
        return ConsignmentRecord(
            consignment="0x" + consignment.hex(),
            origin=member_id_text(origin),
            destination=member_id_text(destination),
            opener=to_checksum_address(opener) if int(opener, 16) else None,
            opened_at=int(opened_at),
            opening=int(opening),
            open=bool(is_open),
        )

    def party_role(self, consignment: bytes, account: str) -> str | None:
        """The role of `account` in the consignment's current opening, if it has one."""
        raw = self._view("partyRole", consignment, to_checksum_address(account))
        return PartyRole.from_chain(raw) or None

    def effective_decision(self, *, consignment: bytes, member: bytes, declaration: bytes, step: int) -> bytes | None:
        """The link of `member`'s effective decision on `step` of `declaration`, if any."""
        link = bytes(self._view("effectiveDecision", consignment, member, declaration, step))
        return None if link == ZERO32 else link

    def _view(self, name: str, *args: Any) -> Any:
        """One view call, addresses in lower case as the codec reads them."""
        [value] = batch_call(self.client, [self.contract.fn(name, *args)])
        return value

    def is_nonce_used(self, member: bytes, nonce: int) -> bool:
        """Whether `member`'s oracles used `nonce` for a batch of decisions on this version."""
        return bool(self._view("isOracleNonceUsed", member, nonce))

    def heads(self, consignments: Sequence[bytes]) -> list[Head]:
        """The registry's head of each consignment (seq 0 for one it has never seen)."""
        parts = [list(consignments[start : start + 1024]) for start in range(0, len(consignments), 1024)]
        found: list[Head] = []
        for part, (seqs, links) in zip(
            parts, batch_call(self.client, [self.contract.fn("heads", p) for p in parts]), strict=True
        ):
            found += [
                Head(consignment="0x" + c.hex(), seq=int(s), link="0x" + bytes(link).hex())
                for c, s, link in zip(part, seqs, links, strict=True)
            ]
        return found

    def recorded(self, consignment: bytes, *, from_block: int | None = None) -> list[RecordedEntry]:
        """Every entry the registry's events recorded for `consignment`, in order, with the
        submitter (transaction sender) and block time."""
        logs = self._logs(["EvidenceAppended"], consignment, from_block)
        times, senders = log_context(self.client, logs)
        decoder = self.codec.event_decoder("EvidenceAppended")
        found = []
        for log in logs:
            values = decoder(log)
            entry = EvidenceEntry(
                consignment=values["consignment"],
                event_hash=values["eventHash"],
                step=values["step"],
                event_type=values["eventType"],
                correction=values["correction"],
                declaration=values["declaration"],
                document_hash=values["documentHash"],
                cid=values["cid"],
                parents=tuple(values["parents"]),
            )
            found.append(
                RecordedEntry(
                    entry=entry,
                    seq=values["seq"],
                    link=values["link"],
                    member=values["member"],
                    side=values["side"],
                    submitter=senders[log["transactionHash"]],
                    timestamp=times[log["blockNumber"]],
                    block_number=int(log["blockNumber"], 16),
                    block_hash=log["blockHash"],
                    tx_hash=log["transactionHash"],
                    log_index=int(log["logIndex"], 16),
                )
            )
        return found

    def changes(self, consignment: bytes, *, from_block: int | None = None) -> list[ConsignmentChange]:
        """Every opening, party change and voiding of `consignment`, in order, with who and when."""
        logs = self._logs(list(CHANGE_EVENTS), consignment, from_block)
        times, _ = log_context(self.client, logs, senders=False)
        by_topic = {"0x" + self.codec.event_topic(name).hex(): name for name in CHANGE_EVENTS}
        found = []
        for log in logs:
            name = by_topic[log["topics"][0]]
            values = self.codec.event_decoder(name)(log)
            for key in ("opener", "party", "by"):
                if key in values:
                    values[key] = to_checksum_address(values[key])
            where = {
                "block_number": int(log["blockNumber"], 16),
                "timestamp": times[log["blockNumber"]],
                "tx_hash": log["transactionHash"],
                "log_index": int(log["logIndex"], 16),
            }
            if name == "ConsignmentOpened":
                change = ConsignmentChange(
                    kind="opened",
                    by=values["opener"],
                    account=values["opener"],
                    origin=member_id_text(values["origin"]),
                    destination=member_id_text(values["destination"]),
                    opening=values["opening"],
                    **where,
                )
            elif name == "ConsignmentPartyAdded":
                change = ConsignmentChange(
                    kind="party-added",
                    by=values["by"],
                    account=values["party"],
                    role=PartyRole.from_chain(values["role"]),
                    **where,
                )
            elif name == "ConsignmentPartyRemoved":
                change = ConsignmentChange(kind="party-removed", by=values["by"], account=values["party"], **where)
            else:
                change = ConsignmentChange(
                    kind="voided",
                    by=values["by"],
                    member=member_id_text(values["member"]),
                    reason=text32(values["reason"]),
                    **where,
                )
            found.append(change)
        return found

    def _logs(self, events: list[str], consignment: bytes, from_block: int | None) -> list[dict[str, Any]]:
        start = from_block if from_block is not None else self._deployment_block()
        return self.contract.logs(events, "0x" + consignment.hex(), from_block=start)

    def _deployment_block(self) -> int:
        deployment = self.client.deployment
        if deployment is None or CONTRACT not in deployment.contracts:
            return 0
        return deployment.contracts[CONTRACT].block


def current_parties(changes: Sequence[ConsignmentChange]) -> dict[str, str]:
    """The parties (account -> role) of the latest opening, from its changes in order (the
    opener is one: its `party-added` follows the opening)."""
    parties: dict[str, str] = {}
    for change in changes:
        if change.kind in ("opened", "voided"):
            parties = {}
        elif change.kind == "party-added" and change.account:
            parties[change.account] = change.role or ""
        elif change.kind == "party-removed" and change.account:
            parties.pop(change.account, None)
    return parties


def text32(raw: bytes) -> str:
    """A bytes32 written as short text (`opener`, `wrong-party`) as that text; anything else in hex."""
    text = raw.rstrip(b"\0")
    if text and all(32 <= b < 127 for b in text):
        return text.decode("ascii")
    return "0x" + raw.hex()
