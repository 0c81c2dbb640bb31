"""The two catalogues say the same things, and a request gets the language it asks for."""

from __future__ import annotations

import pytest

from api.portal.explain import finding_text
from api.portal.i18n import Language, Translator, catalogue, choose_language, placeholders
from ledger.aeo.codes import RecognitionReason, Tier, slug
from ledger.certificates.findings import ENGLISH, FindingCode, finding
from ledger.certificates.verification import FragmentName, FragmentStatus
from ledger.documents import DOCUMENT_TYPES
from ledger.reasons import Reason


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, zh = catalogue(Language.EN), catalogue(Language.ZH)
    assert sorted(en) == sorted(zh)
    differing = {key: (placeholders(en[key]), placeholders(zh[key])) for key in en}
    assert {k: v for k, v in differing.items() if v[0] != v[1]} == {}
    # a message copied over untranslated shows up here; only a dash is the same in both
    assert [key for key in en if en[key] == zh[key]] == ["recognition.not_set"]


@pytest.mark.parametrize("language", list(Language))
def test_every_finding_of_the_library_has_a_message_with_the_values_the_library_gives(language: Language) -> None:
    messages = catalogue(language)
    for code in FindingCode:
        message = messages[f"finding.{code.value}"]
        assert placeholders(message) <= placeholders(ENGLISH[code]), code


@pytest.mark.parametrize("language", list(Language))
def test_every_vocabulary_word_has_a_message(language: Language) -> None:
    messages = catalogue(language)
    keys = [
        *(f"reason.{reason.slug}" for reason in Reason),
        *(f"check.{name.value}" for name in FragmentName),
        *(f"status.{status.value}" for status in FragmentStatus),
        *(f"doc_type.{doc_type}" for doc_type in DOCUMENT_TYPES),
        *(f"recognition.reason.{slug(r)}" for r in RecognitionReason if r is not RecognitionReason.RECOGNIZED),
        *(f"tier.{slug(tier)}" for tier in Tier),
    ]
    assert [key for key in keys if key not in messages] == []


def test_a_finding_is_translated_with_its_reason_code() -> None:
    revoked = finding(FindingCode.REVOKED, reason="fraud", since="2026-03-01 08:00:00Z")
    assert finding_text(Translator(Language.ZH), revoked) == "已撤销（欺诈），自 2026-03-01 08:00:00Z 起"
    assert finding_text(Translator(Language.EN), revoked) == "revoked (fraud) since 2026-03-01 08:00:00Z"
    unnamed = finding(FindingCode.SUSPENDED, reason="4711", since="2026-03-01 08:00:00Z")
    assert "（4711）" in finding_text(Translator(Language.ZH), unnamed)


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        (None, None, Language.EN),
        (None, "", Language.EN),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", Language.ZH),
        (None, "en-GB,en;q=0.9,zh;q=0.8", Language.EN),
        (None, "en-GB, zh;q=0.1", Language.EN),  # a primary-tag match at q=1 beats an exact one at 0.1
        (None, "zh-TW, en;q=0.5", Language.ZH),
        (None, "fr, *;q=0.5, zh;q=0.4", Language.EN),  # the wildcard first: the default
        (None, "en;q=0.5, zh;q=0.9", Language.ZH),  # order in the header does not matter, q does
        (None, "zh;q=0, en;q=0.1", Language.EN),  # q=0 means "not this one"
        (None, "zh;q=0", Language.EN),
        (None, "zh-Hant-TW", Language.ZH),
        (None, "ZH-cn", Language.ZH),
        (None, "fr-FR, de;q=0.9", Language.EN),
        (None, "*", Language.EN),
        (None, "zh;q=abc, en", Language.EN),  # a malformed q drops that entry only
        (None, "garbage;;q=x,,", Language.EN),
        (None, "zh;q=1.5, en", Language.EN),  # an out-of-range q is not honoured
        (None, "en;q=0.1, " + "x" * 2000 + ", zh", Language.EN),  # absurdly long: not parsed
        ("zh", "en", Language.ZH),  # ?lang= wins over the header
        ("en", "zh-CN", Language.EN),
        (" ZH ", None, Language.ZH),
        ("fr", "zh-CN", Language.ZH),  # an unknown ?lang= falls back to the header
        ("", "zh", Language.ZH),
    ],
)
def test_the_language_comes_from_lang_then_accept_language_then_english(
    lang: str | None, header: str | None, expected: Language
) -> None:
    assert choose_language(lang, header) is expected


def test_a_document_type_in_a_finding_is_translated() -> None:
    accredited = finding(FindingCode.ISSUER_ACCREDITED, issuer="0xabc", member="CN", type="certificate-of-origin")
    assert finding_text(Translator(Language.ZH), accredited) == "0xabc 在签发时经 CN 认可签发 原产地证书"
    unknown = finding(FindingCode.UNKNOWN_TYPE, type="'bill-of-lading'")
    assert finding_text(Translator(Language.EN), unknown) == "unknown document type 'bill-of-lading'"
