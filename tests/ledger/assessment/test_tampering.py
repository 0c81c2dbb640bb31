"""A member whose shared answers are not the ones it committed is refused when read back; one
whose newest answers the reader cannot read is left out of the median."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.assessment.answers import checked_answers
from ledger.assessment.commitment import answers_root
from ledger.assessment.compare import compare
from ledger.assessment.errors import AnswersMismatch
from ledger.assessment.framework import load_framework
from ledger.assessment.reading import read_all
from ledger.assessment.registry import AssessmentRegistryBinding
from ledger.assessment.service import submit_assessment
from ledger.assessment.sharing import Readers, member_readers, share_bytes
from ledger.hashing.canonical import canonical_json
from ledger.store.blobs import BlobStore
from ledger.store.registry import DocumentRegistryBinding
from tests.support import Chain

FRAMEWORK = load_framework()


def answers(member: str, level: int):  # type: ignore[no-untyped-def]
    rows = [{"indicator": i, "level": level} for i in FRAMEWORK.ids]
    return checked_answers({"member": member, "framework": FRAMEWORK.version, "answers": rows}, FRAMEWORK, source="t")


def test_shared_answers_that_do_not_give_the_committed_root_are_refused(chain: Chain, tmp_path: Path) -> None:
    blobs = BlobStore.configured(chain.settings)
    cn = chain.client("cn-admin")
    assert cn.account is not None
    submit_assessment(client=cn, account=cn.account, answers=answers("CN", 2), framework=FRAMEWORK, blobs=blobs)
    reader = chain.client("sg-customs")
    assert reader.account is not None
    [record] = read_all(client=reader, reader=reader.account, framework=FRAMEWORK, blobs=blobs)
    assert record.latest is not None
    assert record.latest.answers.levels()["SC-01"] == 2

    # SG's admin shares answers of level 4 but commits the root of level 1
    sg = chain.client("sg-admin")
    assert sg.account is not None
    shared = share_bytes(
        data=canonical_json(answers("SG", 4).model_dump(mode="json")),
        name="sg.json",
        sender=sg.account,
        readers=member_readers(sg),
        blobs=blobs,
        registry=DocumentRegistryBinding(sg),
    )
    AssessmentRegistryBinding(sg).submit(
        framework=FRAMEWORK.version, root=answers_root(answers("SG", 1)), answers_digest=shared.digest, indicators=24
    )
    records = read_all(client=reader, reader=reader.account, framework=FRAMEWORK, blobs=blobs)
    with pytest.raises(AnswersMismatch, match="SG's answers of submission 1 do not match the root"):
        compare(records=records, member="SG", framework=FRAMEWORK)
    with pytest.raises(AnswersMismatch, match="SG's answers of submission 1"):
        compare(records=records, member="CN", other="SG", framework=FRAMEWORK)
    # CN's own comparison goes on without SG, and says why
    comparison = compare(records=records, member="CN", framework=FRAMEWORK)
    assert comparison.members_in_median == ["CN"]
    assert "do not match the root it committed" in comparison.not_read[0]


def test_a_member_whose_newest_answers_are_not_shared_with_the_reader_is_left_out(chain: Chain) -> None:
    blobs = BlobStore.configured(chain.settings)
    for member, level in (("CN", 2), ("SG", 4)):
        admin = chain.client(f"{member.lower()}-admin")
        assert admin.account is not None
        submit_assessment(
            client=admin, account=admin.account, answers=answers(member, level), framework=FRAMEWORK, blobs=blobs
        )
    # SG's next answers are readable by SG's admin alone
    sg = chain.client("sg-admin")
    assert sg.account is not None
    secret = answers("SG", 3)
    shared = share_bytes(
        data=canonical_json(secret.model_dump(mode="json")),
        name="sg.json",
        sender=sg.account,
        readers=Readers(keys=[], members_without_key=[]),
        blobs=blobs,
        registry=DocumentRegistryBinding(sg),
    )
    AssessmentRegistryBinding(sg).submit(
        framework=FRAMEWORK.version, root=answers_root(secret), answers_digest=shared.digest, indicators=24
    )
    reader = chain.client("cn-customs")
    assert reader.account is not None
    records = read_all(client=reader, reader=reader.account, framework=FRAMEWORK, blobs=blobs)
    comparison = compare(records=records, member="CN", framework=FRAMEWORK)
    # SG's level-4 answers are no longer where SG stands: the median is CN's alone
    assert comparison.members_in_median == ["CN"]
    assert {r.median for r in comparison.indicators} == {2.0}
    assert len(comparison.not_read) == 1
    assert "SG's answers of submission 2 cannot be read" in comparison.not_read[0]


def test_an_old_refused_submission_does_not_refuse_where_the_member_stands_now(chain: Chain) -> None:
    blobs = BlobStore.configured(chain.settings)
    sg = chain.client("sg-admin")
    assert sg.account is not None
    shared = share_bytes(
        data=canonical_json(answers("SG", 4).model_dump(mode="json")),
        name="sg.json",
        sender=sg.account,
        readers=member_readers(sg),
        blobs=blobs,
        registry=DocumentRegistryBinding(sg),
    )
    AssessmentRegistryBinding(sg).submit(
        framework=FRAMEWORK.version, root=answers_root(answers("SG", 1)), answers_digest=shared.digest, indicators=24
    )
    submit_assessment(client=sg, account=sg.account, answers=answers("SG", 3), framework=FRAMEWORK, blobs=blobs)
    reader = chain.client("cn-customs")
    assert reader.account is not None
    records = read_all(client=reader, reader=reader.account, framework=FRAMEWORK, blobs=blobs)
    comparison = compare(records=records, member="SG", framework=FRAMEWORK)
    assert (comparison.submission, comparison.members_in_median) == (2, ["SG"])
    assert {r.level for r in comparison.indicators} == {3}
    assert comparison.previous_submission is None  # the refused one is never used
    assert "SG's answers of submission 1 do not match the root" in comparison.not_read[0]
