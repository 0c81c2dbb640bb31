"""The `partner-alert` risk rule: which of the partners' joint risk alerts, in force at a
declaration's decision time, match the declared consignment, and the lane they give.

Pure over its inputs (the alerts as the registry holds them, the consignment's origin and
destination on chain), so the same rules, chain state and decision time give the same finding:
an alert's `in_force(at)` answers as the alert stood at `at`, so a later extension or
withdrawal, or an alert published after `at`, never changes an earlier decision's lane.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.aeo.codes import operator_hash
from ledger.alerts.models import Alert
from ledger.evidence.customs import MAX_RELIED_ALERTS, ReliedAlert
from oracles.risk_rules import Declaration, Finding, Lane, LaneName, PartnerAlertRule

_LANES: dict[Lane, LaneName] = {Lane.YELLOW: "yellow", Lane.RED: "red"}


def declared_operators(declaration: Declaration) -> list[str | None]:
    """The declared parties as the AEO registry keys operators (0x and 64 hex digits); [None]
    when the declaration names no party (an alert on an operator then never matches)."""
    hashed: list[str | None] = ["0x" + operator_hash(p.certified_by, p.operator).hex() for p in declaration.parties()]
    return hashed or [None]


def concerns(alert: Alert, declaration: Declaration, *, origin: str | None, destination: str | None) -> bool:
    """Whether the alert's scope takes in the declared consignment: one of its HS codes, one of
    its declared parties, its route on chain and its ports."""
    return any(
        alert.scope.matches(
            hs_code=hs,
            origin=origin,
            destination=destination,
            operator=operator,
            port_of_loading=declaration.port_of_loading,
            port_of_discharge=declaration.port_of_discharge,
        )
        for hs in declaration.hs_codes
        for operator in declared_operators(declaration)
    )


def alert_finding(
    rule: PartnerAlertRule,
    declaration: Declaration,
    *,
    applying: str,
    alerts: Sequence[Alert],
    origin: str | None,
    destination: str | None,
) -> Finding | None:
    """The finding of `rule` for `declaration` decided by `applying`: the honoured alerts in
    force at the decision time that concern it, and the worst lane they give; None when none.
    A lane names at most MAX_RELIED_ALERTS alerts: the most severe (then earliest published)
    are kept, and the reason says how many more matched."""
    at = declaration.decided_at
    hits: list[tuple[Alert, LaneName]] = []
    for alert in alerts:
        lane = rule.lane_of(alert.severity)
        if lane is None or not rule.honours(publisher=alert.member, applying=applying) or not alert.in_force(at):
            continue
        if concerns(alert, declaration, origin=origin, destination=destination):
            hits.append((alert, lane))
    if not hits:
        return None
    worst = max(Lane[lane.upper()] for _, lane in hits)
    hits.sort(key=lambda hit: (-hit[0].severity.code, hit[0].published_at, hit[0].member, hit[0].id))
    kept = [alert for alert, _ in hits[:MAX_RELIED_ALERTS]]
    more = len(hits) - len(kept)
    named = ", ".join(f"{a.member} #{a.id} ({a.severity.value})" for a in kept)
    # the count comes first: the reason is cut at 200 characters, long before 200 alerts are named
    counted = f"{len(hits)} matched, {more} more than a lane names (the most severe kept): " if more else ""
    return Finding(
        rule=rule.id,
        lane=_LANES[worst],
        reason=f"partner alerts in force: {counted}{named}",
        alerts=[ReliedAlert(id=a.id, member=a.member, severity=a.severity) for a in kept],
    )
