"""Answers are checked strictly against the framework, and their root commits to every answer."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.assessment.answers import Answer, checked_answers
from ledger.assessment.commitment import answer_in_root, answer_proof, answers_root
from ledger.assessment.errors import InvalidAnswers
from ledger.assessment.framework import load_framework

FRAMEWORK = load_framework()
CID = "bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su"


def raw(**changes: Any) -> dict[str, Any]:
    answers = [{"indicator": i, "level": n % 5, "note": "", "evidence": []} for n, i in enumerate(FRAMEWORK.ids)]
    return {"member": "CN", "framework": FRAMEWORK.version, "answers": answers, **changes}


def test_every_indicator_once_in_the_frameworks_order() -> None:
    body = raw()
    body["answers"].reverse()
    answers = checked_answers(body, FRAMEWORK, source="form")
    assert [a.indicator for a in answers.answers] == FRAMEWORK.ids


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["answers"].pop(), "not answered: CO-08"),
        (lambda b: b["answers"].append(dict(b["answers"][0])), "answered twice"),
        (lambda b: b["answers"][0].update(indicator="SC-99"), "no indicator SC-99"),
        (lambda b: b["answers"][0].update(level=5), "less than or equal to 4"),
        (lambda b: b["answers"][0].update(level=-1), "greater than or equal to 0"),
        (lambda b: b["answers"][0].update(level=True), "valid integer"),
        (lambda b: b["answers"][0].update(level="3"), "valid integer"),
        (lambda b: b["answers"][0].update(evidence=["not-a-cid"]), "is not a document CID"),
        (lambda b: b["answers"][0].update(note="x" * 1001), "at most 1000"),
        (lambda b: b["answers"][0].update(colour="red"), "Extra inputs"),
        (lambda b: b.update(framework="2025.1"), "this sanzhi knows framework 2026.1"),
        (lambda b: b.update(member="cn admin"), "member"),
    ],
)
def test_bad_answers_are_refused(change: Any, message: str) -> None:
    body = raw()
    change(body)
    with pytest.raises(InvalidAnswers, match=message):
        checked_answers(body, FRAMEWORK, source="form")


def test_the_root_changes_with_any_answer_and_proves_one_alone() -> None:
    answers = checked_answers(raw(), FRAMEWORK, source="form")
    root = answers_root(answers)
    for field, value in (("level", 4), ("note", "pilot in Ningbo"), ("evidence", [CID])):
        body = raw()
        body["answers"][3][field] = value
        assert answers_root(checked_answers(body, FRAMEWORK, source="form")) != root, field
    assert answers_root(checked_answers(raw(member="SG"), FRAMEWORK, source="form")) != root
    one = answers.answers[5]
    proof = answer_proof(answers, one.indicator)
    assert answer_in_root(answers, one, proof, root)
    forged = Answer(indicator=one.indicator, level=(one.level + 1) % 5)
    assert not answer_in_root(answers, forged, proof, root)
