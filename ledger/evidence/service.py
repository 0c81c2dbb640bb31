"""Evidence jobs: turn EPCIS events into registry entries, record them, and audit a consignment."""

from __future__ import annotations

import time
from collections.abc import Sequence

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.chain.client import LedgerClient
from ledger.chain.eip712 import sign_digest
from ledger.errors import InvalidInput
from ledger.evidence.audit import ChainReport, ReferenceReport, by_link, check_chain, check_references
from ledger.evidence.consignment import consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.epcis import EpcisEvent
from ledger.evidence.registry import EvidenceRegistryBinding, RecordedEntry
from ledger.hashing.keccak import keccak256
from ledger.ids import member_id_bytes

DECISION_DEADLINE_SECONDS = 3600


class AppendResult(BaseModel):
    ucr: str
    consignment: str
    tx_hash: str
    entries: int
    first_seq: int
    gas_used: int


def to_entries(
    events: Sequence[EpcisEvent],
    *,
    consignment: bytes,
    recorded: Sequence[RecordedEntry] = (),
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
) -> list[EvidenceEntry]:
    """One entry per event. An event that declares an error (EPCIS errorDeclaration) is a
    correction: its hash is the corrected event's, and its first parent that entry's link."""
    by_hash = {r.entry.event_hash: r for r in recorded}
    entries = []
    for index, event in enumerate(events):
        digest = event.hash.digest
        correction = "errorDeclaration" in event.data
        links = list(parents)
        if correction:
            original = by_hash.get(digest)
            if original is None:
                raise InvalidInput(
                    "the event declares an error, but the consignment has no such event to correct",
                    path=f"events.{index}.errorDeclaration",
                )
            links = [original.link, *links]
        entries.append(
            EvidenceEntry(
                consignment=consignment,
                event_hash=digest,
                step=int(event.step),
                event_type=int(event.event_type),
                correction=correction,
                document_hash=keccak256(document) if document is not None else b"\0" * 32,
                cid=cid,
                parents=tuple(links),
            )
        )
    return entries


def append_events(
    *,
    client: LedgerClient,
    ucr: str,
    events: Sequence[EpcisEvent],
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
) -> AppendResult:
    """Record trade or party events of consignment `ucr` as the client's (trade or customs) key."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding(client)
    recorded = binding.recorded(consignment) if any("errorDeclaration" in e.data for e in events) else []
    entries = to_entries(
        events, consignment=consignment, recorded=recorded, parents=parents, document=document, cid=cid
    )
    before = binding.heads([consignment])[0].seq
    sent = binding.append(entries)
    return AppendResult(
        ucr=ucr,
        consignment="0x" + consignment.hex(),
        tx_hash=sent.tx_hash,
        entries=len(entries),
        first_seq=before + 1,
        gas_used=sent.gas_used,
    )


def submit_decisions(
    *,
    client: LedgerClient,
    member: str,
    ucr: str,
    events: Sequence[EpcisEvent],
    signers: Sequence[LocalAccount],
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
    nonce: int | None = None,
) -> AppendResult:
    """Record customs decisions of `member`, signed by `signers` (a quorum of its oracles).

    The nonce defaults to the hash of the entries: the same decisions submitted twice are
    refused by the registry rather than recorded twice.
    """
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding(client)
    recorded = binding.recorded(consignment) if any("errorDeclaration" in e.data for e in events) else []
    entries = to_entries(
        events, consignment=consignment, recorded=recorded, parents=parents, document=document, cid=cid
    )
    signing = DecisionSigning(client)
    member_bytes = member_id_bytes(member)
    nonce = signing.nonce(member=member_bytes, entries=entries) if nonce is None else nonce
    deadline = int(time.time()) + DECISION_DEADLINE_SECONDS
    digest = signing.digest(member=member_bytes, entries=entries, nonce=nonce, deadline=deadline)
    signatures = [sign_digest(account, digest) for account in signers]
    before = binding.heads([consignment])[0].seq
    sent = binding.submit_decisions(
        member=member_bytes, entries=entries, nonce=nonce, deadline=deadline, signatures=signatures
    )
    return AppendResult(
        ucr=ucr,
        consignment="0x" + consignment.hex(),
        tx_hash=sent.tx_hash,
        entries=len(entries),
        first_seq=before + 1,
        gas_used=sent.gas_used,
    )


def audit_consignment(*, client: LedgerClient, ucr: str) -> tuple[list[RecordedEntry], ChainReport]:
    """The recorded entries of `ucr` and the check of their chain against the registry's head."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding(client)
    recorded = binding.recorded(consignment)
    head = binding.heads([consignment])[0]
    return recorded, check_chain(consignment, recorded, head)


def audit_references(*, client: LedgerClient, ucrs: Sequence[str], strict: bool = False) -> ReferenceReport:
    """The parents of every entry of the consignments `ucrs`, resolved against their recorded
    entries (ledger.evidence.audit.check_references): give every consignment a chain names to
    resolve it; what stays unknown is unresolved, a problem only with `strict`."""
    binding = EvidenceRegistryBinding(client)
    recorded = [binding.recorded(consignment_id(ucr)) for ucr in ucrs]
    return check_references(by_link(*recorded), strict=strict)
