"""One indexed event as a line of a party's live feed: its label and topic in the reader's
language, its time in the reader's zone, what it is about, and the party's page about it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.portal.i18n import Translator
from api.portal.times import middle, shown_time
from ledger.index.issuer_records import RECORDS, exporter_key
from ledger.index.labelled import event_label
from ledger.index.models import ChainEvent
from ledger.labels import Lang, Vocabulary, label
from ledger.webhooks.topics import Topic

# a route name and its path parameters -> the link in the reader's language
PageLinks = Callable[[str, dict[str, str]], str]
_PAGES = {Topic.CERTIFICATES: "portal.my_certificates", Topic.CONSIGNMENTS: "portal.my_consignments",
          Topic.AEO: "portal.my_aeo"}  # fmt: skip


class FeedItem(BaseModel):
    """What the page's script shows for one event (text only: it is never read as HTML)."""

    id: int  # the index's row: the feed's Last-Event-ID
    event: str
    label: str
    topic: str
    time: str
    about: str
    href: str | None


def _hex(value: bytes | None) -> str | None:
    return None if value is None else "0x" + bytes(value).hex()


def certificate_numbers(
    session: Session, *, member: str, exporter: str, events: list[ChainEvent], separator: str
) -> dict[bytes, str]:
    """The numbers of the party's certificates these events are about, by leaf, and by root for
    a batch's issuance (the party's numbers in it, joined: never another exporter's)."""
    leaves = {bytes(e.cert_leaf) for e in events if e.cert_leaf is not None}
    roots = {bytes(e.cert_root) for e in events if e.cert_root is not None and e.cert_leaf is None}
    if not leaves and not roots:
        return {}
    rows = session.execute(
        select(RECORDS.c.number, RECORDS.c.leaf, RECORDS.c.root)
        .where(RECORDS.c.member == member, RECORDS.c.exporter_id == exporter_key(exporter),
               or_(RECORDS.c.leaf.in_(leaves), RECORDS.c.root.in_(roots)))
        .order_by(RECORDS.c.number)
    )  # fmt: skip
    found: dict[bytes, str] = {}
    for number, leaf, root in rows:
        if leaf is not None and bytes(leaf) in leaves:
            found[bytes(leaf)] = number
        if bytes(root) in roots:
            found[bytes(root)] = f"{found[bytes(root)]}{separator}{number}" if bytes(root) in found else number
    return found


def feed_item(
    event: ChainEvent, topic: Topic, *, t: Translator, zone: tzinfo, numbers: dict[bytes, str], pages: PageLinks
) -> FeedItem:
    """The feed's line for `event`, linked to the party's page about it (`pages`: a route name
    and its path parameters to a link in the reader's language)."""
    lang = Lang(t.language.value)
    about, href = "", pages(_PAGES[topic], {}) if topic in _PAGES else None
    if topic is Topic.CERTIFICATES:
        key = event.cert_leaf if event.cert_leaf is not None else event.cert_root
        shown = numbers.get(bytes(key)) if key is not None else None
        about = t("feed.about_certificate", number=shown or middle(_hex(key) or "-"))
    elif topic is Topic.CONSIGNMENTS and event.consignment is not None:
        consignment = _hex(event.consignment) or ""
        step: Any = event.args.get("step")
        about = t("feed.about_consignment", consignment=middle(consignment))
        if event.event == "EvidenceAppended" and step is not None:
            about = t("feed.about_entry", consignment=middle(consignment), step=label(Vocabulary.STEP, step, lang))
        href = pages("portal.my_timeline", {"consignment": consignment})
    elif topic is Topic.AEO:
        about = t("feed.about_operator", certified_by=event.organisation or "-")
    return FeedItem(
        id=event.id,
        event=event.event,
        label=event_label(event.event, lang),
        topic=t(f"feed.topic.{topic.value}"),
        time=shown_time(event.block_time, zone),
        about=about,
        href=href,
    )
