"""What a trader key may see of its own party: the party, its certificates as exporter, its
consignments and their timelines, its AEO standing. Everything is scoped by the key (its
account and operator id) and the service's member, never by a value in the request."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from api.deps import ServiceContext
from api.errors import NotFound, OperatorNotNamed, PermissionDenied
from api.keystore import ApiKey, ApiRole
from api.pagination import Page, PageRequest, encode_cursor
from api.routes.evidence import timeline_entry
from api.schemas.party import Drawing, Me, MyAeo, MyCertificate, MyConsignment, MyTimeline
from ledger.aeo import AeoRegistryBinding, MraBinding, recognized
from ledger.certificates.quantities import UnitQuantity
from ledger.certificates.state import certificate_record
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.names import Names
from ledger.errors import InvalidInput, LedgerError
from ledger.evidence.parties import consignment_ids_of_party, party_consignment, party_timeline
from ledger.index.party_records import ExporterCertificate, certificates_of_exporter
from ledger.labels import Lang
from ledger.patterns import HEX32_TEXT_PATTERN

FIX_OPERATOR = "operator: create the key with --operator SCHEME:ID (sanzhi apikey create --role trader ...)"


def _trader(key: ApiKey) -> ApiKey:
    if key.role is not ApiRole.TRADER:
        raise PermissionDenied(f"/me is a trader key's own view; a {key.role.value} key has no party")
    return key


def _operator(key: ApiKey, what: str) -> str:
    if not key.operator:
        raise OperatorNotNamed(key.key_id, what)
    return key.operator


def _account(key: ApiKey) -> str:
    if not key.account:  # pragma: no cover - the key store gives every trader key an account
        raise PermissionDenied(f"trader key {key.key_id} acts for no party account")
    return key.account


def _time(timestamp: int | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def me(*, context: ServiceContext, key: ApiKey) -> Me:
    """The key's party."""
    _trader(key)
    member = context.member()
    name = None
    with contextlib.suppress(LedgerError):  # the party is known without the chain; its name is a courtesy
        name = ConsortiumBinding(context.client).member(member).name
    missing = [] if key.operator else [FIX_OPERATOR]
    return Me(key_id=key.key_id, label=key.label, member=member, member_name=name, account=key.account,
              operator=key.operator, missing=missing)  # fmt: skip


def _certificate(context: ServiceContext, found: ExporterCertificate) -> MyCertificate:
    unit = found.unit_code
    status, reason, expires, drawn = "unknown", None, None, UnitQuantity.of(0, unit)
    if found.leaf is not None:
        record = certificate_record(
            client=context.client, root=found.root, cert_type=found.cert_type, leaf=found.leaf, number=found.number,
            unit=unit,
        )  # fmt: skip
        status, reason, expires = record.status, record.reason, record.expires_at
        drawn = record.utilized or drawn
    return MyCertificate(
        number=found.number,
        type=found.cert_type,
        issuing_member=found.issuing_member,
        importing_member=found.importing_member,
        issue_date=found.issue_date,
        leaf=found.leaf,
        status=status,
        reason=reason,
        expires_at=expires,
        issued=UnitQuantity.of(found.quantity, unit) if found.quantity is not None else None,
        drawn=drawn,
        drawings=[
            Drawing(
                at=u.at,
                member=u.member,
                declaration=u.declaration,
                quantity=UnitQuantity.of(u.amount, unit),
                tx_hash=u.tx_hash,
            )
            for u in found.utilizations
        ],
    )


def my_certificates(*, context: ServiceContext, key: ApiKey, paging: PageRequest) -> Page[MyCertificate]:
    """The certificates the service's member issued naming the key's operator as exporter,
    newest first, each with its status on chain and the quantity drawn, by whom."""
    operator = _operator(_trader(key), "certificates")
    found = certificates_of_exporter(
        engine=context.index(), member=context.member(), exporter_id=operator, offset=paging.offset,
        limit=paging.limit,
    )  # fmt: skip
    items = [_certificate(context, c) for c in found.items]
    more = paging.offset + len(found.items) < found.total
    return Page[MyCertificate](items=items, next_cursor=encode_cursor(paging.offset + paging.limit) if more else None)


def my_consignments(*, context: ServiceContext, key: ApiKey, paging: PageRequest) -> Page[MyConsignment]:
    """The consignments the key's account is or was a party of, newest first."""
    account = _account(_trader(key))
    chosen = paging.page(list(reversed(consignment_ids_of_party(client=context.client, account=account))))
    items = []
    for binding, consignment in chosen.items:
        seen = party_consignment(binding, consignment, account)
        items.append(
            MyConsignment(
                consignment=seen.consignment,
                origin=seen.origin,
                destination=seen.destination,
                open=seen.open,
                role=seen.role,
                opened_at=_time(seen.opened_at),
                entries=seen.entries,
                last_entry_at=_time(seen.last_entry_at),
                timeline=f"/me/consignments/{seen.consignment}/timeline",
            )
        )
    return Page[MyConsignment](items=items, next_cursor=chosen.next_cursor)


# the consignment ids `my_timeline` takes, as the API's document states them
CONSIGNMENT_ID_PATTERN = HEX32_TEXT_PATTERN


def parse_consignment_id(consignment: str) -> bytes:
    """A consignment id as listed (0x and 64 hex digits, either case): its 32 bytes."""
    text = consignment.strip().lower()
    if len(text) != 66 or not text.startswith("0x") or any(c not in "0123456789abcdef" for c in text[2:]):
        raise InvalidInput(f"{consignment[:80]!r} is not a consignment id (0x and 64 hex digits)", path="consignment")
    return bytes.fromhex(text[2:])


def my_timeline(*, context: ServiceContext, key: ApiKey, consignment: str, lang: Lang | None = None) -> MyTimeline:
    """A consignment's timeline for one of its parties, submitters named (and steps labelled in
    `lang`); any other consignment is not found, whether it exists or not."""
    account = _account(_trader(key))
    text = "0x" + parse_consignment_id(consignment).hex()
    found = party_timeline(client=context.client, account=account, consignment=bytes.fromhex(text[2:]))
    if found is None:
        raise NotFound(f"consignment {text} among this party's")
    recorded, report = found
    names = Names.load(client=context.client)
    names.accounts(r.submitter for r in recorded)  # one batch for the whole timeline
    entries = [timeline_entry(r, names, lang) for r in recorded]
    return MyTimeline(consignment=text, entries=entries, head_seq=report.head_seq,
                      intact=report.intact, problems=report.problems)  # fmt: skip


def my_aeo(*, context: ServiceContext, key: ApiKey) -> MyAeo:
    """The operator's certification by the service's member (across registry versions), and
    whether each MRA partner recognises it now."""
    operator = _operator(_trader(key), "AEO status")
    member = context.member()
    certification = AeoRegistryBinding(context.client).certification(operator=operator, certified_by=member)
    partners = sorted(
        {m.partner if m.member == member else m.member for m in MraBinding(context.client).list_mras(member=member)}
    )
    recognitions = [
        recognized(client=context.client, operator=operator, certified_by=member, recognised_by=p) for p in partners
    ]
    return MyAeo(operator=operator, certification=certification, recognitions=recognitions)
