"""What an auditor checks of a consignment's evidence chain: every recorded entry links to the
one before, in order, without gaps, up to the head the registry holds now; the parents entries
name resolve to recorded entries, and corrections correct one; the events the auditor holds are
the ones recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from ledger.evidence.contexts import prefixes_of
from ledger.evidence.entries import entry_link, first_link, head_link
from ledger.evidence.epcis import EpcisEvent
from ledger.evidence.registry import Head, RecordedEntry
from ledger.evidence.vocabulary import CUSTOMS_NAMESPACE, expand_iri


class ChainProblem(BaseModel):
    seq: int | None
    problem: str


class ChainReport(BaseModel):
    """The verdict on one consignment's chain; `intact` only when there is no problem."""

    consignment: str
    entries: int
    head_seq: int
    intact: bool
    problems: list[ChainProblem]


def check_chain(consignment: bytes, recorded: Sequence[RecordedEntry], head: Head) -> ChainReport:
    """Recompute every link from the recorded entries and compare with the events and the head.

    Detects gaps (a sequence number missing), reordering (numbers out of order), altered
    entries (a recomputed link differs), and truncation (the head counts more entries than are
    shown, or a shorter chain is presented as the whole).
    """
    problems: list[ChainProblem] = []
    link = first_link(consignment)
    expected = 1
    for item in recorded:
        if item.seq != expected:
            kind = "missing" if item.seq > expected else "out of order or repeated"
            problems.append(ChainProblem(seq=item.seq, problem=f"entry {expected} is {kind}: found entry {item.seq}"))
            expected = item.seq
        computed = entry_link(
            item.entry,
            prev_link=link,
            seq=item.seq,
            side=item.side,
            member=item.member,
            submitter=item.submitter,
            timestamp=item.timestamp,
        )
        if computed != item.link:
            problems.append(
                ChainProblem(
                    seq=item.seq, problem="the entry does not hash to its recorded link (altered or misplaced)"
                )
            )
        link = head_link(item.link)
        expected += 1
    shown = len(recorded)
    if head.seq != (recorded[-1].seq if recorded else 0):
        problems.append(
            ChainProblem(
                seq=None, problem=f"the registry's head counts {head.seq} entries; {shown} are shown (truncated)"
            )
        )
    elif recorded and int(head.link, 16) != link:
        problems.append(ChainProblem(seq=None, problem="the registry's head does not commit to the entries shown"))
    return ChainReport(
        consignment="0x" + consignment.hex(),
        entries=shown,
        head_seq=head.seq,
        intact=not problems,
        problems=problems,
    )


class Reference(BaseModel):
    """A parent named by a recorded entry, and the recorded entry it names (if one was given)."""

    consignment: str
    seq: int
    parent: str
    resolved: bool
    parent_consignment: str | None = None
    parent_seq: int | None = None


class ReferenceReport(BaseModel):
    """Every parent of the given entries: resolved (a recorded entry of the consignments given)
    or unresolved (a certificate leaf, an entry of a consignment not given, or nothing at all).
    `problems` holds corrections that correct no recorded entry of the same event, and, when
    asked (`strict`), every unresolved parent; `intact` only when there is none."""

    references: list[Reference]
    unresolved: list[Reference]
    problems: list[ChainProblem]
    intact: bool


def by_link(*recorded: Sequence[RecordedEntry]) -> dict[bytes, RecordedEntry]:
    """The recorded entries of one or more consignments, by their (full) link."""
    return {item.link: item for entries in recorded for item in entries}


