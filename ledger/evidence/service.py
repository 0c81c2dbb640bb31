"""Evidence jobs: open a consignment and manage its parties, turn EPCIS events into registry
entries and record them, and audit a consignment."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.eip712 import sign_digest
from ledger.documents.countries import ISO_3166_ALPHA2
from ledger.errors import InvalidInput
from ledger.evidence.audit import ChainReport, ReferenceReport, by_link, check_chain, check_references
from ledger.evidence.consignment import canonical_ucr, consignment_id
from ledger.evidence.contexts import prefixes_of
from ledger.evidence.customs import accepted_result
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.declarations import declaration_key
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.epcis import EpcisEvent
from ledger.evidence.event_hash import EventHash
from ledger.evidence.registry import (
    MAX_BATCH,
    MAX_PARTIES,
    ConsignmentChange,
    ConsignmentRecord,
    EvidenceRegistryBinding,
    RecordedEntry,
    current_parties,
)
from ledger.evidence.vocabulary import PartyRole, Side, Step
from ledger.hashing.keccak import keccak256
from ledger.ids import member_id_bytes

DECISION_DEADLINE_SECONDS = 3600
# How far ahead of this machine's clock a decision's event time may be (clocks drift).
DECISION_CLOCK_TOLERANCE = dt.timedelta(seconds=60)
Clock = Callable[[], float]


class AppendResult(BaseModel):
    ucr: str
    consignment: str
    tx_hash: str
    tx_hashes: list[str]
    entries: int
    first_seq: int
    gas_used: int


class ConsignmentResult(BaseModel):
    """A consignment's standing after a change, and the transaction that made it."""

    ucr: str
    record: ConsignmentRecord
    tx_hash: str


def origin_of(ucr: str) -> str:
    """The origin country a UCR names (its country code, after the year digit)."""
    return canonical_ucr(ucr)[1:3]


def open_consignment(
    *, client: LedgerClient, ucr: str, destination: str, parties: Sequence[tuple[str, PartyRole]] = ()
) -> ConsignmentResult:
    """Open consignment `ucr` from its UCR's country to `destination`, as the client's key (a
    trade or customs key of the origin member; of the destination member when the origin is
    not a member), naming the parties allowed to record besides the opener."""
    origin = origin_of(ucr)
    target = destination.strip().upper()
    if target not in ISO_3166_ALPHA2:
        raise InvalidInput(f"{destination!r} is not an ISO 3166-1 alpha-2 country code", path="destination")
    if target == origin:
        raise InvalidInput(
            f"the destination is the origin ({origin}): a consignment crosses a border", path="destination"
        )
    if len(parties) > MAX_PARTIES:
        raise InvalidInput(f"at most {MAX_PARTIES} parties when opening; add more one by one", path="party")
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding(client)
    sent = binding.open(
        consignment=consignment,
        origin=member_id_bytes(origin),
        destination=member_id_bytes(target),
        parties=parties,
    )
    return ConsignmentResult(ucr=canonical_ucr(ucr), record=binding.consignment(consignment), tx_hash=sent.tx_hash)


def change_party(*, client: LedgerClient, ucr: str, account: str, role: PartyRole | None) -> ConsignmentResult:
    """Add `account` as a party with `role`, or remove it (`role` None), as the client's key
    (the opener, or a customs key of either side)."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    standing(binding, ucr)
    if role is None:
        sent = binding.remove_party(consignment=consignment, account=account)
    else:
        sent = binding.add_party(consignment=consignment, account=account, role=role)
    return ConsignmentResult(ucr=canonical_ucr(ucr), record=binding.consignment(consignment), tx_hash=sent.tx_hash)


# the reasons `void_reason` takes, as the API's document states them: 1 to 32 ASCII characters
# once the surrounding whitespace is stripped
_ASCII_NOT_SPACE = r"[\x00-\x08\x0e-\x1b!-\x7f]"
VOID_REASON_PATTERN = rf"^\s*{_ASCII_NOT_SPACE}(?:[\x00-\x7f]{{0,30}}{_ASCII_NOT_SPACE})?\s*$"


def void_reason(reason: str) -> str:
    """A void's reason as recorded: stripped, 1 to 32 ASCII characters (InvalidInput otherwise)."""
    text = reason.strip()
    if not text or not text.isascii() or len(text) > 32:
        raise InvalidInput("a reason is 1 to 32 ASCII characters (e.g. wrong-party)", path="reason")
    return text


