"""Reading members' submitted answers back from the store, each checked against its root on chain."""

from __future__ import annotations

import threading

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.assessment.answers import Answers, parse_shared
from ledger.assessment.commitment import answers_root
from ledger.assessment.errors import AnswersMismatch, AnswersUnreadable
from ledger.assessment.framework import Framework
from ledger.assessment.registry import AssessmentRegistryBinding, Submission
from ledger.assessment.sharing import read_shared
from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput
from ledger.store.blobs import BlobStore
from ledger.store.registry import DocumentRegistryBinding


class SubmittedAnswers(BaseModel):
    """One submission with its answers, read from the store and checked against its root."""

    submission: Submission
    answers: Answers


class AnswersCache:
    """Submissions already read and checked, by (reader, member, number, root): a submission never
    changes, so a long-running reader decrypts each once. Failures are not kept (a missing file
    may be pushed to the store later)."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, int, str], SubmittedAnswers] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, int, str]) -> SubmittedAnswers | None:
        with self._lock:
            return self._found.get(key)

    def put(self, key: tuple[str, str, int, str], found: SubmittedAnswers) -> None:
        with self._lock:
            self._found[key] = found


def read_submission(
    *,
    submission: Submission,
    reader: LocalAccount,
    framework: Framework,
    blobs: BlobStore,
    client: LedgerClient,
    cache: AnswersCache | None = None,
) -> SubmittedAnswers:
    """A submission's answers from the store, refused unless they are the member's, of the
    submitted framework, and give exactly the root on chain."""
    key = (reader.address, submission.member, submission.number, submission.root)
    if cache is not None and (found := cache.get(key)) is not None:
        return found
    if submission.framework != framework.version:
        raise AnswersUnreadable(
            submission.member,
            submission.number,
            f"it answers framework {submission.framework}, not {framework.version}",
        )
    data = read_shared(
        digest=submission.digest_bytes,
        member=submission.member,
        number=submission.number,
        reader=reader,
        blobs=blobs,
        registry=DocumentRegistryBinding(client),
    )
    try:
        answers = parse_shared(data, framework, source=f"{submission.member}'s submission {submission.number}")
    except InvalidInput:  # not answers at all: not what the root commits to either
        raise AnswersMismatch(submission.member, submission.number) from None
    if answers.member != submission.member or answers_root(answers) != submission.root_bytes:
        raise AnswersMismatch(submission.member, submission.number)
    found = SubmittedAnswers(submission=submission, answers=answers)
    if cache is not None:
        cache.put(key, found)
    return found


class MemberRecord(BaseModel):
    """A member's readable submissions with their answers, oldest first; `unreadable` says why
    some are missing. `latest` is None when the member's newest submission is unreadable: an
    older one would misstate where the member stands now."""

    member: str
    name: str
    submissions: list[SubmittedAnswers]
    unreadable: list[str]
    refused: list[int]  # submissions whose answers do not give their root on chain
    newest: int  # the number of the member's newest submission

    @property
    def latest(self) -> SubmittedAnswers | None:
        found = self.submissions[-1] if self.submissions else None
        return found if found is not None and found.submission.number == self.newest else None

    @property
    def newest_refused(self) -> bool:
        return self.newest in self.refused


def read_all(
    *,
    client: LedgerClient,
    reader: LocalAccount,
    framework: Framework,
    blobs: BlobStore,
    latest_only: bool = False,
    cache: AnswersCache | None = None,
) -> list[MemberRecord]:
    """Every member's (active or past) submissions of `framework`'s version, read as `reader`
    (only each member's newest with `latest_only`). A submission this reader cannot read (not a
    recipient, another framework) is listed as unreadable; one whose answers do not give its
    root on chain is refused: listed, numbered in `refused`, and never used (one member's bad
    file does not stop the others' comparison)."""
    members = ConsortiumBinding(client).members()
    histories = AssessmentRegistryBinding(client).histories([m.id for m in members])
    records = []
    for member in members:
        history = histories[member.id][-1:] if latest_only else histories[member.id]
        if not history:
            continue
        read: list[SubmittedAnswers] = []
        unreadable: list[str] = []
        refused: list[int] = []
        for submission in history:
            try:
                found = read_submission(
                    submission=submission, reader=reader, framework=framework, blobs=blobs, client=client, cache=cache
                )
                read.append(found)
            except AnswersUnreadable as exc:
                unreadable.append(exc.message)
            except AnswersMismatch as exc:
                unreadable.append(exc.message)
                refused.append(submission.number)
        records.append(
            MemberRecord(
                member=member.id,
                name=member.name,
                submissions=read,
                unreadable=unreadable,
                refused=refused,
                newest=history[-1].number,
            )
        )
    return records
