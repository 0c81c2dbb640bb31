"""Submitting a self-assessment and reading every member's back, checked against the chain."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.assessment.answers import Answer, Answers, parse_shared
from ledger.assessment.commitment import answers_root
from ledger.assessment.errors import AnswersMismatch, AnswersUnreadable, NotAMemberAdmin, WrongMember
from ledger.assessment.framework import Framework
from ledger.assessment.registry import AssessmentRegistryBinding, Submission
from ledger.assessment.sharing import member_readers, read_shared, share_bytes, share_file
from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput
from ledger.hashing.canonical import canonical_json
from ledger.store.blobs import BlobStore
from ledger.store.registry import DocumentRegistryBinding, PartyKey


class SubmitResult(BaseModel):
    """What `submit_assessment` did."""

    member: str
    number: int
    framework: str
    root: str
    answers_cid: str | None
    evidence: dict[str, list[str]]
    readers: list[str]
    members_without_key: list[str]
    submitted_at: datetime
    tx_hash: str | None
    already_submitted: bool


class SubmittedAnswers(BaseModel):
    """One submission with its answers, read from the store and checked against its root."""

    submission: Submission
    answers: Answers


def submit_assessment(
    *,
    client: LedgerClient,
    account: LocalAccount,
    answers: Answers,
    framework: Framework,
    blobs: BlobStore,
    evidence: dict[str, list[Path]] | None = None,
) -> SubmitResult:
    """Share the answers (and evidence files, whose CIDs join their indicator's answer) with every
    member's readers and submit their root as the client's key, the admin of answers.member.
    Answers whose root is the member's latest submission's are not sent again."""
    member = ConsortiumBinding(client).member_of(client.address)
    if member is None:
        raise NotAMemberAdmin(client.address)
    if member != answers.member:
        raise WrongMember(answers.member, client.address, member)
    registry = AssessmentRegistryBinding(client)
    documents = DocumentRegistryBinding(client)
    readers = member_readers(client)
    added: dict[str, list[str]] = {}
    for indicator, paths in (evidence or {}).items():
        added[indicator] = [
            share_file(source=p, sender=account, readers=readers, blobs=blobs, registry=documents).text for p in paths
        ]
    answers = _with_evidence(answers, added)
    root = answers_root(answers)
    history = registry.history(member)
    if history and history[-1].root_bytes == root and history[-1].framework == answers.framework:
        return _result(history[-1], readers.keys, readers.members_without_key, None, added, tx=None, already=True)
    cid = share_bytes(
        data=canonical_json(answers.model_dump(mode="json")),
        name=f"assessment-{member}.json",
        sender=account,
        readers=readers,
        blobs=blobs,
        registry=documents,
    )
    sent = registry.submit(
        framework=answers.framework, root=root, answers_digest=cid.digest, indicators=len(answers.answers)
    )
    latest = registry.history(member)[-1]
    return _result(latest, readers.keys, readers.members_without_key, cid.text, added, tx=sent.tx_hash, already=False)


def _with_evidence(answers: Answers, added: dict[str, list[str]]) -> Answers:
    rows = [
        Answer(indicator=a.indicator, level=a.level, note=a.note, evidence=[*a.evidence, *added.get(a.indicator, [])])
        for a in answers.answers
    ]
    return Answers(member=answers.member, framework=answers.framework, answers=rows)


def _result(
    submission: Submission,
    keys: list[PartyKey],
    without: list[str],
    cid: str | None,
    added: dict[str, list[str]],
    *,
    tx: str | None,
    already: bool,
) -> SubmitResult:
    return SubmitResult(
        member=submission.member,
        number=submission.number,
        framework=submission.framework,
        root=submission.root,
        answers_cid=cid,
        evidence=added,
        readers=[k.account for k in keys],
        members_without_key=without,
        submitted_at=submission.submitted_at,
        tx_hash=tx,
        already_submitted=already,
    )


def read_submission(
    *, submission: Submission, reader: LocalAccount, framework: Framework, blobs: BlobStore, client: LedgerClient
) -> SubmittedAnswers:
    """A submission's answers from the store, refused unless they are the member's, of the
    submitted framework, and give exactly the root on chain."""
    data = read_shared(
        digest=submission.digest_bytes,
        member=submission.member,
        number=submission.number,
        reader=reader,
        blobs=blobs,
        registry=DocumentRegistryBinding(client),
    )
    if submission.framework != framework.version:
        raise AnswersUnreadable(
            submission.member,
            submission.number,
            f"it answers framework {submission.framework}, not {framework.version}",
        )
    try:
        answers = parse_shared(data, framework, source=f"{submission.member}'s submission {submission.number}")
    except InvalidInput:  # not answers at all: not what the root commits to either
        raise AnswersMismatch(submission.member, submission.number) from None
    if answers.member != submission.member or answers_root(answers) != submission.root_bytes:
        raise AnswersMismatch(submission.member, submission.number)
    return SubmittedAnswers(submission=submission, answers=answers)


class MemberRecord(BaseModel):
    """A member's readable submissions with their answers, oldest first; `unreadable` says why
    some are missing. `latest` is None when the member's newest submission is unreadable: an
    older one would misstate where the member stands now."""

    member: str
    name: str
    submissions: list[SubmittedAnswers]
    unreadable: list[str]
    refused: list[int]  # submissions whose answers do not give their root on chain
    newest_readable: bool

    @property
    def latest(self) -> SubmittedAnswers | None:
        return self.submissions[-1] if self.submissions and self.newest_readable else None


def read_all(
    *, client: LedgerClient, reader: LocalAccount, framework: Framework, blobs: BlobStore
) -> list[MemberRecord]:
    """Every member's (active or past) submissions of `framework`'s version, read as `reader`.
    A submission this reader cannot read (not a recipient, another framework) is listed as
    unreadable; one whose answers do not give its root on chain is refused: listed, numbered in
    `refused`, and never used (one member's bad file does not stop the others' comparison)."""
    members = ConsortiumBinding(client).members()
    histories = AssessmentRegistryBinding(client).histories([m.id for m in members])
    records = []
    for member in members:
        read: list[SubmittedAnswers] = []
        unreadable: list[str] = []
        refused: list[int] = []
        newest_readable = True
        for submission in histories[member.id]:
            try:
                read.append(
                    read_submission(
                        submission=submission, reader=reader, framework=framework, blobs=blobs, client=client
                    )
                )
                newest_readable = True
            except AnswersUnreadable as exc:
                unreadable.append(exc.message)
                newest_readable = False
            except AnswersMismatch as exc:
                unreadable.append(exc.message)
                refused.append(submission.number)
                newest_readable = False
        if read or unreadable:
            records.append(
                MemberRecord(
                    member=member.id,
                    name=member.name,
                    submissions=read,
                    unreadable=unreadable,
                    refused=refused,
                    newest_readable=newest_readable,
                )
            )
    return records
