"""Regular expressions for the API's document, built from the vocabularies the parsers read
(countries, tiers, event names ...), so that what the document states is what they accept."""

from __future__ import annotations

from collections.abc import Iterable

HEX32_TEXT_PATTERN = r"^\s*0[xX][0-9a-fA-F]{64}\s*$"
"""32 bytes as 0x and 64 hex digits in either case, surrounding whitespace allowed: what the
parsers of consignment ids and pseudonymous operator codes read (they strip and lower-case)."""


def either_case(letters: str) -> str:
    """A character class of `letters` in upper and lower case: [Aa], [DEde]."""
    return "[" + "".join(sorted(set(letters.upper() + letters.lower()))) + "]"


def word_in_either_case(word: str) -> str:
    """`word` matched in any case: CN -> [Cc][Nn] (other characters escaped as they are)."""
    return "".join(either_case(c) if c.isalpha() else _escape(c) for c in word)


def one_of_in_either_case(words: Iterable[str]) -> str:
    """A group matching any of `words`, in any case: (?:[Aa][Dd]|...)."""
    return "(?:" + "|".join(word_in_either_case(w) for w in sorted(set(words))) + ")"


def _escape(character: str) -> str:
    return "\\" + character if character in r".^$*+?{}[]\|()-/" else character
