"""The customs declaration an event is about: named in the event's `bizTransactionList` with
sanzhi's type `sanzhi:BTT-customs-declaration`, as `urn:sanzhi:declaration:<MEMBER>:<ID>` (the
member whose declaration it is, and its id there). On chain an entry carries keccak256 of that
reference; a customs decision must carry exactly one, and it must be the deciding member's own.
"""

from __future__ import annotations

import re

from ledger.errors import InvalidInput
from ledger.evidence.entries import ZERO32
from ledger.evidence.epcis import BTT_DECLARATION, EpcisEvent
from ledger.evidence.vocabulary import CUSTOMS_NAMESPACE, CUSTOMS_PREFIX, expand_iri
from ledger.hashing.keccak import keccak256

DECLARATION_URN = "urn:sanzhi:declaration:"
DECLARATION_PATTERN = r"^urn:sanzhi:declaration:([A-Z0-9][A-Z0-9-]{0,31}):([A-Za-z0-9][A-Za-z0-9._:/-]{0,63})$"
_REFERENCE = re.compile(DECLARATION_PATTERN)
# the type naming a declaration: sanzhi's, compact (as the reference hashes it whether or not the
# context declares `sanzhi`: it is sanzhi's either way) or in full
DECLARATION_TYPES = (BTT_DECLARATION, expand_iri(BTT_DECLARATION, {CUSTOMS_PREFIX: CUSTOMS_NAMESPACE}))


def declaration_ref(member: str, declaration_id: str) -> str:
    """`urn:sanzhi:declaration:CN:EXP-2026-001`, checked."""
    reference = f"{DECLARATION_URN}{member.strip().upper()}:{declaration_id.strip()}"
    parse_declaration(reference)
    return reference


def parse_declaration(reference: str) -> tuple[str, str]:
    """(member, declaration id) of a declaration reference; InvalidInput otherwise."""
    found = _REFERENCE.fullmatch(reference)
    if found is None:
        raise InvalidInput(
            f"{reference!r} is not a declaration reference urn:sanzhi:declaration:<MEMBER>:<ID> "
            "(ID: letters, digits and . _ : / -, at most 64)",
            path="bizTransactionList",
        )
    return found.group(1), found.group(2)


def declarations_of(event: EpcisEvent) -> list[str]:
    """The declaration references an event names, in order (one named twice counts twice): the
    items of `bizTransactionList` whose type is sanzhi's declaration type (no other prefix may
    name sanzhi's namespace, ledger.evidence.contexts)."""
    found: list[str] = []
    for item in event.data.get("bizTransactionList") or []:
        kind = item.get("type") if isinstance(item, dict) else None
        value = item.get("bizTransaction") if isinstance(item, dict) else None
        if kind in DECLARATION_TYPES and isinstance(value, str):
            found.append(value)
    return found


def declaration_key(event: EpcisEvent, *, deciding_member: str | None) -> bytes:
    """What an entry carries on chain: keccak256 of the declaration reference its event names,
    or zero for a trade event that names none. A customs decision (`deciding_member` given)
    names exactly one, of that member; anything else is refused with the reason."""
    references = declarations_of(event)
    if deciding_member is None:
        if len(references) > 1:
            raise InvalidInput("a trade event names at most one customs declaration", path="bizTransactionList")
        if references and references[0].startswith(DECLARATION_URN):
            parse_declaration(references[0])  # the form decisions about it will have to name
        return keccak256(references[0].encode()) if references else ZERO32
    if len(references) != 1:
        raise InvalidInput(
            f"a customs decision ({event.step.slug}) names exactly the one declaration it decides "
            f"(bizTransactionList, type {BTT_DECLARATION}); this one names {len(references)}",
            path="bizTransactionList",
        )
    member, _ = parse_declaration(references[0])
    if member != deciding_member:
        raise InvalidInput(
            f"{deciding_member} decides on its own declarations: {references[0]} is {member}'s",
            path="bizTransactionList",
        )
    return keccak256(references[0].encode())
