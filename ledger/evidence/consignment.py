"""Consignment ids: keccak256 of a WCO Unique Consignment Reference (UCR) in canonical spelling.

What we accept (loosely, after WCO's UCR recommendation: year, country, exporter id, reference):

- canonical spelling: surrounding whitespace removed, ASCII letters upper-cased;
- then: one digit (the last digit of the year), an ISO 3166-1 alpha-2 country code (the
  exporter's), and at least two more characters, the exporter's id followed by the exporter's
  reference, made of A-Z, 0-9 and `-` `.` `/` (no spaces), starting with a letter or digit;
- 35 characters at most (WCO's maximum length).

Exporter id and reference are not split: the UCR needs no separator between them, and the id
covers the whole string. Anything else is refused with the reason.
"""

from __future__ import annotations

import re

from ledger.documents.countries import ISO_3166_ALPHA2, country_group
from ledger.errors import InvalidInput
from ledger.hashing.keccak import keccak256

MAX_UCR_LENGTH = 35
_UCR = re.compile(r"^[0-9][A-Z]{2}[A-Z0-9][A-Z0-9./-]+$")


def ucr_pattern(*, slash: bool = True, spaces: bool = True) -> str:
    """The UCRs `canonical_ucr` accepts, as a regular expression for the API's document (the
    parser refuses the others in words); `slash=False`: those a URL path can name;
    `spaces=False`: without the surrounding whitespace it strips."""
    rest = "A-Za-z0-9./-" if slash else "A-Za-z0-9.-"
    around = r"\s*" if spaces else ""
    return rf"^{around}[0-9]{country_group()}[A-Za-z0-9][{rest}]{{1,{MAX_UCR_LENGTH - 4}}}{around}$"


UCR_PATTERN = ucr_pattern()


def canonical_ucr(ucr: str) -> str:
    """The UCR as it is hashed: stripped, upper case, checked (InvalidInput otherwise)."""
    text = ucr.strip()
    if not text.isascii():
        raise InvalidInput(f"{_show(ucr)} is not a UCR: only ASCII letters, digits and - . /", path="ucr")
    text = text.upper()
    if len(text) > MAX_UCR_LENGTH:
        raise InvalidInput(f"{_show(ucr)} is not a UCR: longer than {MAX_UCR_LENGTH} characters", path="ucr")
    if not _UCR.match(text):
        raise InvalidInput(
            f"{_show(ucr)} is not a UCR: year digit, country, exporter id, reference (e.g. 6CN913100-INV2026001)",
            path="ucr",
        )
    if text[1:3] not in ISO_3166_ALPHA2:
        raise InvalidInput(f"{_show(ucr)} is not a UCR: {text[1:3]} is not an ISO 3166-1 country code", path="ucr")
    return text


def consignment_id(ucr: str) -> bytes:
    """keccak256 of the canonical UCR's ASCII bytes: the consignment's 32-byte id on chain."""
    return keccak256(canonical_ucr(ucr).encode("ascii"))


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
