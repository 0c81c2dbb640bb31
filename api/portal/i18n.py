"""The portal's languages: two message catalogues (zh, en) and how a request picks one.

The language is `?lang=zh|en` when given and known, else the best match of the browser's
Accept-Language header (q-values honoured, `zh-CN` matching `zh`), else English. The header is
parsed by Werkzeug (RFC 9110 syntax, malformed entries and q-values dropped).
"""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header


class Language(StrEnum):
    EN = "en"
    ZH = "zh"

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for the page's `lang` attribute (the catalogue is Simplified Chinese)."""
        return "zh-Hans" if self is Language.ZH else "en"

    @property
    def other(self) -> Language:
        return Language.EN if self is Language.ZH else Language.ZH


DEFAULT_LANGUAGE = Language.EN
MAX_ACCEPT_LANGUAGE = 1024  # a real header is tens of characters; longer ones are not parsed


def choose_language(requested: str | None, accept_language: str | None) -> Language:
    """`requested` (the `lang` query parameter) if it names a catalogue, else the best match of
    the Accept-Language header, else English."""
    if requested and requested.strip().lower() in {language.value for language in Language}:
        return Language(requested.strip().lower())
    if accept_language and len(accept_language) <= MAX_ACCEPT_LANGUAGE:
        return _lookup(parse_accept_header(accept_language, LanguageAccept))
    return DEFAULT_LANGUAGE


def _lookup(accepted: LanguageAccept) -> Language:
    """RFC 4647 lookup: the ranges by falling quality, each shortened subtag by subtag
    (`zh-Hant-TW`, `zh-Hant`, `zh`) until one names a catalogue.

    Hand-written because Werkzeug's `best_match` prefers an exact match at any quality to a
    primary-tag match: for `en-GB, zh;q=0.1` it answers zh.
    """
    known = {language.value for language in Language}
    for tag, quality in sorted(accepted, key=lambda item: -item[1]):
        if quality <= 0:
            break
        if tag == "*":
            return DEFAULT_LANGUAGE
        subtags = tag.lower().replace("_", "-").split("-")
        for end in range(len(subtags), 0, -1):
            candidate = "-".join(subtags[:end])
            if candidate in known:
                return Language(candidate)
    return DEFAULT_LANGUAGE


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise TypeError(f"catalogue entry {name} is not text")
    return flat


@cache
def catalogue(language: Language) -> dict[str, str]:
    """Every message of `language`, by dotted key (`verdict.valid`)."""
    text = resources.files("api.portal").joinpath("messages", f"{language.value}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(text))


def placeholders(message: str) -> set[str]:
    """The names a message's `{name}` placeholders use."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


class Translator:
    """The messages of one language; `translator("key", name=value)` fills the placeholders."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.messages = catalogue(language)

    def __call__(self, key: str, /, **values: object) -> str:
        return self.messages[key].format_map(values)

    def get(self, key: str, default: str) -> str:
        """The message at `key`, or `default` when the catalogue has none (e.g. a reason number)."""
        return self.messages.get(key, default)
