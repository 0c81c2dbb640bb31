"""Reason codes for certificate and AEO status changes: names for people, numbers on chain."""

from __future__ import annotations

from ledger.errors import InvalidInput

CERTIFICATE_REASONS: dict[str, int] = {
    "fraud": 1,
    "clerical-error": 2,
    "superseded": 3,
    "issued-in-error": 4,
    "withdrawn-by-exporter": 5,
    "non-compliance": 6,
    "under-investigation": 7,
    "other": 99,
}


def reason_code(value: str, table: dict[str, int] = CERTIFICATE_REASONS) -> int:
    """A reason given by name (`fraud`) or number (`1`) as its number."""
    text = value.strip().lower()
    if text.isdigit():
        number = int(text)
        if not 0 < number < 2**16:
            raise InvalidInput(f"reason code {number} is out of range 1..65535", path="reason")
        return number
    if text in table:
        return table[text]
    raise InvalidInput(f"unknown reason {value!r}; one of {', '.join(table)} or a number", path="reason")


def reason_name(number: int, table: dict[str, int] = CERTIFICATE_REASONS) -> str:
    for name, code in table.items():
        if code == number:
            return name
    return str(number)
