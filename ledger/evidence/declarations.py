"""The customs declaration an event is about: named in the event's `bizTransactionList` with
sanzhi's type `sanzhi:BTT-customs-declaration`, as `urn:sanzhi:declaration:<MEMBER>:<ID>` (the
member whose declaration it is, and its id there). On chain an entry carries keccak256 of that
reference; a customs decision must carry exactly one, and it must be the deciding member's own.
"""

from __future__ import annotations

import re

from ledger.errors import InvalidInput
from ledger.evidence.contexts import prefixes_of
from ledger.evidence.entries import ZERO32
from ledger.evidence.epcis import BTT_DECLARATION, EpcisEvent
from ledger.evidence.vocabulary import expand_iri
from ledger.hashing.keccak import keccak256

DECLARATION_URN = "urn:sanzhi:declaration:"
_REFERENCE = re.compile(r"^urn:sanzhi:declaration:([A-Z0-9][A-Z0-9-]{0,31}):([A-Za-z0-9][A-Za-z0-9._:/-]{0,63})$")


def declaration_ref(member: str, declaration_id: str) -> str:
    """`urn:sanzhi:declaration:CN:EXP-2026-001`, checked."""
    reference = f"{DECLARATION_URN}{member.strip().upper()}:{declaration_id.strip()}"
    parse_declaration(reference)
    return reference


def parse_declaration(reference: str) -> tuple[str, str]:
    """(member, declaration id) of a declaration reference; InvalidInput otherwise."""
    found = _REFERENCE.match(reference)
    if found is None:
        raise InvalidInput(
            f"{reference!r} is not a declaration reference urn:sanzhi:declaration:<MEMBER>:<ID> "
            "(ID: letters, digits and . _ : / -, at most 64)",
            path="bizTransactionList",
        )
    return found.group(1), found.group(2)


def declarations_of(event: EpcisEvent) -> list[str]:
    """The declaration references an event names (without repeats, in order)."""
    prefixes = dict(prefixes_of(event.context))
    wanted = expand_iri(BTT_DECLARATION, prefixes)
    found: list[str] = []
    for item in event.data.get("bizTransactionList") or []:
        kind = item.get("type") if isinstance(item, dict) else None
        value = item.get("bizTransaction") if isinstance(item, dict) else None
        named = isinstance(kind, str) and isinstance(value, str) and expand_iri(kind, prefixes) == wanted
        if named and value not in found:
            found.append(str(value))
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
