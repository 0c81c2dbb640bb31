"""Display names of accredited accounts: what may be set on chain, and how a name read back is
made safe to show beside other text."""

from __future__ import annotations

import unicodedata

from ledger.errors import InvalidDisplayName

MAX_NAME_BYTES = 64  # Consortium.MAX_NAME_BYTES: UTF-8 bytes

# Bidirectional embeddings, overrides, isolates and marks: invisible, and they reorder the text
# that follows, so "X, accredited by SG" could be made to read as something else.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Controls, line and paragraph separators, unassigned and private-use code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cn", "Co", "Cs"})
REPLACEMENT = "\ufffd"
# What the API's document states of a name `checked_name` accepts: no control, bidirectional
# formatting, separator, surrogate or private-use character, and one that is not a space. Not
# stated: unassigned code points (they depend on the Unicode version) and the 64-byte bound of
# its UTF-8 (JSON Schema counts characters).
_REFUSED_RANGES = (
    "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ue000-\\uf8ff"
    # the private-use planes 15 and 16 (U+F0000 to U+10FFFF, their last two code points of each
    # plane noncharacters): written as the characters themselves, which JSON carries and a
    # regular expression with Unicode code points (ECMA-262's `u`, Python's) reads as a range
    + "\U000f0000-\U0010ffff"
    + "".join(f"\\u{ord(c):04x}" for c in sorted(_BIDI_CONTROLS))
)
DISPLAY_NAME_PATTERN = rf"^[^{_REFUSED_RANGES}]*[^\s{_REFUSED_RANGES}][^{_REFUSED_RANGES}]*$"


def _refused(char: str) -> bool:
    return char in _BIDI_CONTROLS or unicodedata.category(char) in _REFUSED_CATEGORIES


def checked_name(value: str, *, path: str = "name") -> str:
    """`value` as it is set on chain (NFC, surrounding spaces dropped), or InvalidDisplayName."""
    name = unicodedata.normalize("NFC", value).strip()
    if not name:
        raise InvalidDisplayName(f"is required (1 to {MAX_NAME_BYTES} bytes of text)", path=path)
    bad = next((c for c in name if _refused(c)), None)
    if bad is not None:
        raise InvalidDisplayName(f"may not contain U+{ord(bad):04X} ({_describe(bad)})", path=path)
    size = len(name.encode())
    if size > MAX_NAME_BYTES:
        raise InvalidDisplayName(f"is {size} bytes of UTF-8; at most {MAX_NAME_BYTES}", path=path)
    return name


def shown_name(value: str) -> str:
    """A name read from the chain, as shown: a name set without sanzhi (straight to the contract)
    may hold what `checked_name` refuses; each such character becomes U+FFFD."""
    return "".join(REPLACEMENT if _refused(c) else c for c in value)


def _describe(char: str) -> str:
    return unicodedata.name(char, "a control character").lower()
