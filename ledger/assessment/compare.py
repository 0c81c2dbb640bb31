"""A member's profile against its previous submission, the consortium median and another member:
per indicator and per pillar, and the largest gaps with what addresses each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from statistics import fmean, median

from pydantic import BaseModel

from ledger.assessment.errors import AnswersMismatch, NoAssessment
from ledger.assessment.framework import Framework, Text
from ledger.assessment.reading import MemberRecord


class IndicatorRow(BaseModel):
    indicator: str
    pillar: str
    title: Text
    level: int
    previous: int | None
    median: float
    other: int | None
    gap: float  # median minus level: how far the member is behind the consortium's median


class PillarRow(BaseModel):
    pillar: str
    title: Text
    level: float
    previous: float | None
    median: float
    other: float | None


class Gap(BaseModel):
    indicator: str
    title: Text
    level: int
    median: float
    other: int | None
    gap: float
    addressed_by: Text


class Comparison(BaseModel):
    """What `sanzhi assess compare` reports, and the portal shows."""

    framework: str
    member: str
    member_name: str
    submission: int
    submitted_at: datetime
    previous_submission: int | None
    other: str | None
    members_in_median: list[str]
    # submissions this reader could not read (not a recipient, another framework version)
    not_read: list[str]
    pillars: list[PillarRow]
    indicators: list[IndicatorRow]
    gaps: list[Gap]
    # earlier submissions' levels per indicator, oldest first (the chart's lighter lines)
    history: list[dict[str, int]]


def pillar_means(levels: Mapping[str, float], framework: Framework) -> list[float]:
    """The mean level of each pillar's indicators, in the framework's order, to two places."""
    return [round(fmean(levels[i.id] for i in framework.of_pillar(p.id)), 2) for p in framework.pillars]


def _record(records: list[MemberRecord], member: str) -> MemberRecord:
    """The member's record; refused when its newest submission does not give its root (an older
    refused one does not change where the member stands now, and is listed as not read)."""
    found = next((r for r in records if r.member == member), None)
    if found is not None and found.newest_refused:
        raise AnswersMismatch(member, found.newest)
    if found is None or found.latest is None:
        raise NoAssessment(member)
    return found


def compare(*, records: list[MemberRecord], member: str, framework: Framework, other: str | None = None) -> Comparison:
    """`member`'s latest submission against its previous one, the median of every member's latest
    (the member's own included) and, when asked, `other`'s latest."""
    own = _record(records, member)
    latest = own.submissions[-1]
    current = [r for r in records if r.latest is not None]
    previous = own.submissions[-2] if len(own.submissions) > 1 else None
    theirs = _record(records, other).submissions[-1].answers.levels() if other else None
    latests = [r.submissions[-1].answers.levels() for r in current]
    levels = latest.answers.levels()
    before = previous.answers.levels() if previous else None
    rows = []
    for indicator in framework.indicators:
        middle = float(median(levels_of[indicator.id] for levels_of in latests))
        rows.append(
            IndicatorRow(
                indicator=indicator.id,
                pillar=indicator.pillar,
                title=indicator.title,
                level=levels[indicator.id],
                previous=before[indicator.id] if before else None,
                median=middle,
                other=theirs[indicator.id] if theirs else None,
                gap=middle - levels[indicator.id],
            )
        )
    medians = {r.indicator: r.median for r in rows}
    none = [None] * len(framework.pillars)
    pillars = [
        PillarRow(pillar=pillar.id, title=pillar.title, level=level, previous=was, median=middle, other=other)
        for pillar, level, was, middle, other in zip(
            framework.pillars,
            pillar_means(levels, framework),
            pillar_means(before, framework) if before else none,
            pillar_means(medians, framework),
            pillar_means(theirs, framework) if theirs else none,
            strict=True,
        )
    ]
    gaps = sorted(
        (
            Gap(
                indicator=r.indicator,
                title=r.title,
                level=r.level,
                median=r.median,
                other=r.other,
                gap=max(r.gap, float(r.other - r.level) if r.other is not None else 0.0),
                addressed_by=framework.indicator(r.indicator).addressed_by,
            )
            for r in rows
        ),
        key=lambda g: (-g.gap, framework.ids.index(g.indicator)),
    )
    return Comparison(
        framework=framework.version,
        member=member,
        member_name=own.name,
        submission=latest.submission.number,
        submitted_at=latest.submission.submitted_at,
        previous_submission=previous.submission.number if previous else None,
        other=other,
        members_in_median=[r.member for r in current],
        not_read=[message for r in records for message in r.unreadable],
        pillars=pillars,
        indicators=rows,
        gaps=[g for g in gaps if g.gap > 0],
        history=[s.answers.levels() for s in own.submissions[:-1]],
    )
