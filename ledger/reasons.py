"""Reason codes for certificate and AEO status changes: names for people, numbers on chain.

One vocabulary for both registries (documented in docs/formats.md). Certificate numbers are
the ones anchored since the first release and never change; reasons only AEO changes used got
numbers of their own. Any uint16 is accepted on chain; these are the ones with names.
"""

from __future__ import annotations

from enum import IntEnum

from ledger.errors import InvalidInput
from ledger.patterns import either_case


class Reason(IntEnum):
    """Why a certificate or an AEO certification changed status (uint16 on chain)."""

    UNSPECIFIED = 0  # AEO changes only: certificates need a reason
    FRAUD = 1
    CLERICAL_ERROR = 2
    SUPERSEDED = 3
    ISSUED_IN_ERROR = 4
    WITHDRAWN_BY_EXPORTER = 5
    NON_COMPLIANCE = 6
    UNDER_INVESTIGATION = 7
    VOLUNTARY = 8
    EXPIRED = 9
    SECURITY_INCIDENT = 10
    INSOLVENCY = 11
    REMEDIATED = 12
    OTHER = 99

    @property
    def slug(self) -> str:
        """`Reason.CLERICAL_ERROR` -> "clerical-error"."""
        return self.name.lower().replace("_", "-")


# Other names accepted on input for the same reason (the AEO vocabulary used to say these).
ALIASES: dict[str, Reason] = {"investigation": Reason.UNDER_INVESTIGATION}
MAX_REASON = 0xFFFF

# name -> number, every name (kept for callers that pass a table)
CERTIFICATE_REASONS: dict[str, int] = {r.slug: int(r) for r in Reason if r is not Reason.UNSPECIFIED}


def _reason_pattern() -> str:
    names = "|".join(
        "".join("[-_]" if c in "-_" else either_case(c) if c.isalpha() else c for c in name)
        for name in sorted({r.slug for r in Reason} | set(ALIASES))
    )
    number = r"0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
    return rf"^\s*(?:{number}|{names})\s*$"


REASON_PATTERN = _reason_pattern()
"""The reasons `lookup` accepts (with unspecified, 0), by name in any case or number, for the API's document."""


def lookup(value: str | int, *, allow_unspecified: bool = True) -> int:
    """A reason given by name (`fraud`, `clerical_error`, `investigation`) or number as its number.

    Any number 0..65535 is accepted (1..65535 without `allow_unspecified`).
    """
    low = 0 if allow_unspecified else 1
    if isinstance(value, int):
        number = value
    else:
        text = value.strip().lower().replace("_", "-")
        if text.isdigit():
            number = int(text)
        elif text in ALIASES:
            number = int(ALIASES[text])
        else:
            named = {r.slug: r for r in Reason}
            if text not in named:
                names = ", ".join(r.slug for r in Reason if allow_unspecified or r is not Reason.UNSPECIFIED)
                raise InvalidInput(f"unknown reason {value!r}; one of {names} or a number", path="reason")
            number = int(named[text])
    if not low <= number <= MAX_REASON:
        if number == 0:
            raise InvalidInput("a reason is required: unspecified (0) is not allowed here", path="reason")
        raise InvalidInput(f"reason code {number} is not between {low} and {MAX_REASON}", path="reason")
    return number


def reason_code(value: str, table: dict[str, int] = CERTIFICATE_REASONS) -> int:
    """A certificate change's reason given by name (`fraud`) or number (`1`) as its number (1..65535)."""
    text = value.strip().lower()
    if table is not CERTIFICATE_REASONS and text in table:
        return table[text]
    return lookup(value, allow_unspecified=False)


def reason_name(number: int, table: dict[str, int] = CERTIFICATE_REASONS) -> str:
    """The name of a reason code, or the number as text for a code without a name."""
    if table is not CERTIFICATE_REASONS:
        for name, code in table.items():
            if code == number:
                return name
    try:
        return Reason(number).slug
    except ValueError:
        return str(number)
