"""Certificate numbers: the one parser every door uses (documents, issuing, verifying, drawing,
lookups by number).

A number is read after NFKC normalization and must then be ASCII letters, digits and the
separators - / . only: a full-width number folds to its ASCII form (the same number), while a
Cyrillic look-alike letter or a zero-width character is refused by name, never counted as a
number of its own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema

from ledger.errors import InvalidInput

MAX_NUMBER_LENGTH = 256
NUMBER_PATTERN = r"^[./-]*[A-Za-z0-9][A-Za-z0-9./-]*$"
"""What a number is after NFKC (full-width forms are folded before this is checked): at least one letter or digit."""
_ALLOWED = re.compile(r"[A-Za-z0-9./-]")
_SEPARATORS = re.compile(r"[-/.]+")


class InvalidCertificateNumber(InvalidInput):
    """A certificate number with a character outside ASCII letters, digits and - / . (after NFKC)."""

    code = "invalid-certificate-number"

    def __init__(self, number: str, reason: str, *, path: str, character: str = "") -> None:
        self.number = number
        self.character = character  # the offending character, described, when one is to blame
        super().__init__(f"certificate number {number!r} {reason}", path=path)


def describe_character(character: str) -> str:
    """'U+0421 CYRILLIC CAPITAL LETTER ES', or the code point alone for unnamed (control) ones."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X} {name}" if name else f"U+{ord(character):04X} (a control character)"


def parse_certificate_number(text: str, *, path: str = "certificate_number") -> str:
    """The number as it is kept: NFKC of `text`, checked to be ASCII letters, digits and - / .;
    InvalidCertificateNumber naming the first character that is not."""
    number = unicodedata.normalize("NFKC", text)
    for character in number:
        if not _ALLOWED.fullmatch(character):
            raise InvalidCertificateNumber(
                text,
                f"contains {describe_character(character)}: numbers are ASCII letters, digits and - / . only",
                path=path,
                character=describe_character(character),
            )
    if not _SEPARATORS.sub("", number):
        raise InvalidCertificateNumber(text, "has no letters or digits", path=path)
    if len(number) > MAX_NUMBER_LENGTH:
        raise InvalidCertificateNumber(text[:40] + "...", f"is longer than {MAX_NUMBER_LENGTH} characters", path=path)
    return number


def canonical_number(text: str) -> str:
    """The form a number is counted by: parsed, upper case, without the separators - / . (so
    "cn-2026/0001" and "CN20260001" are one number and a copy cannot pass as another by its
    spelling). Numbers that were valid before NFKC keep the canonical form they always had."""
    return _SEPARATORS.sub("", parse_certificate_number(text)).upper()


def _as_pydantic_error(value: object) -> object:
    if not isinstance(value, str):
        return value  # the str schema refuses it with its own words
    try:
        return parse_certificate_number(value)
    except InvalidCertificateNumber as exc:
        raise ValueError(exc.reason) from None


CertificateNumber = Annotated[
    str,
    BeforeValidator(_as_pydantic_error),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_NUMBER_LENGTH,
            "pattern": NUMBER_PATTERN,
            "description": "Certificate number: ASCII letters, digits and - / . (full-width forms are read as "
            "their ASCII equivalents); case and separators do not make another number.",
        }
    ),
    Field(examples=["CN2026RCEP00000001"]),
]
"""A certificate number field of a document or a request (parsed with `parse_certificate_number`)."""
