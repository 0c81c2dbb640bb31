"""What people read for the ledger's machine codes, in English or Chinese: event kinds, evidence
steps, reason codes and statuses (ledger/labels.toml). JSON answers keep the codes; the portal,
the command line and CSV exports show these labels beside or instead of them."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib import resources

from ledger.errors import InvalidInput


class Lang(StrEnum):
    """The languages labels are written in."""

    EN = "en"
    ZH = "zh"


class Vocabulary(StrEnum):
    """The code lists that have labels (the tables of labels.toml)."""

    EVENT = "event"
    STEP = "step"
    REASON = "reason"
    CERTIFICATE_STATUS = "certificate-status"
    AEO_STATUS = "aeo-status"
    MRA_STATUS = "mra-status"
    ACCOUNT = "account"  # templates: {member}, {member_name}, {name}
    ENTRY = "entry"  # templates of an evidence entry: {step}


@cache
def labels(vocabulary: Vocabulary) -> dict[str, dict[str, str]]:
    """Code -> {language: label} for one vocabulary."""
    text = resources.files("ledger").joinpath("labels.toml").read_text("utf-8")
    table: dict[str, dict[str, str]] = tomllib.loads(text)[vocabulary.value]
    return table


def label(vocabulary: Vocabulary, code: object, lang: Lang) -> str:
    """The label of `code` in `lang`; a code with no label (a newer contract's event, a reason
    number without a name) is shown as it is."""
    found = labels(vocabulary).get(str(code))
    return found[lang.value] if found is not None else str(code)


def lang_of(value: str | None) -> Lang | None:
    """`zh`, `zh_CN.UTF-8`, `zh-Hans`, `en_GB` ... as a Lang; None for anything else."""
    if not value:
        return None
    head = value.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
    return Lang(head) if head in {lang.value for lang in Lang} else None


def reader_lang(requested: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """The command line's language: `requested` (--lang: zh or en, else InvalidInput), else
    SANZHI_LANG, else LANG starting with zh, else English."""
    if requested is not None:
        if requested.strip().lower() not in {lang.value for lang in Lang}:
            raise InvalidInput(f"{requested!r} is not a language of this ledger: zh or en", path="lang")
        return Lang(requested.strip().lower())
    env = os.environ if environ is None else environ
    for value in (env.get("SANZHI_LANG"), env.get("LANG")):
        found = lang_of(value)
        if found is not None:
            return found
    return Lang.EN