def void_consignment(*, client: LedgerClient, ucr: str, reason: str) -> ConsignmentResult:
    """Void the consignment's current opening, as a customs key of its origin member (of the
    destination member when the origin is not one); the UCR can then be opened again."""
    text = void_reason(reason)
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    binding_record = binding.consignment(consignment)
    if not binding_record.open:
        raise InvalidInput(f"consignment {canonical_ucr(ucr)} is not open", path="ucr")
    sent = binding.void(consignment=consignment, reason=text.encode("ascii").ljust(32, b"\0"))
    return ConsignmentResult(ucr=canonical_ucr(ucr), record=binding.consignment(consignment), tx_hash=sent.tx_hash)


class ConsignmentView(BaseModel):
    """A consignment as people read it: its opening, its current parties (account -> role) and
    every change, with who made it."""

    ucr: str
    record: ConsignmentRecord
    parties: dict[str, str]
    changes: list[ConsignmentChange]
    legacy: bool = False  # recorded before consignments were opened


def consignment_view(*, client: LedgerClient, ucr: str) -> ConsignmentView:
    """The consignment's standing. Entries recorded before consignments were opened (a chain of
    an earlier version) read as opened by their first entry's submitter, with no other party."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    record = binding.consignment(consignment)
    changes = binding.changes(consignment)
    parties = current_parties(changes)
    legacy = False
    if record.opening == 0:
        recorded = binding.recorded(consignment)
        if recorded:
            first = recorded[0]
            legacy = True
            record = record.model_copy(
                update={"origin": origin_of(ucr), "opener": first.submitter, "opened_at": first.timestamp}
            )
            parties = {first.submitter: PartyRole.OPENER.value}
    return ConsignmentView(ucr=canonical_ucr(ucr), record=record, parties=parties, changes=changes, legacy=legacy)


def standing(binding: EvidenceRegistryBinding, ucr: str) -> ConsignmentRecord:
    """The consignment's opening, refused when it is not open or names another origin than
    its UCR (the chain cannot see the UCR: whoever reads it checks)."""
    record = binding.consignment(consignment_id(ucr))
    name = canonical_ucr(ucr)
    if not record.open:
        hint = "it was voided; open it again" if record.opening else "open it first"
        raise InvalidInput(
            f"consignment {name} is not open: {hint} (sanzhi evidence open {name} --destination CC)", path="ucr"
        )
    if record.origin != origin_of(ucr):
        raise InvalidInput(
            f"consignment {name} was opened with origin {record.origin}, but its UCR names {origin_of(ucr)}: "
            f"{record.destination}'s customs can void it",
            path="ucr",
        )
    return record


def to_entries(
    events: Sequence[EpcisEvent],
    *,
    consignment: bytes,
    recorded: Sequence[RecordedEntry] = (),
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
    deciding_member: str | None = None,
) -> list[EvidenceEntry]:
    """One entry per event. An event that declares an error (EPCIS errorDeclaration) is a
    correction: its hash is the corrected event's, and its first parent that entry's link.
    Decisions (`deciding_member` given) carry the declaration they decide."""
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
        try:
            declaration = declaration_key(event, deciding_member=deciding_member)
        except InvalidInput as exc:
            raise InvalidInput(exc.reason, path=f"events.{index}.{exc.path}") from None
        entries.append(
            EvidenceEntry(
                consignment=consignment,
                event_hash=digest,
                step=int(event.step),
                event_type=int(event.event_type),
                correction=correction,
                declaration=declaration,
                document_hash=keccak256(document) if document is not None else b"\0" * 32,
                cid=cid,
                parents=tuple(links),
            )
        )
    return entries


def batches(entries: Sequence[EvidenceEntry]) -> list[list[EvidenceEntry]]:
    """The entries in runs the registry takes in one call (at most MAX_BATCH each, in order)."""
    if not entries:
        raise InvalidInput("no events to record: the input holds an empty event list", path="eventList")
    return [list(entries[start : start + MAX_BATCH]) for start in range(0, len(entries), MAX_BATCH)]


def append_events(
    *,
    client: LedgerClient,
    ucr: str,
    events: Sequence[EpcisEvent],
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
) -> AppendResult:
    """Record trade or party events of consignment `ucr` as the client's key (a party of the
    consignment, or a customs key of its origin or destination), in as many transactions as
    the registry's batch limit needs."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    standing(binding, ucr)
    decisions = [e.step for e in events if e.step.is_customs_decision]
    if decisions:
        raise InvalidInput(
            f"step {decisions[0].slug} is a customs decision: it goes on chain through the member's oracles",
            path="bizStep",
        )
    with client.sending_alone():  # the check for repeats and the write as one step
        recorded = binding.recorded(consignment)
        entries = to_entries(
            events, consignment=consignment, recorded=recorded, parents=parents, document=document, cid=cid
        )
        _refuse_repeats(entries, recorded)
        before = recorded[-1].seq if recorded else 0
        sent = [binding.append(batch) for batch in batches(entries)]
    return _appended(ucr=ucr, consignment=consignment, first_seq=before + 1, entries=len(entries), sent=sent)


