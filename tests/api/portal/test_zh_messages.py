"""The Chinese catalogue is Chinese: no English word left over, lists joined with 、."""

from __future__ import annotations

import re

from api.portal.i18n import Language, catalogue

# what may stay in Latin letters in a Chinese message: codes and acronyms (AEO, API, UTC, CN,
# USCI ...), ids and numbers with digits, `0x`, a field path (`items.{index}`), and the switch
# to English, which names that language in itself
PLACEHOLDER = re.compile(r"\{[^}]*\}")
FIELD_PATH = re.compile(r"\b[a-z]+\.(?=\{)")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
OWN_NAME = {"site.switch": "English"}


def english_words(key: str, message: str) -> list[str]:
    text = PLACEHOLDER.sub("", FIELD_PATH.sub("", message)).replace("0x", "")
    if key in OWN_NAME:
        text = text.replace(OWN_NAME[key], "")
    return [w for w in WORD.findall(text) if not (w.isupper() or any(c.isdigit() for c in w))]


def test_the_checker_finds_english_and_passes_codes() -> None:
    assert english_words("k", "密钥保存在 Cookie 中") == ["Cookie"]
    assert (
        english_words("k", "AEO 互认查询，例如 USCI:91310000MA1FL8XQ30、{count} 条、0x 加 64 位、items.{index}") == []
    )


def test_no_english_word_is_left_in_a_chinese_message() -> None:
    left = {key: words for key, message in catalogue(Language.ZH).items() if (words := english_words(key, message))}
    assert left == {}


def test_chinese_lists_are_joined_with_the_enumeration_comma() -> None:
    zh = catalogue(Language.ZH)
    assert zh["list.separator"] == "、"
    with_ascii_commas = [key for key, message in zh.items() if "," in PLACEHOLDER.sub("", message)]
    assert with_ascii_commas == []
