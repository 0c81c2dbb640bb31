"""Normalise raw AEO export rows into typed records, or say why a row cannot be used.

Columns / keys (case-insensitive; documented with examples in oracles/README.md):
operator_id (required; scheme-prefixed national id: `USCI:...`, a bare number is refused),
tier (required; `general`, `advanced` or 1..15), valid_from (required; ISO 8601), valid_until
(optional; exclusive end), status (`active` (default), `suspended`, `revoked`), reason
(optional; name or number), evidence (optional; a 0x hash, or text that is hashed), decided_at
(optional; ISO 8601: when customs decided the row's change, which becomes its effective time on
chain; empty: when it is recorded), name (optional; never leaves this machine).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice

from ledger.aeo.codes import (
    Status,
    operator_hash,
    parse_reason,
    parse_tier,
    schemed_operator_id,
)
from ledger.aeo.registry import evidence_hash
from ledger.errors import InvalidInput
from ledger.timestamps import parse_time, to_unix
from oracles.sources.base import RawRow

MAX_NAMED_ROWS = 5  # a conflict names at most this many other rows (an export may repeat one operator a lot)
STATUSES = {
    "active": Status.ACTIVE,
    "certified": Status.ACTIVE,
    "valid": Status.ACTIVE,
    "suspended": Status.SUSPENDED,
    "revoked": Status.REVOKED,
    "withdrawn": Status.REVOKED,
}
ALIASES = {
    "operator_id": ("operator_id", "operator", "national_id", "aeo_id"),
    "tier": ("tier", "aeo_tier", "level"),
    "valid_from": ("valid_from", "certified_on", "start"),
    "valid_until": ("valid_until", "expires_on", "end"),
    "status": ("status",),
    "reason": ("reason", "reason_code"),
    "evidence": ("evidence", "evidence_hash"),
    "decided_at": ("decided_at", "effective_at", "decision_time"),
}


@dataclass(frozen=True)
class AeoRecord:
    """What the source says one operator's certification should be."""

    ref: str
    operator_id: str
    operator: bytes
    tier: int
    valid_from: int
    valid_until: int
    status: Status
    reason: int
    evidence_hash: bytes
    decided_at: int = 0  # unix seconds; 0: effective when recorded


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be applied: where, which operator (if known) and why."""

    ref: str
    operator_id: str | None
    reason: str
    raw: dict[str, str]


def normalise(member: str, rows: list[RawRow]) -> tuple[list[AeoRecord], list[RowProblem]]:
    """Typed records for the good rows; a problem per bad row.

    An operator's rows that say the same thing are one record; rows that say different things
    are all problems, each naming the others: which row wins is not for the file's order to say."""
    problems: list[RowProblem] = []
    by_operator: dict[bytes, list[tuple[AeoRecord, RawRow]]] = {}
    for row in rows:
        try:
            record = _record(member, row)
        except InvalidInput as exc:
            kind = "invalid dates" if (exc.path or "").startswith(("valid", "decided")) else "malformed row"
            operator = _get(row, "operator_id") or None
            problems.append(RowProblem(row.ref, operator, f"{kind}: {exc.reason}", row.fields))
            continue
        by_operator.setdefault(record.operator, []).append((record, row))
    records: list[AeoRecord] = []
    for found in by_operator.values():
        variants: dict[AeoRecord, set[str]] = {}
        for record, row in found:
            variants.setdefault(replace(record, ref=""), set()).add(row.ref)
        if len(variants) == 1:
            records.append(found[0][0])
            continue
        refs = [row.ref for _, row in found]
        named: dict[AeoRecord, str] = {}  # per variant, once: the rows that say otherwise
        for variant, same in variants.items():
            others = list(islice((ref for ref in refs if ref not in same), MAX_NAMED_ROWS))
            more = len(refs) - len(same) - len(others)
            named[variant] = ", ".join(others) + (f" and {more} more rows" if more else "")
        for record, row in found:
            reason = (
                f"malformed row: operator {record.operator_id} conflicts with {named[replace(record, ref='')]}"
                " (the rows disagree; correct the export so that it lists the operator once)"
            )
            problems.append(RowProblem(row.ref, record.operator_id, reason, row.fields))
    return records, problems


def _record(member: str, row: RawRow) -> AeoRecord:
    national_id = _get(row, "operator_id")
    if not national_id:
        raise InvalidInput("operator_id is missing", path="operator_id")
    operator_id = schemed_operator_id(national_id)
    tier_text = _get(row, "tier")
    if not tier_text:
        raise InvalidInput("tier is missing", path="tier")
    status_text = (_get(row, "status") or "active").lower()
    if status_text not in STATUSES:
        raise InvalidInput(f"unknown status {status_text!r}; one of active, suspended, revoked", path="status")
    from_text = _get(row, "valid_from")
    if not from_text:
        raise InvalidInput("valid_from is missing", path="valid_from")
    valid_from = to_unix(parse_time(from_text, path="valid_from"))
    until_text = _get(row, "valid_until")
    valid_until = to_unix(parse_time(until_text, path="valid_until")) if until_text else 0
    if valid_until and valid_until <= valid_from:
        raise InvalidInput(f"valid_until {until_text} is not after valid_from {from_text}", path="valid_until")
    if valid_from == 0:
        raise InvalidInput("valid_from must be after 1970-01-01", path="valid_from")
    decided_text = _get(row, "decided_at")
    decided_at = to_unix(parse_time(decided_text, path="decided_at")) if decided_text else 0
    if decided_text and decided_at == 0:
        raise InvalidInput("decided_at must be after 1970-01-01", path="decided_at")
    return AeoRecord(
        ref=row.ref,
        operator_id=operator_id,
        operator=operator_hash(member, operator_id),
        tier=parse_tier(tier_text),
        valid_from=valid_from,
        valid_until=valid_until,
        status=STATUSES[status_text],
        reason=parse_reason(_get(row, "reason") or 0),
        evidence_hash=evidence_hash(_get(row, "evidence")),
        decided_at=decided_at,
    )


def _get(row: RawRow, name: str) -> str:
    for alias in ALIASES[name]:
        value = row.fields.get(alias)
        if value:
            return value
    return ""