def _appended(
    *, ucr: str, consignment: bytes, first_seq: int, entries: int, sent: Sequence[SentTransaction]
) -> AppendResult:
    return AppendResult(
        ucr=ucr,
        consignment="0x" + consignment.hex(),
        tx_hash=sent[-1].tx_hash,
        tx_hashes=[s.tx_hash for s in sent],
        entries=entries,
        first_seq=first_seq,
        gas_used=sum(s.gas_used for s in sent),
    )


def _refuse_repeats(entries: Sequence[EvidenceEntry], recorded: Sequence[RecordedEntry]) -> None:
    """An event is recorded once: the same event (its GS1 hash) again, from a retried or doubled
    input, is refused, not recorded twice. A correction repeats its event's hash on purpose."""
    seen = {r.entry.event_hash: r.seq for r in recorded if not r.entry.correction}
    for index, entry in enumerate(entries):
        if entry.correction:
            continue
        if entry.event_hash in seen:
            where = f"as entry {seen[entry.event_hash]}" if seen[entry.event_hash] else "earlier in this input"
            raise InvalidInput(
                f"event ni:///sha-256;{entry.event_hash.hex()}?ver=CBV2.0 is already recorded {where}: "
                "an event is recorded once",
                path=f"events.{index}",
            )
        seen[entry.event_hash] = 0


def decision_entries(
    *,
    binding: EvidenceRegistryBinding,
    member: str,
    ucr: str,
    events: Sequence[EpcisEvent],
    parents: Sequence[bytes] = (),
    document: bytes | None = None,
    cid: bytes = b"",
    clock: Clock = time.time,
) -> list[EvidenceEntry]:
    """The entries of `member`'s decisions on `ucr`, checked as the registry will check them, and
    more: the member is a side of the consignment, the decision time is not ahead of the clock,
    the declaration is the member's own and not decided yet (a correction retracts the decision
    in force), a correction gives its reason."""
    record = standing(binding, ucr)
    if record.side_of(member) is None:
        raise InvalidInput(
            f"{member} is neither the origin ({record.origin}) nor the destination ({record.destination}) of "
            f"{canonical_ucr(ucr)}: its customs decides nothing there",
            path="member",
        )
    latest = dt.datetime.fromtimestamp(clock(), dt.UTC) + DECISION_CLOCK_TOLERANCE
    for index, event in enumerate(events):
        if not event.step.is_customs_decision:
            raise InvalidInput(f"step {event.step.slug} is not a customs decision: use append", path=f"events.{index}")
        moment = dt.datetime.fromisoformat(str(event.data["eventTime"]).replace("Z", "+00:00"))
        if moment > latest:
            raise InvalidInput(
                f"the decision time {event.data['eventTime']} is later than now: a decision is recorded once made",
                path=f"events.{index}.eventTime",
            )
        error = event.data.get("errorDeclaration")
        if isinstance(error, dict) and not str(error.get("reason") or "").strip():
            raise InvalidInput("a corrected decision gives its reason", path=f"events.{index}.errorDeclaration.reason")
    consignment = consignment_id(ucr)
    needs_history = any("errorDeclaration" in e.data or e.step is Step.INSPECTION_RESULT_ACCEPTED for e in events)
    recorded = binding.recorded(consignment) if needs_history else []
    entries = to_entries(
        events,
        consignment=consignment,
        recorded=recorded,
        parents=parents,
        document=document,
        cid=cid,
        deciding_member=member,
    )
    _check_effective(binding, member=member, ucr=ucr, entries=entries)
    _check_acceptances(record=record, member=member, ucr=ucr, events=events, recorded=recorded)
    return entries


