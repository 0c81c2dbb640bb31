"""Audit queries over the index (never the chain): search by organisation, actor, event type,
certificate, operator and time; the history of a certificate, of an operator's AEO status, of
accreditations and of MRAs. Every answer is a page in chain order with an opaque cursor.

A time range becomes a block range first (two index seeks in `indexed_blocks`: block times
never decrease along the chain), so every query is one range scan of a composite index
(filter column, block_number, log_index), whatever the time range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import ColumnElement, Connection, Engine, and_, false, or_, select, true, tuple_

from ledger.aeo.codes import operator_hash
from ledger.errors import InvalidInput
from ledger.evidence.consignment import consignment_id
from ledger.ids import member_id_bytes
from ledger.index.catalogue import known_events
from ledger.index.cursor import MAX_LIMIT, decode_cursor, encode_cursor, fingerprint
from ledger.index.errors import CertificateNotFound
from ledger.index.issuer_records import IssuerRecord, records_by_number
from ledger.index.presentation import AuditEvent, audit_event
from ledger.index.state import BLOCKS, EVENTS
from ledger.patterns import one_of_in_either_case

HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
ISSUED = "CertificatesIssued"
ACCREDITATION_EVENTS = ("Accredited", "AccreditationWithdrawn", "AccountNamed")
MEMBERSHIP_EVENTS = ("MemberAdded", "MemberRemoved", "AdminRotated")
MRA_EVENTS = ("MraProposed", "MraProposalCancelled", "MraAccepted", "MraSuspended", "MraResumed", "MraTerminated")
AEO_EVENTS = ("OperatorCertified", "OperatorSuspended", "OperatorReinstated", "OperatorRevoked")


class AuditFilter(BaseModel):
    """What `search` selects; every given filter must hold."""

    organisation: str | None = Field(None, description="Member that acted, e.g. CN")
    actor: str | None = Field(None, description="Account that sent the transaction")
    event_types: list[str] = Field(default_factory=list, description="Event names, e.g. CertificateRevoked")
    certificate: str | None = Field(
        None, description="Certificate number (issuer records), or its root, leaf or number key"
    )
    operator: str | None = Field(None, description="Operator id (with certified_by) or its 0x hash")
    certified_by: str | None = None
    consignment: str | None = Field(None, description="A consignment's WCO UCR (its evidence chain)")
    since: datetime | None = Field(None, description="From this time (inclusive)")
    until: datetime | None = Field(None, description="Before this time")

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A time without an offset is UTC, as everywhere in sanzhi (never the machine's zone)."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


class CertificateHistory(AuditPage):
    records: list[IssuerRecord]  # the issuer's own records of it, when it has them


def _hash(value: str, path: str) -> bytes:
    if not HASH.match(value.strip()):
        raise InvalidInput(f"{value!r} is not a 0x-prefixed 32-byte hash", path=path)
    return bytes.fromhex(value.strip()[2:])


def _address(value: str, path: str) -> bytes:
    if not ADDRESS.match(value.strip()):
        raise InvalidInput(f"{value!r} is not an account address", path=path)
    return bytes.fromhex(value.strip()[2:])


def _member(value: str) -> str:
    return member_id_bytes(value).rstrip(b"\0").decode()


def event_name_pattern() -> str:
    """The event names `_event_names` accepts (any case, surrounding spaces), for the API's document."""
    return rf"^\s*{one_of_in_either_case(known_events())}\s*$"


EVENT_NAME_PATTERN = event_name_pattern()


def _event_names(names: Sequence[str]) -> list[str]:
    known = {name.lower(): name for name in known_events()}
    unknown = [n for n in names if n.strip().lower() not in known]
    if unknown:
        listed = ", ".join(sorted(known.values()))
        raise InvalidInput(f"unknown event type {unknown[0]!r}; known: {listed}", path="event")
    return sorted({known[n.strip().lower()] for n in names})


def operator_key(operator: str, certified_by: str | None) -> bytes:
    """The on-chain operator id: a 0x hash as given, else hashed with its certifying member."""
    if HASH.match(operator.strip()):
        return bytes.fromhex(operator.strip()[2:])
    if not certified_by:
        raise InvalidInput("an operator id in clear needs the member that certified it (certified_by)", path="operator")
    return operator_hash(certified_by, operator)


