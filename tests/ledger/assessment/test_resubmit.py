"""Submitting the same answers again (with the same evidence files) sends nothing; evidence for
an indicator the framework does not have is refused before anything is stored or anchored."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.assessment.answers import checked_answers
from ledger.assessment.errors import InvalidAnswers
from ledger.assessment.framework import load_framework
from ledger.assessment.registry import AssessmentRegistryBinding
from ledger.assessment.service import submit_assessment
from ledger.store.blobs import BlobStore
from tests.support import Chain

FRAMEWORK = load_framework()


def answers(level: int, note: str = ""):  # type: ignore[no-untyped-def]
    rows = [{"indicator": i, "level": level, "note": note if i == "SB-01" else ""} for i in FRAMEWORK.ids]
    return checked_answers({"member": "CN", "framework": FRAMEWORK.version, "answers": rows}, FRAMEWORK, source="t")


def test_the_same_answers_and_evidence_are_not_sent_again(chain: Chain, tmp_path: Path) -> None:
    admin = chain.client("cn-admin")
    assert admin.account is not None
    blobs = BlobStore.configured(chain.settings)
    decree = tmp_path / "decree.txt"
    decree.write_text("decree on the single window\n")

    def submit(level: int, note: str = "", file: Path = decree):  # type: ignore[no-untyped-def]
        return submit_assessment(client=admin, account=admin.account, answers=answers(level, note),  # type: ignore[arg-type]
                                 framework=FRAMEWORK, blobs=blobs, evidence={"SB-01": [file]})  # fmt: skip

    first = submit(2)
    assert (first.number, first.already_submitted) == (1, False)
    block = admin.block_number()
    copy = tmp_path / "copy-of-decree.txt"  # another file name, the same content
    copy.write_bytes(decree.read_bytes())
    again = submit(2, file=copy)
    assert (again.number, again.already_submitted, again.evidence) == (1, True, {})
    assert admin.block_number() == block  # nothing stored, anchored or submitted
    decree.write_text("decree on the single window, amended\n")
    assert submit(2).number == 2  # the evidence changed
    assert submit(2, note="amended decree").number == 3  # the note changed
    assert submit(3, note="amended decree").number == 4  # a level changed
    assert len(AssessmentRegistryBinding(admin).history("CN")) == 4


def test_evidence_for_an_unknown_indicator_is_refused_before_anything_is_anchored(chain: Chain, tmp_path: Path) -> None:
    admin = chain.client("cn-admin")
    assert admin.account is not None
    file = tmp_path / "audit.pdf"
    file.write_bytes(b"%PDF-1.7 audit")
    block = admin.block_number()
    with pytest.raises(InvalidAnswers, match="no indicator XX-99 in framework"):
        submit_assessment(client=admin, account=admin.account, answers=answers(1), framework=FRAMEWORK,
                          blobs=BlobStore.configured(chain.settings),
                          evidence={"SB-01": [file], "XX-99": [file]})  # fmt: skip
    assert admin.block_number() == block