def _check_acceptances(
    *,
    record: ConsignmentRecord,
    member: str,
    ucr: str,
    events: Sequence[EpcisEvent],
    recorded: Sequence[RecordedEntry],
) -> None:
    """Accepting an inspection result is one side's decision about the other side's result: the
    accepting administration is the deciding member, and the result it accepts is an
    inspection-result the other side recorded on this consignment."""
    accepting = [(i, e) for i, e in enumerate(events) if e.step is Step.INSPECTION_RESULT_ACCEPTED]
    if not accepting:
        return
    own = record.side_of(member)
    results = {
        r.entry.event_hash
        for r in recorded
        if r.entry.step == Step.INSPECTION_RESULT and not r.entry.correction and r.side not in (own, Side.PARTY)
    }
    other = record.destination if own is Side.EXPORT else record.origin
    for index, event in accepting:
        accepted = accepted_result(event.data, dict(prefixes_of(event.context)))
        if accepted is None:  # pragma: no cover - parse_epcis requires it on this step
            continue
        if accepted.administration != member:
            raise InvalidInput(
                f"{member} accepts results for itself: the acceptance names {accepted.administration}",
                path=f"events.{index}.acceptedResult.administration",
            )
        if EventHash.from_ni(accepted.eventHash).digest not in results:
            raise InvalidInput(
                f"{member} accepts {accepted.eventHash}, which is not an inspection result {other} recorded on "
                f"{canonical_ucr(ucr)}",
                path=f"events.{index}.acceptedResult.eventHash",
            )


def _check_effective(
    binding: EvidenceRegistryBinding, *, member: str, ucr: str, entries: Sequence[EvidenceEntry]
) -> None:
    """Refuse a decision on a key that has one in force (unless retracted first, in order)."""
    effective: dict[tuple[bytes, bytes, int], bytes | None] = {}
    for index, entry in enumerate(entries):
        key = (entry.consignment, entry.declaration, entry.step)
        if key not in effective:
            effective[key] = binding.effective_decision(
                consignment=entry.consignment, member=member_id_bytes(member), declaration=entry.declaration,
                step=entry.step,
            )  # fmt: skip
        current = effective[key]
        if entry.correction:
            if current is None or entry.parents[0] != current:
                raise InvalidInput(
                    f"the correction names an entry that is not {member}'s decision in force on this declaration",
                    path=f"events.{index}.errorDeclaration",
                )
            effective[key] = None
        elif current is not None:
            where = f"entry 0x{current.hex()}" if current else "earlier in this input"
            raise InvalidInput(
                f"{member} already decided {Step(entry.step).slug} on this declaration of {canonical_ucr(ucr)} "
                f"({where}); a different decision is a correction: an errorDeclaration "
                "of that event, with its reason, then the new decision",
                path=f"events.{index}",
            )
        else:
            effective[key] = b""  # decided earlier in this input


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
    clock: Clock = time.time,
) -> AppendResult:
    """Record customs decisions of `member` (the consignment's origin or destination), signed
    by `signers` (a quorum of its oracles).

    The nonce defaults to the hash of the entries: the same decisions submitted twice are
    refused by the registry rather than recorded twice.
    """
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    entries = decision_entries(
        binding=binding, member=member, ucr=ucr, events=events, parents=parents, document=document, cid=cid,
        clock=clock,
    )  # fmt: skip
    runs = batches(entries)
    if nonce is not None and len(runs) > 1:
        raise InvalidInput(f"one nonce signs at most {MAX_BATCH} decisions", path="nonce")
    signing = DecisionSigning(client, binding.address)
    member_bytes = member_id_bytes(member)
    before = binding.heads([consignment])[0].seq
    sent = []
    for run in runs:
        run_nonce = signing.nonce(member=member_bytes, entries=run) if nonce is None else nonce
        deadline = int(clock()) + DECISION_DEADLINE_SECONDS
        digest = signing.digest(member=member_bytes, entries=run, nonce=run_nonce, deadline=deadline)
        signatures = [sign_digest(account, digest) for account in signers]
        sent.append(
            binding.submit_decisions(
                member=member_bytes, entries=run, nonce=run_nonce, deadline=deadline, signatures=signatures
            )
        )
    return _appended(ucr=ucr, consignment=consignment, first_seq=before + 1, entries=len(entries), sent=sent)


def audit_consignment(*, client: LedgerClient, ucr: str) -> tuple[list[RecordedEntry], ChainReport]:
    """The recorded entries of `ucr` and the check of their chain against the registry's head."""
    consignment = consignment_id(ucr)
    binding = EvidenceRegistryBinding.holding(client, consignment)
    recorded = binding.recorded(consignment)
    head = binding.heads([consignment])[0]
    return recorded, check_chain(consignment, recorded, head)


def audit_references(*, client: LedgerClient, ucrs: Sequence[str], strict: bool = False) -> ReferenceReport:
    """The parents of every entry of the consignments `ucrs`, resolved against their recorded
    entries (ledger.evidence.audit.check_references): give every consignment a chain names to
    resolve it; what stays unknown is unresolved, a problem only with `strict`."""
    recorded = [
        EvidenceRegistryBinding.holding(client, consignment_id(ucr)).recorded(consignment_id(ucr)) for ucr in ucrs
    ]
    return check_references(by_link(*recorded), strict=strict)
