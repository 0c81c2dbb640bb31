"""Beside a consignment's recorded lanes: the partners' alerts published after each lane was
recorded that may concern the consignment. They never change a recorded lane (an alert applies
to decisions made while it is in force); they tell the reader what is known now.

The ledger knows a consignment's origin and destination, not its declaration's HS codes, parties
or ports: an alert is listed when its origins and destinations take the consignment's route in,
and its scope is shown in words for the reader to hold against the declaration.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from pydantic import BaseModel

from api.portal.alert_views import AlertView, alert_view
from api.portal.i18n import Language, Translator
from api.portal.times import reader_zone, shown_time
from ledger.alerts.registry import AlertRegistryBinding
from ledger.chain.client import LedgerClient
from ledger.chain.reads import latest_timestamp
from ledger.consortium.names import Names
from ledger.errors import LedgerError
from ledger.evidence import Step
from ledger.evidence.consignment import consignment_id
from ledger.evidence.registry import EvidenceRegistryBinding


class LaneWithLaterAlerts(BaseModel):
    """One recorded lane (the risk-lane entry) and the alerts published after it."""

    seq: int
    member: str
    recorded_at: str
    later: list[AlertView]


class ConsignmentAlerts(BaseModel):
    origin: str
    destination: str
    lanes: list[LaneWithLaterAlerts]


def later_alerts(
    *, client: LedgerClient, ucr: str, t: Translator, names: Names, zone: tzinfo, now: datetime
) -> ConsignmentAlerts | None:
    """The consignment's recorded lanes, each with the alerts on its route published after it;
    None when the consignment was never opened or has no recorded lane."""
    consignment = consignment_id(ucr)
    registry = EvidenceRegistryBinding.holding(client, consignment)
    record = registry.consignment(consignment)
    if record.opening == 0:
        return None
    lanes = [
        r for r in registry.recorded(consignment) if r.entry.step == int(Step.RISK_LANE) and not r.entry.correction
    ]
    if not lanes:
        return None
    route = [a for a in AlertRegistryBinding(client).alerts()
             if a.scope.takes_route(origin=record.origin, destination=record.destination)]  # fmt: skip
    shown = []
    for lane in lanes:
        recorded = datetime.fromtimestamp(lane.timestamp, UTC)
        # block times are whole seconds: one published in the lane's second counts as after it
        later = sorted((a for a in route if a.published_at >= recorded), key=lambda a: a.published_at)
        shown.append(
            LaneWithLaterAlerts(
                seq=lane.seq,
                member=lane.member_id,
                recorded_at=shown_time(recorded, zone),
                later=[alert_view(a, t=t, names=names, zone=zone, now=now) for a in later],
            )
        )
    return ConsignmentAlerts(origin=record.origin, destination=record.destination, lanes=shown)


def consignment_alerts(
    *, client: LedgerClient, ucr: str | None, language: Language, tz: str | None
) -> ConsignmentAlerts | None:
    """`later_alerts` for the audit page's consignment filter; None when there is no filter, or
    the ledger cannot say (the search itself reports what is wrong)."""
    if not ucr or not ucr.strip():
        return None
    try:
        now = datetime.fromtimestamp(latest_timestamp(client), UTC)
        return later_alerts(client=client, ucr=ucr.strip(), t=Translator(language), names=Names.load(client=client),
                            zone=reader_zone(tz), now=now)  # fmt: skip
    except LedgerError:
        return None
