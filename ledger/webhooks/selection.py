"""Each topic as a condition on the index's events, for one audience: which of the events the
follower indexed concern that key.

A batch is posted once, as its issuance: the index copies onto the CertificatesIssued row the
destination that the registry's CertificatesDestined (same transaction) names, so that event
would only say the same thing a second time and is no topic's."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ledger.aeo.codes import operator_hash
from ledger.ids import member_id_bytes
from ledger.index.audit import AEO_EVENTS, ISSUED, MRA_EVENTS
from ledger.index.issuer_records import RECORDS, exporter_key
from ledger.index.models import ChainEvent
from ledger.index.rows import DESTINED_EVENT
from ledger.webhooks.audience import TRADER_ROLE, Audience, Topic

UTILIZED = "CertificateUtilized"
# the issuer's own changes to a certificate: the index names the issuing member on each
CERTIFICATE_CHANGES = (
    "CertificateRevoked",
    "CertificateSuspended",
    "CertificateReinstated",
    "CertificateSuperseded",
    "CertificateDelivered",
)
CONSIGNMENT_OPENED = "ConsignmentOpened"
PARTY_ADDED = "ConsignmentPartyAdded"
MRA_IN_FORCE = frozenset({"MraAccepted", "MraResumed"})
MRA_NOT_IN_FORCE = frozenset({"MraSuspended", "MraTerminated"})
ALERT_EVENTS = ("AlertPublished", "AlertExtended", "AlertWithdrawn")

Condition = ColumnElement[bool]


def _issued_roots(column: str, member: str) -> Condition:
    """Events of batches whose issuance names `member` in `column` (issuer or destination)."""
    roots = select(ChainEvent.cert_root).where(ChainEvent.event == ISSUED, getattr(ChainEvent, column) == member)
    return ChainEvent.cert_root.in_(roots.scalar_subquery())


def _member_certificates(member: str) -> Condition:
    """Issued, changed or drawn on: the certificates `member` issued."""
    return or_(
        and_(ChainEvent.event.in_((ISSUED, *CERTIFICATE_CHANGES)), ChainEvent.organisation == member),
        and_(ChainEvent.event == UTILIZED, _issued_roots("organisation", member)),
    )


def _exporter_certificates(session: Session, audience: Audience) -> Condition:
    """The certificates the member issued naming the trader's operator as exporter, by the
    member's own records (as /me/certificates finds them): their batch's issuance, then every
    change and draw of their leaves."""
    assert audience.operator is not None
    mine = and_(RECORDS.c.member == audience.member, RECORDS.c.exporter_id == exporter_key(audience.operator))
    leaves = select(RECORDS.c.leaf).where(mine, RECORDS.c.leaf.is_not(None)).scalar_subquery()
    roots = select(RECORDS.c.root).where(mine).scalar_subquery()
    return or_(
        and_(
            ChainEvent.event == ISSUED,
            ChainEvent.organisation == audience.member,
            ChainEvent.cert_root.in_(roots),
        ),
        and_(ChainEvent.event.in_((*CERTIFICATE_CHANGES, UTILIZED)), ChainEvent.cert_leaf.in_(leaves)),
    )


def certificates(session: Session, audience: Audience) -> Condition:
    if audience.role == TRADER_ROLE:
        return _exporter_certificates(session, audience)
    return _member_certificates(audience.member)


def destined(session: Session, audience: Audience) -> Condition:
    """Batches issued for the member (their destination), and everything later on them."""
    return and_(ChainEvent.event != DESTINED_EVENT, _issued_roots("partner", audience.member))


def _member_word(member: str) -> str:
    return "0x" + member_id_bytes(member).hex()


def consignments(session: Session, audience: Audience) -> Condition:
    """Staff: every event of a consignment from or to the member. A trader: every event of a
    consignment its account is or was a party of (the ConsignmentPartyAdded events naming it,
    which the index holds as the node does)."""
    if audience.role == TRADER_ROLE:
        assert audience.account is not None
        ids = select(ChainEvent.consignment).where(
            ChainEvent.event == PARTY_ADDED, func.lower(ChainEvent.args["party"].as_string()) == audience.account
        )
    else:
        word = _member_word(audience.member)
        ids = select(ChainEvent.consignment).where(
            ChainEvent.event == CONSIGNMENT_OPENED,
            or_(ChainEvent.args["origin"].as_string() == word, ChainEvent.args["destination"].as_string() == word),
        )
    return ChainEvent.consignment.in_(ids.scalar_subquery())


def mra_partners_in_force(session: Session, member: str) -> set[str]:
    """The members whose MRA with `member` is in force, as the indexed MRA events leave it."""
    rows = session.execute(
        select(ChainEvent.event, ChainEvent.organisation, ChainEvent.partner)
        .where(ChainEvent.event.in_(MRA_IN_FORCE | MRA_NOT_IN_FORCE),
               or_(ChainEvent.organisation == member, ChainEvent.partner == member))
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )  # fmt: skip
    partners: set[str] = set()
    for event, organisation, partner in rows:
        other = partner if organisation == member else organisation
        if other is None:
            continue
        if event in MRA_IN_FORCE:
            partners.add(other)
        else:
            partners.discard(other)
    return partners


def aeo(session: Session, audience: Audience) -> Condition:
    """Staff: the status of operators the member certified, and of those its MRA partners
    certified (which its customs recognise while the MRA is in force). A trader: its own
    operator's certification by the member."""
    events = ChainEvent.event.in_(AEO_EVENTS)
    if audience.role == TRADER_ROLE:
        assert audience.operator is not None
        operator = operator_hash(audience.member, audience.operator)
        return and_(events, ChainEvent.organisation == audience.member, ChainEvent.operator == operator)
    certifiers = {audience.member, *mra_partners_in_force(session, audience.member)}
    return and_(events, ChainEvent.organisation.in_(sorted(certifiers)))


def mras(session: Session, audience: Audience) -> Condition:
    """MRAs (and proposals) the member is a party of."""
    member = audience.member
    return and_(ChainEvent.event.in_(MRA_EVENTS), or_(ChainEvent.organisation == member, ChainEvent.partner == member))


def alerts(session: Session, audience: Audience) -> Condition:
    """Joint risk alerts of every member: they are published between administrations."""
    return ChainEvent.event.in_(ALERT_EVENTS)


_SELECTORS: dict[Topic, Callable[[Session, Audience], Condition]] = {
    Topic.CERTIFICATES: certificates,
    Topic.DESTINED: destined,
    Topic.CONSIGNMENTS: consignments,
    Topic.AEO: aeo,
    Topic.MRAS: mras,
    Topic.ALERTS: alerts,
}


def condition_for(topic: Topic, session: Session, audience: Audience) -> Condition:
    """The condition on `chain_events` of `topic` for `audience` (who may have it is checked before)."""
    return _SELECTORS[topic](session, audience)
