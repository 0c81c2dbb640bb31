"""What an auditor checks of a consignment's evidence chain: every recorded entry links to the
one before, in order, without gaps, up to the head the registry holds now."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from ledger.evidence.entries import entry_link, first_link, head_link
from ledger.evidence.registry import Head, RecordedEntry


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
