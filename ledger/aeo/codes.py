"""AEO vocabulary shared with AeoRegistry: operator ids, tiers, reason codes, statuses, times.

Operator ids. The chain never sees an operator's national id, only
`operator_hash(member, national_id) = keccak256(utf8("<MEMBER>:<NATIONAL ID>"))`, where MEMBER
is the certifying member's id (e.g. `CN`) and NATIONAL ID is the id as the certifying customs
knows it, conventionally prefixed with its scheme: `USCI:91310000MA1FL8XQ30` (China's unified
social credit identifier), `EORI:DE1234567890123`, `UEN:201912345K`, `AEO:SGAEO00123`. Both
parts are canonicalised: surrounding space removed, upper case, inner space removed. So a
partner customs that knows the operator's id and who certified it can compute the same hash,
and nobody can list operators from the chain. A 0x-prefixed 32-byte hex value is taken as an
already hashed id.
"""

from __future__ import annotations

import re
from enum import IntEnum

from eth_utils.crypto import keccak

from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes
from ledger.patterns import one_of_in_either_case
from ledger.reasons import Reason as Reason  # the shared vocabulary, re-exported
from ledger.reasons import lookup
from ledger.reasons import reason_name as reason_name

MAX_TIER = 15
_NATIONAL_ID = re.compile(r"^[A-Z0-9][A-Z0-9:/._-]{0,127}$")
# the operator ids `canonical_operator_id` accepts (it removes whitespace and upper-cases them),
# and so the 0x hashes too: the API's document states it, the parser refuses the others in words
OPERATOR_PATTERN = r"^\s*[A-Za-z0-9](?:\s*[A-Za-z0-9:/._-]){0,127}\s*$"
OPERATOR_TEXT_MAX = 140
"""The longest operator id a request may write: 128 characters and a few spaces between them."""
# SCHEME:ID, the scheme a letter then letters or digits (USCI, EORI, UEN, AEO ...)
_SCHEMED_ID = re.compile(r"^[A-Z][A-Z0-9]{1,15}:[A-Z0-9]")
_HASHED_ID = re.compile(r"^0x[0-9a-fA-F]{64}$")


def canonical_operator_id(national_id: str) -> str:
    """The canonical text form of a national operator id (upper case, no spaces)."""
    text = re.sub(r"\s+", "", national_id).upper()
    if not _NATIONAL_ID.match(text):
        raise InvalidInput(
            f"{national_id!r} is not an operator id (e.g. USCI:91310000MA1FL8XQ30)",
            path="operator",
        )
    return text


def schemed_operator_id(national_id: str) -> str:
    """The canonical form of an operator id that names its scheme (`USCI:...`); a bare number is
    refused, never guessed: the same digits may be different operators under different schemes."""
    text = canonical_operator_id(national_id)
    if not _SCHEMED_ID.match(text):
        raise InvalidInput(
            f"{national_id.strip()!r} has no scheme: write it as SCHEME:ID"
            " (e.g. USCI:91310000MA1FL8XQ30, EORI:DE123...)",
            path="operator_id",
        )
    return text


def operator_hash(member_id: str, national_id: str) -> bytes:
    """The on-chain operator id: keccak256 of "<MEMBER>:<NATIONAL ID>" (see module doc)."""
    if _HASHED_ID.match(national_id.strip()):
        return bytes.fromhex(national_id.strip()[2:])
    member = member_id_bytes(member_id).rstrip(b"\0").decode()
    return keccak(text=f"{member}:{canonical_operator_id(national_id)}")


class Tier(IntEnum):
    """Named tiers; any number 1..15 is valid on chain, these are the ones with names."""

    GENERAL = 1
    ADVANCED = 2


class Status(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


class ChangeKind(IntEnum):
    CERTIFY = 0
    SUSPEND = 1
    REINSTATE = 2
    REVOKE = 3


class MraStatus(IntEnum):
    NONE = 0
    IN_FORCE = 1
    SUSPENDED = 2
    TERMINATED = 3


class RecognitionReason(IntEnum):
    """Why an operator is or is not recognised, in the contract's order of checks."""

    RECOGNIZED = 0
    NOT_CERTIFIED = 1
    REVOKED = 2
    SUSPENDED = 3
    NOT_YET_VALID = 4
    EXPIRED = 5
    NO_MRA = 6
    MRA_NOT_IN_FORCE = 7
    TIER_NOT_IN_SCOPE = 8


def slug(value: IntEnum) -> str:
    """`Reason.CLERICAL_ERROR` -> "clerical-error"."""
    return value.name.lower().replace("_", "-")


def _by_slug_or_number(enum: type[IntEnum], text: str, what: str, path: str) -> int:
    cleaned = text.strip().lower().replace("_", "-")
    if cleaned.isdigit():
        return int(cleaned)
    for member in enum:
        if slug(member) == cleaned:
            return int(member)
    names = ", ".join(slug(m) for m in enum)
    raise InvalidInput(f"unknown {what} {text!r}; a number or one of {names}", path=path)


def parse_reason(text: str | int) -> int:
    """A reason code from its name (`fraud`) or number (`1`); any uint16 number is accepted.

    The vocabulary is the one certificates use (`ledger.reasons.Reason`, docs/formats.md)."""
    return lookup(text, allow_unspecified=True)


def parse_tier(text: str | int) -> int:
    """A tier from its name (`advanced`) or number 1..15."""
    tier = text if isinstance(text, int) else _by_slug_or_number(Tier, text, "tier", "tier")
    if not 1 <= tier <= MAX_TIER:
        raise InvalidInput(f"tier {tier} is not between 1 and {MAX_TIER}", path="tier")
    return tier


def _tier_pattern() -> str:
    names = one_of_in_either_case(slug(t) for t in Tier)
    return rf"\s*(?:0*(?:[1-9]|1[0-{MAX_TIER - 10}])|{names})\s*"


# a tier (`parse_tier`) and a comma-separated list of them (`parse_tiers`, which skips empty
# items) as the API's document states them: a number 1..15 or a name in either case
TIER_PATTERN = rf"^{_tier_pattern()}$"
TIERS_PATTERN = rf"^(?:\s*,)*{_tier_pattern()}(?:,(?:\s*,)*{_tier_pattern()})*(?:,\s*)*$"


def tier_name(tier: int) -> str:
    try:
        return slug(Tier(tier))
    except ValueError:
        return f"tier-{tier}"


def parse_tiers(text: str) -> int:
    """A comma-separated tier list (`general,advanced` or `1,2`) as the on-chain bit mask."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise InvalidInput("give at least one tier", path="tiers")
    mask = 0
    for part in parts:
        mask |= 1 << parse_tier(part)
    return mask


def tiers_of_mask(mask: int) -> list[str]:
    return [tier_name(t) for t in range(1, MAX_TIER + 1) if mask & (1 << t)]
