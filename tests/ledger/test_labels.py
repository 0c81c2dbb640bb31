"""Every machine code people can meet has a label in English and in Chinese."""

from __future__ import annotations

import re
from enum import Enum

import pytest

from ledger.aeo.codes import MraStatus, Status
from ledger.certificates.status import CertificateStatus
from ledger.evidence.vocabulary import Step
from ledger.index.catalogue import known_events
from ledger.labels import Lang, Vocabulary, label, labels, reader_lang
from ledger.reasons import Reason


def _slug(member: Enum) -> str:
    return member.name.lower().replace("_", "-")


CODES: dict[Vocabulary, set[str]] = {
    Vocabulary.EVENT: set(known_events()),
    Vocabulary.STEP: {step.slug for step in Step},
    Vocabulary.REASON: {reason.slug for reason in Reason},
    Vocabulary.CERTIFICATE_STATUS: {status.label for status in CertificateStatus},
    Vocabulary.AEO_STATUS: {_slug(status) for status in Status},
    Vocabulary.MRA_STATUS: {_slug(status) for status in MraStatus},
    Vocabulary.ACCOUNT: {"admin", "accredited"},
    Vocabulary.ENTRY: {"correction"},
}
LATIN = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("vocabulary", list(Vocabulary))
def test_every_code_has_an_english_and_a_chinese_label(vocabulary: Vocabulary) -> None:
    table = labels(vocabulary)
    missing = sorted(code for code in CODES[vocabulary] if set(table.get(code, {})) != {"en", "zh"})
    assert missing == [], f"{vocabulary.value} codes without both labels: {missing}"
    assert sorted(set(table) - CODES[vocabulary]) == [], "labels of codes that no longer exist"
    for code, texts in table.items():
        assert texts["en"].strip(), code
        # Chinese labels are Chinese (AEO, an acronym the administrations use, aside)
        chinese = PLACEHOLDER.sub("", texts["zh"]).replace("AEO", "")
        assert LATIN.findall(chinese) == [], f"{code}: {texts['zh']}"
        assert placeholders(texts["zh"]) == placeholders(texts["en"]), code


def test_a_code_without_a_label_is_shown_as_it_is() -> None:
    assert label(Vocabulary.EVENT, "CertificateRevoked", Lang.ZH) == "证书撤销"
    assert label(Vocabulary.EVENT, "SomethingNew", Lang.ZH) == "SomethingNew"
    assert label(Vocabulary.REASON, 4242, Lang.EN) == "4242"


@pytest.mark.parametrize(
    ("requested", "environ", "expected"),
    [
        (None, {}, Lang.EN),
        (None, {"LANG": "zh_CN.UTF-8"}, Lang.ZH),
        (None, {"LANG": "zh_CN.UTF-8", "SANZHI_LANG": "en"}, Lang.EN),
        ("zh", {"SANZHI_LANG": "en"}, Lang.ZH),
        (" ZH ", {}, Lang.ZH),
        (None, {"LANG": "C.UTF-8"}, Lang.EN),
        (None, {"SANZHI_LANG": "fr", "LANG": "zh_TW"}, Lang.ZH),
    ],
)
def test_the_command_lines_language(requested: str | None, environ: dict[str, str], expected: Lang) -> None:
    assert reader_lang(requested, environ) is expected


def test_an_account_is_named_with_the_member_that_named_it() -> None:
    from ledger.consortium.names import AccountName
    from ledger.index.labelled import account_label

    named = AccountName(address="0x" + "11" * 20, name="Ningbo Chamber", member_id="CN", member_name="China Customs")
    assert account_label(named, Lang.EN) == named.label == "Ningbo Chamber, accredited by CN"
    assert account_label(named, Lang.ZH) == "Ningbo Chamber（由 CN 认可）"  # noqa: RUF001 - Chinese punctuation
    admin = AccountName(address="0x" + "22" * 20, member_id="SG", member_name="Singapore Customs", admin=True)
    assert account_label(admin, Lang.ZH) == "Singapore Customs（SG）管理员"  # noqa: RUF001 - Chinese punctuation
    assert account_label(AccountName(address="0x" + "33" * 20), Lang.ZH) is None