def _block_range(connection: Connection, since: datetime | None, until: datetime | None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        first = connection.execute(
            select(BLOCKS.c.number).where(BLOCKS.c.time >= int(since.timestamp()))
            .order_by(BLOCKS.c.time, BLOCKS.c.number).limit(1)
        ).scalar()  # fmt: skip
        if first is None:
            return false()
        conditions.append(EVENTS.c.block_number >= first)
    if until is not None:
        last = connection.execute(
            select(BLOCKS.c.number).where(BLOCKS.c.time < int(until.timestamp()))
            .order_by(BLOCKS.c.time.desc(), BLOCKS.c.number.desc()).limit(1)
        ).scalar()  # fmt: skip
        if last is None:
            return false()
        conditions.append(EVENTS.c.block_number <= last)
    return and_(true(), *conditions)


def _page(
    connection: Connection,
    condition: ColumnElement[bool],
    *,
    query: bytes,
    limit: int,
    cursor: str | None,
    newest_first: bool,
) -> AuditPage:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", path="limit")
    position = tuple_(EVENTS.c.block_number, EVENTS.c.log_index)
    statement = select(EVENTS).where(condition)
    if cursor is not None:
        after = decode_cursor(cursor, query)
        statement = statement.where(position < tuple_(*after) if newest_first else position > tuple_(*after))
    order = (
        (EVENTS.c.block_number.desc(), EVENTS.c.log_index.desc())
        if newest_first
        else (EVENTS.c.block_number, EVENTS.c.log_index)
    )
    rows = connection.execute(statement.order_by(*order).limit(limit + 1)).mappings().all()
    items = [audit_event(row) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = encode_cursor(last["block_number"], last["log_index"], query) if last is not None else None
    return AuditPage(items=items, next_cursor=next_cursor)


def _certificate_condition(connection: Connection, certificate: str) -> ColumnElement[bool]:
    if HASH.match(certificate.strip()):
        key = _hash(certificate, "certificate")
        return or_(
            EVENTS.c.cert_root == key,
            EVENTS.c.cert_leaf == key,
            EVENTS.c.number_key == key,
            EVENTS.c.successor_leaf == key,
        )
    records = records_by_number(connection, certificate)
    if not records:
        raise CertificateNotFound(certificate)
    return or_(*(_record_condition(r) for r in records))


def _record_condition(record: IssuerRecord) -> ColumnElement[bool]:
    root = bytes.fromhex(record.root[2:])
    leaf = bytes.fromhex(record.leaf[2:]) if record.leaf else None
    return _certificate_events(root, leaf)


def _certificate_events(root: bytes | None, leaf: bytes | None) -> ColumnElement[bool]:
    """The events of one certificate: its batch's issue, and the events naming its leaf (as
    the certificate, or as the successor of another). Only the batch known: all of its events."""
    if leaf is None:
        return EVENTS.c.cert_root == root
    own = or_(EVENTS.c.cert_leaf == leaf, EVENTS.c.successor_leaf == leaf)
    if root is None:
        return own
    return or_(and_(EVENTS.c.cert_root == root, EVENTS.c.event == ISSUED), own)


def filter_condition(connection: Connection, filters: AuditFilter) -> ColumnElement[bool]:
    """The WHERE clause of a search."""
    if filters.since is not None and filters.until is not None and filters.since >= filters.until:
        raise InvalidInput("`since` must be before `until`", path="until")
    conditions: list[ColumnElement[bool]] = [_block_range(connection, filters.since, filters.until)]
    if filters.organisation:
        conditions.append(EVENTS.c.organisation == _member(filters.organisation))
    if filters.actor:
        conditions.append(EVENTS.c.actor == _address(filters.actor, "actor"))
    if filters.event_types:
        conditions.append(EVENTS.c.event.in_(_event_names(filters.event_types)))
    if filters.certificate:
        conditions.append(_certificate_condition(connection, filters.certificate))
    if filters.operator:
        conditions.append(EVENTS.c.operator == operator_key(filters.operator, filters.certified_by))
    if filters.consignment:
        conditions.append(EVENTS.c.consignment == consignment_id(filters.consignment))
    return and_(*conditions)


def search(*, engine: Engine, filters: AuditFilter, limit: int = 50, cursor: str | None = None) -> AuditPage:
    """Events matching every filter, newest first."""
    with engine.connect() as connection:
        condition = filter_condition(connection, filters)
        query = fingerprint("search", filters.model_dump_json())
        return _page(connection, condition, query=query, limit=limit, cursor=cursor, newest_first=True)


def _root_of(connection: Connection, leaf: bytes) -> bytes | None:
    root = connection.execute(select(EVENTS.c.cert_root).where(EVENTS.c.cert_leaf == leaf).limit(1)).scalar()
    return None if root is None else bytes(root)


def certificate_history(
    *,
    engine: Engine,
    number: str | None = None,
    leaf: str | None = None,
    root: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> CertificateHistory:
    """Everything that happened to one certificate, oldest first: by its number (the issuer's
    records), or by its leaf (with its batch root, or the root found from its events)."""
    with engine.connect() as connection:
        records: list[IssuerRecord] = []
        if number is not None:
            records = records_by_number(connection, number)
            if not records:
                raise CertificateNotFound(number)
            condition = or_(*(_record_condition(r) for r in records))
        elif leaf is not None:
            leaf_key = _hash(leaf, "leaf")
            root_key = _hash(root, "root") if root else _root_of(connection, leaf_key)
            condition = _certificate_events(root_key, leaf_key)
        elif root is not None:
            condition = _certificate_events(_hash(root, "root"), None)
        else:
            raise InvalidInput("name the certificate: its number, leaf or batch root", path="certificate")
        query = fingerprint("certificate", number, leaf, root)
        page = _page(connection, condition, query=query, limit=limit, cursor=cursor, newest_first=False)
        return CertificateHistory(items=page.items, next_cursor=page.next_cursor, records=records)


def operator_history(
    *, engine: Engine, operator: str, certified_by: str | None = None, limit: int = 50, cursor: str | None = None
) -> AuditPage:
    """An operator's AEO certification changes, oldest first, each with its transaction, the
    account that sent it and the oracles that signed it (when it came through the quorum)."""
    key = operator_key(operator, certified_by)
    condition = and_(EVENTS.c.operator == key, EVENTS.c.event.in_(AEO_EVENTS))
    if certified_by:
        condition = and_(condition, EVENTS.c.organisation == _member(certified_by))
    with engine.connect() as connection:
        query = fingerprint("operator", key, certified_by)
        return _page(connection, condition, query=query, limit=limit, cursor=cursor, newest_first=False)


def accreditation_history(
    *, engine: Engine, account: str | None = None, member: str | None = None, limit: int = 50, cursor: str | None = None
) -> AuditPage:
    """Accreditations granted and withdrawn (and membership changes), oldest first: of one
    account, of one member's grants, or both."""
    if account is None and member is None:
        raise InvalidInput("name the account or the member", path="account")
    conditions: list[ColumnElement[bool]] = [EVENTS.c.event.in_(ACCREDITATION_EVENTS + MEMBERSHIP_EVENTS)]
    if account is not None:
        conditions.append(EVENTS.c.account == _address(account, "account"))
    if member is not None:
        conditions.append(EVENTS.c.organisation == _member(member))
    with engine.connect() as connection:
        query = fingerprint("accreditation", account, member)
        return _page(connection, and_(*conditions), query=query, limit=limit, cursor=cursor, newest_first=False)


def mra_history(
    *, engine: Engine, member: str | None = None, partner: str | None = None, limit: int = 50, cursor: str | None = None
) -> AuditPage:
    """MRA proposals, acceptances, suspensions and terminations, oldest first: all, a member's,
    or those between two members (either side acting)."""
    conditions: list[ColumnElement[bool]] = [EVENTS.c.event.in_(MRA_EVENTS)]
    one = _member(member) if member else None
    other = _member(partner) if partner else None
    if one and other:
        conditions.append(or_(
            and_(EVENTS.c.organisation == one, EVENTS.c.partner == other),
            and_(EVENTS.c.organisation == other, EVENTS.c.partner == one),
        ))  # fmt: skip
    elif one or other:
        conditions.append(or_(EVENTS.c.organisation == (one or other), EVENTS.c.partner == (one or other)))
    with engine.connect() as connection:
        query = fingerprint("mra", one, other)
        return _page(connection, and_(*conditions), query=query, limit=limit, cursor=cursor, newest_first=False)
