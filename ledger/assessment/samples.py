"""Sample self-assessments for the development consortium: CN twice (a year apart in intent, so
the chart has a history) and SG once. DEVELOPMENT ONLY: signed with the dev admins' keys."""

from __future__ import annotations

from collections.abc import Callable

from ledger.assessment.answers import Answers, checked_answers
from ledger.assessment.framework import Framework, load_framework
from ledger.assessment.registry import AssessmentRegistryBinding
from ledger.assessment.service import submit_assessment
from ledger.chain.client import LedgerClient
from ledger.errors import KeyUnavailable
from ledger.store.blobs import BlobStore

# levels in the framework's order (SC-01..08, SB-01..08, CO-01..08)
SAMPLE_LEVELS: dict[str, list[list[int]]] = {
    "CN": [
        [2, 2, 1, 1, 2, 3, 1, 1, 2, 1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1, 1, 1, 1, 1],
        [3, 3, 2, 2, 4, 3, 3, 2, 3, 2, 2, 3, 3, 3, 1, 2, 2, 2, 3, 2, 3, 2, 2, 2],
    ],
    "SG": [[4, 4, 3, 3, 3, 4, 3, 3, 4, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 2, 3, 3, 3, 3]],
}


def sample_answers(member: str, index: int, framework: Framework) -> Answers:
    rows = [
        {"indicator": i, "level": level} for i, level in zip(framework.ids, SAMPLE_LEVELS[member][index], strict=True)
    ]
    return checked_answers(
        {"member": member, "framework": framework.version, "answers": rows}, framework, source="samples"
    )


def seed_samples(*, client_for: Callable[[str], LedgerClient], blobs: BlobStore) -> list[str]:
    """Submit each member's samples it has not submitted yet (an interrupted seed is completed);
    the members seeded."""
    framework = load_framework()
    seeded = []
    for member, variants in SAMPLE_LEVELS.items():
        admin = client_for(f"{member.lower()}-admin")
        if admin.account is None:
            raise KeyUnavailable(f"the dev profile {member.lower()}-admin has no key")
        history = AssessmentRegistryBinding(admin).history(member)
        if len(history) >= len(variants):
            continue
        for index in range(len(history), len(variants)):
            answers = sample_answers(member, index, framework)
            submit_assessment(client=admin, account=admin.account, answers=answers, framework=framework, blobs=blobs)
        seeded.append(member)
    return seeded