def check_references(recorded_by_link: Mapping[bytes, RecordedEntry], *, strict: bool = False) -> ReferenceReport:
    """Resolve the parents of every entry in `recorded_by_link` against its keys (the links of
    the consignments given; see `by_link`). The registry stores parents as given and checks none
    of them: a parent naming no recorded entry is reported unresolved, and is a problem only
    with `strict` (certificate leaves and entries of other consignments are legitimately
    unknown here). A correction must name, as its first parent, an earlier recorded entry of its
    own consignment with the same event hash (EPCIS errorDeclaration: the corrected event),
    recorded for the same member; anything else is a problem (the registry checks none of it)."""
    references: list[Reference] = []
    problems: list[ChainProblem] = []
    for item in sorted(recorded_by_link.values(), key=lambda r: (r.entry.consignment, r.seq)):
        consignment = "0x" + item.entry.consignment.hex()
        for parent in item.entry.parents:
            target = recorded_by_link.get(parent)
            references.append(
                Reference(
                    consignment=consignment,
                    seq=item.seq,
                    parent="0x" + parent.hex(),
                    resolved=target is not None,
                    parent_consignment="0x" + target.entry.consignment.hex() if target else None,
                    parent_seq=target.seq if target else None,
                )
            )
        if item.entry.correction:
            corrected = recorded_by_link.get(item.entry.parents[0]) if item.entry.parents else None
            if (
                corrected is None
                or corrected.entry.consignment != item.entry.consignment
                or corrected.entry.event_hash != item.entry.event_hash
                or corrected.seq >= item.seq
            ):
                problems.append(
                    ChainProblem(
                        seq=item.seq,
                        problem=f"correction {item.seq} of {consignment} corrects no earlier recorded entry "
                        "of the same event in its consignment",
                    )
                )
            elif corrected.member != item.member:
                problems.append(
                    ChainProblem(
                        seq=item.seq,
                        problem=f"correction {item.seq} of {consignment}, recorded for {item.member_id}, corrects "
                        f"entry {corrected.seq}, recorded for {corrected.member_id}",
                    )
                )
    unresolved = [r for r in references if not r.resolved]
    if strict:
        problems.extend(
            ChainProblem(seq=r.seq, problem=f"entry {r.seq} of {r.consignment} names {r.parent}, no recorded entry")
            for r in unresolved
        )
    return ReferenceReport(references=references, unresolved=unresolved, problems=problems, intact=not problems)


class EventCheck(BaseModel):
    """One EPCIS event an auditor holds, against a consignment's recorded entries: where it is
    recorded (its hash, step and event type), whether a later entry corrects it, and the
    supervision media it names. `misrecorded` are entries with its hash but another step or
    event type (the registry cannot see the event, so it takes any step with any hash)."""

    event_hash: str
    step: str
    on_chain: bool
    seqs: list[int]
    corrected_by: list[int]
    misrecorded: list[int]
    media: list[dict[str, Any]]


def check_events(recorded: Sequence[RecordedEntry], events: Sequence[EpcisEvent]) -> list[EventCheck]:
    """Match events (from their JSON) to the recorded entries of one consignment by GS1 event
    hash, step and event type. An event altered in any hashed field (media hashes included) is
    `on_chain` False. An
    error declaration has the hash of the event it corrects, so both list the same entries;
    `corrected_by` names the correction entries."""
    checks = []
    for event in events:
        digest = event.hash.digest
        same_hash = [r for r in recorded if r.entry.event_hash == digest]
        matching = [
            r for r in same_hash if r.entry.step == int(event.step) and r.entry.event_type == int(event.event_type)
        ]
        prefixes = prefixes_of(event.context)
        media: list[dict[str, Any]] = []
        for key, value in event.data.items():
            if expand_iri(key, prefixes) == CUSTOMS_NAMESPACE + "supervisionMedia" and isinstance(value, list):
                media.extend(dict(item) for item in value if isinstance(item, Mapping))
        checks.append(
            EventCheck(
                event_hash=event.hash.ni,
                step=event.step.slug,
                on_chain=bool(matching),
                seqs=[r.seq for r in matching if not r.entry.correction],
                corrected_by=[r.seq for r in matching if r.entry.correction],
                misrecorded=[r.seq for r in same_hash if r not in matching],
                media=media,
            )
        )
    return checks
