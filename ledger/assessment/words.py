"""The words of the assessment's form, chart and report (words.toml beside this module)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from ledger.labels import Lang

WORDS_FILE = Path(__file__).with_name("words.toml")


@cache
def _all() -> dict[str, dict[str, str]]:
    with WORDS_FILE.open("rb") as handle:
        loaded: dict[str, dict[str, str]] = tomllib.load(handle)
    return loaded


def words(lang: Lang) -> dict[str, str]:
    """Every word in `lang`, by key."""
    return _all()[lang.value]
