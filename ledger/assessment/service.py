"""Submitting a self-assessment: its evidence and answers shared with every member, its root on chain."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.assessment.answers import Answer, Answers
from ledger.assessment.commitment import answers_root
from ledger.assessment.errors import InvalidAnswers, NotAMemberAdmin, WrongMember
from ledger.assessment.framework import Framework
from ledger.assessment.reading import read_submission
from ledger.assessment.registry import AssessmentRegistryBinding, Submission
from ledger.assessment.sharing import file_sha256, member_readers, share_bytes, share_file, shared_sha256
from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import LedgerError
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
    Answers (and evidence contents) that are the member's latest submission's are not sent again."""
    files = evidence or {}
    unknown = sorted(set(files) - set(framework.ids))
    if unknown:  # refused before anything is stored or anchored
        raise InvalidAnswers(f"no indicator {unknown[0]} in framework {framework.version}", path="--evidence")
    member = ConsortiumBinding(client).member_of(client.address)
    if member is None:
        raise NotAMemberAdmin(client.address)
    if member != answers.member:
        raise WrongMember(answers.member, client.address, member)
    registry = AssessmentRegistryBinding(client)
    documents = DocumentRegistryBinding(client)
    readers = member_readers(client)
    history = registry.history(member)
    if history and _unchanged(
        history[-1], answers, files, account=account, framework=framework, blobs=blobs, client=client
    ):
        return _result(history[-1], readers.keys, readers.members_without_key, None, {}, tx=None, already=True)
    added: dict[str, list[str]] = {}
    for indicator, paths in files.items():
        added[indicator] = [
            share_file(source=p, sender=account, readers=readers, blobs=blobs, registry=documents).text for p in paths
        ]
    answers = _with_evidence(answers, added)
    cid = share_bytes(
        data=canonical_json(answers.model_dump(mode="json")),
        name=f"assessment-{member}.json",
        sender=account,
        readers=readers,
        blobs=blobs,
        registry=documents,
    )
    sent = registry.submit(
        framework=answers.framework,
        root=answers_root(answers),
        answers_digest=cid.digest,
        indicators=len(answers.answers),
    )
    latest = registry.history(member)[-1]
    return _result(latest, readers.keys, readers.members_without_key, cid.text, added, tx=sent.tx_hash, already=False)


def _unchanged(
    latest: Submission,
    answers: Answers,
    files: dict[str, list[Path]],
    *,
    account: LocalAccount,
    framework: Framework,
    blobs: BlobStore,
    client: LedgerClient,
) -> bool:
    """Whether `answers` with evidence `files` say what the `latest` submission says: the same
    root without files; with files, the same levels, notes and cited CIDs, and each file the
    same content as the one shared for it (read back as the submitter, a recipient of both)."""
    if latest.framework != answers.framework:
        return False
    if not files:
        return latest.root_bytes == answers_root(answers)
    try:
        previous = read_submission(submission=latest, reader=account, framework=framework, blobs=blobs, client=client)
        for mine, theirs in zip(answers.answers, previous.answers.answers, strict=True):
            new = files.get(mine.indicator, [])
            if (mine.level, mine.note, mine.evidence) != (
                theirs.level,
                theirs.note,
                theirs.evidence[: len(mine.evidence)],
            ):
                return False
            shared = theirs.evidence[len(mine.evidence) :]
            if len(shared) != len(new):
                return False
            for cid, path in zip(shared, new, strict=True):
                if shared_sha256(cid=cid, reader=account, blobs=blobs, client=client) != file_sha256(path):
                    return False
    except LedgerError:  # the latest cannot be read back (or cites what is gone): submit anew
        return False
    return True


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
