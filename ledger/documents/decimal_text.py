"""Quantities as text: the one reading of a quantity for documents, `cert utilize` and the API.

ASCII digits with at most one point and three decimals, nothing else: no exponent ("1e3"), no
other script's digits (Arabic-Indic, full-width: refused, not folded, so that what a clerk
reads is what the ledger counts), no sign, no spaces, no underscores or grouping.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ledger.documents.certificate_numbers import describe_character
from ledger.errors import InvalidInput

QUANTITY_DECIMALS = 3
QUANTITY_PATTERN = rf"^[0-9]+(\.[0-9]{{1,{QUANTITY_DECIMALS}}})?$"
MAX_QUANTITY_TEXT = 40
MAX_QUANTITY_DIGITS = 18
"""A document's quantity has at most 18 significant digits, 3 of them decimals."""
MAX_WHOLE_DIGITS = MAX_QUANTITY_DIGITS - QUANTITY_DECIMALS
POSITIVE_QUANTITY_PATTERN = (
    rf"^(?:0*[1-9][0-9]{{0,{MAX_WHOLE_DIGITS - 1}}}(\.[0-9]{{1,{QUANTITY_DECIMALS}}})?"
    r"|0+\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"
)
"""The quantities a document may state as text: QUANTITY_PATTERN, more than zero, at most 15
digits before the point (leading zeros aside)."""
_QUANTITY = re.compile(QUANTITY_PATTERN)
_ASCII_DECIMAL = re.compile(r"[0-9.]")


def quantity_problem(text: str) -> str | None:
    """Why `text` is not a quantity, in words; None when it is one (zero included)."""
    if len(text) > MAX_QUANTITY_TEXT:
        return f"a quantity has at most {MAX_QUANTITY_TEXT} characters"
    if _QUANTITY.fullmatch(text):
        return None
    odd = next((c for c in text if not _ASCII_DECIMAL.fullmatch(c)), None)
    if odd is not None:
        return f"{text!r} is not a quantity: it contains {describe_character(odd)}; write ASCII digits, e.g. 12.5"
    if re.fullmatch(r"[0-9]+\.[0-9]{4,}", text):
        return f"{text!r} has more than {QUANTITY_DECIMALS} decimals"
    return f"{text!r} is not a quantity: write ASCII digits with at most one '.', e.g. 12.5"


def read_quantity(text: str, *, path: str = "quantity") -> Decimal:
    """The positive quantity `text` states; InvalidInput in words when it is not one."""
    problem = quantity_problem(text)
    if problem is not None:
        raise InvalidInput(problem, path=path)
    value = Decimal(text)
    if value <= 0:
        raise InvalidInput("the quantity must be more than zero", path=path)
    return value
