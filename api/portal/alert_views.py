"""Partners' joint risk alerts as the portal shows them: the member by name, the severity, the
scope in words, the interval in the reader's time zone, and whether the alert is in force."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from pydantic import BaseModel

from api.portal.i18n import Translator
from api.portal.times import middle, shown_time
from ledger.alerts.models import Alert, AlertState
from ledger.consortium.names import Names

RECENT = timedelta(days=30)  # how far back the "recently ended or withdrawn" toggle reaches


class ScopePart(BaseModel):
    """One part of an alert's scope that names something: its label and the values in words."""

    key: str  # hs | origins | destinations | operator | ports_of_loading | ports_of_discharge
    label: str
    values: str


class AlertView(BaseModel):
    id: int
    member: str
    member_name: str
    severity: str  # low | medium | high
    severity_label: str
    state: AlertState
    state_label: str
    scope: list[ScopePart]
    since: str
    until: str
    published_at: str
    extended: int
    withdrawn_at: str | None
    reason_cid: str | None


def shown(alerts: list[Alert], *, now: datetime, recent: bool) -> list[Alert]:
    """The alerts in force or not begun yet at `now`, most severe and newest first; with
    `recent`, also those that ended or were withdrawn in the last 30 days."""
    kept = []
    for alert in alerts:
        state = alert.state_at(now)
        ended_at = alert.withdrawn_at if state is AlertState.WITHDRAWN else alert.until
        current = state in (AlertState.IN_FORCE, AlertState.SCHEDULED)
        if current or (recent and ended_at is not None and now - ended_at <= RECENT):
            kept.append(alert)
    return sorted(kept, key=lambda a: (not a.in_force(now), -a.severity.code, -a.id))


def alert_view(alert: Alert, *, t: Translator, names: Names, zone: tzinfo, now: datetime) -> AlertView:
    """One alert in the reader's language and time zone."""
    state = alert.state_at(now)

    def members(ids: list[str]) -> str:
        return t("list.separator").join(f"{names.member(m) or m} ({m})" for m in ids)

    join = t("list.separator").join
    scope = alert.scope
    parts = [
        ("hs", join(scope.hs)),
        ("origins", members(scope.origins)),
        ("destinations", members(scope.destinations)),
        ("operator", middle(scope.operator) if scope.operator else ""),
        ("ports_of_loading", join(scope.ports_of_loading)),
        ("ports_of_discharge", join(scope.ports_of_discharge)),
    ]
    return AlertView(
        id=alert.id,
        member=alert.member,
        member_name=names.member(alert.member) or alert.member,
        severity=alert.severity.value,
        severity_label=t(f"alerts.severity.{alert.severity.value}"),
        state=state,
        state_label=t(f"alerts.state.{state.value}"),
        scope=[ScopePart(key=k, label=t(f"alerts.scope.{k}"), values=v) for k, v in parts if v],
        since=shown_time(alert.since, zone),
        until=shown_time(alert.until, zone),
        published_at=shown_time(alert.published_at, zone),
        extended=len(alert.extensions),
        withdrawn_at=shown_time(alert.withdrawn_at, zone) if alert.withdrawn_at else None,
        reason_cid=alert.reason_cid,
    )
