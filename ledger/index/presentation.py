"""Indexed events as people read them: UTC times, member ids, role and type names, reason and
tier names, quantities in the certificate's units. The stored arguments stay as the chain
emitted them; this is applied when an event is read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.aeo.codes import tier_name, tiers_of_mask
from ledger.alerts.models import Severity
from ledger.certificates.quantities import format_quantity
from ledger.consortium.binding import ProposalKind
from ledger.consortium.names import AccountName
from ledger.evidence.vocabulary import Side, step_name
from ledger.ids import CERTIFICATE_TYPE_NAMES, ROLE_NAMES
from ledger.index.catalogue import MEMBER_ARGS
from ledger.reasons import reason_name
from ledger.store.cid import shown_cid
from ledger.timestamps import iso

TIME_ARGS = frozenset(
    {"expiresAt", "validFrom", "validUntil", "effectiveAt", "effectiveFrom", "deadline", "at", "since", "until"}
)
QUANTITY_ARGS = frozenset({"amount", "remaining"})
TIER_MASK_ARGS = frozenset({"tiersRecognisedByProposer", "tiersRecognisedByPartner", "memberTiers", "partnerTiers"})
_ZERO = "0x" + "00" * 32


class AuditEvent(BaseModel):
    """One indexed contract event."""

    time: datetime  # the block's, UTC
    block_number: int
    log_index: int
    tx_hash: str
    block_hash: str
    contract: str
    contract_address: str
    event: str
    actor: str  # the transaction's sender
    signers: list[str] | None = None  # the oracles whose quorum signatures it carried
    organisation: str | None = None  # the member it acted for
    details: dict[str, Any]
    event_label: str | None = None  # `event` in the reader's language, where a `lang` was asked for
    actor_name: AccountName | None = None  # who `actor` is, where the answer names accounts


@lru_cache(maxsize=8192)
def checksummed(address: str) -> str:
    """EIP-55 form of a 0x address. Cached: a page names the same few contracts and accounts
    over and over, and eth_utils hashes each time (about 60 µs, most of a page's time)."""
    return to_checksum_address(address)


def member_text(value: str) -> str:
    """A member id as the index stores it (0x and 32 bytes, left-aligned) as text: `CN`."""
    return bytes.fromhex(value[2:]).rstrip(b"\0").decode(errors="replace")


def _by_id(names: Mapping[bytes, str]) -> Callable[[str], str]:
    return lambda value: names.get(bytes.fromhex(value[2:]), value)


def _scope(value: str) -> str | None:
    if value == _ZERO:
        return None
    return CERTIFICATE_TYPE_NAMES.get(bytes.fromhex(value[2:]), value)


def _text32(value: str) -> str:
    """A bytes32 written as short text (a party's role, a voiding reason) as that text."""
    raw = bytes.fromhex(value[2:]).rstrip(b"\0")
    return raw.decode("ascii") if raw and all(32 <= b < 127 for b in raw) else value


def _role(value: str) -> str:
    """An accreditation role's name, or a consignment party's role (short text)."""
    named = ROLE_NAMES.get(bytes.fromhex(value[2:]))
    return named if named is not None else _text32(value)


def _reason(value: Any) -> Any:
    """A certificate reason code's name, or a voiding reason (short text)."""
    return _text32(value) if isinstance(value, str) else reason_name(value)


def _side(value: int) -> str:
    try:
        return Side(value).label
    except ValueError:
        return str(value)


def _severity(value: int) -> str:
    try:
        return Severity.of_code(value).value
    except IndexError:
        return str(value)


def _alert_scope(value: Any) -> Any:
    """An alert's scope tuple as the library's AlertScope names its parts."""
    try:
        hs, origins, destinations, operator, loading, discharge = value
        return {
            "hs": [_ascii(h) for h in hs],
            "origins": [member_text(m) for m in origins],
            "destinations": [member_text(m) for m in destinations],
            "operator": None if operator == _ZERO else operator,
            "ports_of_loading": [_ascii(p) for p in loading],
            "ports_of_discharge": [_ascii(p) for p in discharge],
        }
    except (TypeError, ValueError):
        return value


def _ascii(value: str) -> str:
    return bytes.fromhex(value[2:]).rstrip(b"\0").decode("ascii", errors="replace")


def _cid(value: str) -> str | None:
    return shown_cid(bytes.fromhex(value[2:]))


def _proposal_kind(value: int) -> str:
    try:
        return ProposalKind(value).name.lower().replace("_", "-")
    except ValueError:
        return str(value)


_BY_NAME: dict[str, Callable[[Any], Any]] = {
    "certType": _by_id(CERTIFICATE_TYPE_NAMES),
    "role": _role,
    "scope": _scope,
    "reason": _reason,
    "step": step_name,
    "side": _side,
    "tier": tier_name,
    "kind": _proposal_kind,
    "severity": _severity,
    "alertScope": _alert_scope,
    "reasonCid": _cid,
}


def _shown(name: str, value: Any) -> Any:
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return checksummed(value)
    if name in MEMBER_ARGS and isinstance(value, str):
        return member_text(value)
    if name in TIME_ARGS and isinstance(value, int):
        return iso(value, empty="") or None
    if name in QUANTITY_ARGS and isinstance(value, int):
        return format_quantity(value)
    if name in TIER_MASK_ARGS and isinstance(value, int):
        return tiers_of_mask(value)
    convert = _BY_NAME.get(name)
    return convert(value) if convert is not None else value


def details(args: Mapping[str, Any]) -> dict[str, Any]:
    """The event's arguments, each in the unit people use for it."""
    return {name: _shown(name, value) for name, value in args.items()}


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def audit_event(row: Mapping[Any, Any]) -> AuditEvent:
    """An AuditEvent from a `chain_events` row."""
    return AuditEvent(
        time=datetime.fromtimestamp(row["block_time"], tz=UTC),
        block_number=row["block_number"],
        log_index=row["log_index"],
        tx_hash=_hex(row["tx_hash"]),
        block_hash=_hex(row["block_hash"]),
        contract=row["contract"],
        contract_address=checksummed(_hex(row["contract_address"])),
        event=row["event"],
        actor=checksummed(_hex(row["actor"])),
        signers=row["signers"],
        organisation=row["organisation"],
        details=details(row["args"]),
    )
