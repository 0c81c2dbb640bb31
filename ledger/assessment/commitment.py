"""The answers' commitment: one canonical leaf per indicator, the leaves one Merkle tree
(OpenZeppelin conventions, `ledger.hashing.merkle`), its root what the member submits on chain.

leaf = keccak256(keccak256(canonical JSON (RFC 8785) of {"member", "framework", "indicator",
"level", "note", "evidence"})). Every leaf names its member and framework version, so an answer
proven from one submission cannot pass as another member's; one answer can be proven alone.
"""

from __future__ import annotations

from ledger.assessment.answers import Answer, Answers
from ledger.hashing.canonical import canonical_json
from ledger.hashing.keccak import keccak256
from ledger.hashing.merkle import MerkleTree, verify


def answer_leaf(answers: Answers, answer: Answer) -> bytes:
    """The Merkle leaf of one answer (see the module's docstring)."""
    body = {
        "member": answers.member,
        "framework": answers.framework,
        "indicator": answer.indicator,
        "level": answer.level,
        "note": answer.note,
        "evidence": list(answer.evidence),
    }
    return keccak256(keccak256(canonical_json(body)))


def answers_tree(answers: Answers) -> MerkleTree:
    return MerkleTree.build([answer_leaf(answers, a) for a in answers.answers])


def answers_root(answers: Answers) -> bytes:
    """The root a member submits for these answers."""
    return answers_tree(answers).root


def answer_proof(answers: Answers, indicator: str) -> list[bytes]:
    """The Merkle path of one indicator's answer."""
    answer = next(a for a in answers.answers if a.indicator == indicator)
    return answers_tree(answers).proof(answer_leaf(answers, answer))


def answer_in_root(answers: Answers, answer: Answer, proof: list[bytes], root: bytes) -> bool:
    """True when `proof` proves this one answer (of `answers`' member and framework) against `root`."""
    return verify(root, answer_leaf(answers, answer), proof)
