"""The `partner-alert` risk rule over alerts as the registry holds them: an alert in force at a
declaration's decision time changes its lane; one that ended, was withdrawn before, or was
published after does not; a withdrawal after the decision time does not change that decision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ledger.aeo.codes import operator_hash
from ledger.alerts.models import Alert, AlertScope, Extension, Severity
from ledger.errors import InvalidDocument
from ledger.evidence.customs import RiskLane
from oracles.alert_rule import alert_finding
from oracles.risk_rules import Check, Declaration, PartnerAlertRule, RuleSet, assess, failing, load_rules

DECIDED = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
CONSIGNOR = "USCI:91440101MA5CYU3H2X"
RULE = PartnerAlertRule.model_validate(
    {"id": "partner-alerts", "check": "partner-alert", "partners": "any-other", "min_severity": "medium",
     "lanes": {"medium": "yellow", "high": "red"}}
)  # fmt: skip


def alert(
    number: int = 1,
    *,
    member: str = "CN",
    severity: Severity = Severity.HIGH,
    published: dt.timedelta = dt.timedelta(days=-2),
    until: dt.timedelta = dt.timedelta(days=5),
    withdrawn: dt.timedelta | None = None,
    extensions: list[tuple[dt.timedelta, dt.timedelta]] = (),  # type: ignore[assignment]
    **scope: Any,
) -> Alert:
    """An alert of `member`, times relative to the decision time."""
    return Alert(
        id=number, member=member, publisher="0x" + "11" * 20, severity=severity,
        scope=AlertScope(**({"hs": ["0306"]} | scope)),
        since=DECIDED + published, published_until=DECIDED + until, published_at=DECIDED + published,
        extensions=[Extension(at=DECIDED + at, until=DECIDED + end) for at, end in extensions],
        withdrawn_at=DECIDED + withdrawn if withdrawn is not None else None, registry="0x" + "22" * 20,
    )  # fmt: skip


def declaration(**changes: Any) -> Declaration:
    record = {
        "ucr": "6CN9144010012345678-SG-200001",
        "declaration": "SG-IMP-200001",
        "decided_at": DECIDED.isoformat(),
        "consignor": {"operator": CONSIGNOR, "certified_by": "CN"},
        "hs_codes": ["030617"],
        "port_of_loading": "CNSHA",
        "port_of_discharge": "SGSIN",
    }
    return Declaration.model_validate(record | changes)


def lane(*alerts: Alert, rule: PartnerAlertRule = RULE, record: Declaration | None = None) -> str:
    found = alert_finding(rule, record or declaration(), applying="SG", alerts=list(alerts), origin="CN",
                          destination="SG")  # fmt: skip
    return "green" if found is None else found.lane


def test_an_alert_in_force_at_the_decision_time_changes_the_lane_and_is_named() -> None:
    found = alert_finding(RULE, declaration(), applying="SG", alerts=[alert(7), alert(9, severity=Severity.MEDIUM)],
                          origin="CN", destination="SG")  # fmt: skip
    assert found is not None
    assert found.lane == "red"  # the worst lane the matching alerts give
    assert [(a.id, a.member, a.severity) for a in found.alerts] == [(7, "CN", "high"), (9, "CN", "medium")]
    assert "CN #7 (high)" in found.reason
    assert lane(alert(severity=Severity.MEDIUM)) == "yellow"


def test_an_alert_that_ended_before_the_decision_time_does_not_count() -> None:
    assert lane(alert(published=dt.timedelta(days=-10), until=dt.timedelta(days=-1))) == "green"
    # its end extended past the decision time before the decision: it counts
    extended = alert(published=dt.timedelta(days=-10), until=dt.timedelta(days=-3),
                     extensions=[(dt.timedelta(days=-4), dt.timedelta(days=2))])  # fmt: skip
    assert lane(extended) == "red"
    # extended only after it had ended, after the decision time: the decision stands as it was
    late = alert(published=dt.timedelta(days=-10), until=dt.timedelta(days=-1),
                 extensions=[(dt.timedelta(hours=1), dt.timedelta(days=3))])  # fmt: skip
    assert lane(late) == "green"


def test_a_withdrawal_counts_from_its_time_on() -> None:
    assert lane(alert(withdrawn=dt.timedelta(hours=-1))) == "green"
    assert lane(alert(withdrawn=dt.timedelta(0))) == "green"
    # withdrawn after the decision: it was in force when the lane was decided
    assert lane(alert(withdrawn=dt.timedelta(hours=1))) == "red"


def test_an_alert_published_after_the_decision_time_does_not_count() -> None:
    assert lane(alert(published=dt.timedelta(minutes=1))) == "green"


@pytest.mark.parametrize(
    "scope",
    [
        {"hs": ["0901"]},
        {"origins": ["MY"]},
        {"destinations": ["CN"]},
        {"ports_of_loading": ["CNNGB"]},
        {"ports_of_discharge": ["MYPKG"]},
        {"operator": "0x" + operator_hash("CN", "USCI:91310000MA1FL8XQ30").hex()},
    ],
)
def test_an_alert_whose_scope_does_not_take_the_consignment_in_does_not_count(scope: dict[str, Any]) -> None:
    assert lane(alert(**scope)) == "green"


def test_every_part_of_the_scope_is_matched_against_the_declaration() -> None:
    everything = alert(hs=["03"], origins=["CN"], destinations=["SG"], ports_of_loading=["CNSHA"],
                       ports_of_discharge=["SGSIN"], operator="0x" + operator_hash("CN", CONSIGNOR).hex())  # fmt: skip
    assert lane(everything) == "red"
    # a declaration without ports never matches an alert that names ports
    assert lane(everything, record=declaration(port_of_loading=None)) == "green"
    # nor one that names no party an alert on an operator
    assert lane(everything, record=declaration(consignor=None)) == "green"


def test_severity_below_the_minimum_and_partners_not_honoured_do_not_count() -> None:
    assert lane(alert(severity=Severity.LOW)) == "green"
    assert lane(alert(member="SG")) == "green"  # any-other: the applying member's own alert
    only_my = RULE.model_copy(update={"partners": ["MY"]})
    assert lane(alert(member="CN"), rule=only_my) == "green"
    assert lane(alert(member="MY"), rule=only_my) == "red"


def test_the_same_alerts_and_decision_time_give_the_same_finding() -> None:
    alerts = [alert(3), alert(1, severity=Severity.MEDIUM), alert(2, withdrawn=dt.timedelta(hours=2))]
    first = alert_finding(RULE, declaration(), applying="SG", alerts=alerts, origin="CN", destination="SG")
    again = alert_finding(RULE, declaration(), applying="SG", alerts=alerts[::-1], origin="CN", destination="SG")
    assert first == again
    assert first is not None
    assert [a.id for a in first.alerts] == [2, 3, 1], "most severe first, then earliest published"


def write_rules(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(f"name: t\nversion: '1'\nmember: SG\nrules:\n  - id: alerts\n    check: partner-alert\n{rule}")
    return path


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("    partners: any-other\n    min_severity: medium\n    lanes: {high: red}\n", "no lane for medium"),
        ("    partners: any-other\n    min_severity: high\n    lanes: {medium: yellow, high: red}\n",
         "medium is below min_severity high"),
        ("    partners: any-other\n    min_severity: medium\n    lanes: {medium: red, high: yellow}\n",
         "a more severe alert cannot give a lighter lane"),
        ("    partners: [CN, CN]\n    min_severity: high\n    lanes: {high: red}\n", "CN named twice"),
        ("    partners: []\n    min_severity: high\n    lanes: {high: red}\n", "name at least one member"),
        ("    partners: all\n    min_severity: high\n    lanes: {high: red}\n", "partners"),
        ("    partners: any-other\n    min_severity: severe\n    lanes: {high: red}\n", "min_severity"),
        ("    partners: any-other\n    min_severity: high\n    lanes: {high: green}\n", "lanes.high"),
        ("    partners: any-other\n    min_severity: high\n    lanes: {high: red, urgent: red}\n", "lanes.urgent"),
    ],
)  # fmt: skip
def test_a_partner_alert_rule_is_validated_strictly(tmp_path: Path, rule: str, problem: str) -> None:
    with pytest.raises(InvalidDocument) as raised:
        load_rules(write_rules(tmp_path, rule))
    assert problem in str(raised.value)


def test_a_declaration_port_must_be_a_un_locode() -> None:
    with pytest.raises(ValueError, match="port_of_loading"):
        declaration(port_of_loading="Shanghai")


def test_a_lane_names_at_most_200_alerts_the_most_severe_and_earliest_first() -> None:
    # id 1 is high but published last; 201 is the only medium: both are the ones left out
    late = alert(1, published=dt.timedelta(hours=-1))
    early = [alert(n, published=dt.timedelta(days=-2, seconds=n)) for n in range(2, 201)]
    medium = alert(201, severity=Severity.MEDIUM, published=dt.timedelta(days=-3))
    found = alert_finding(RULE, declaration(), applying="SG", alerts=[late, *early, medium, alert(202, member="SG")],
                          origin="CN", destination="SG")  # fmt: skip
    assert found is not None
    assert [a.id for a in found.alerts] == [*range(2, 201), 1]
    assert found.reason.startswith("partner alerts in force: 201 matched, 1 more than a lane names")
    # the lane event names exactly these, and passes the event schema
    relied = [a.model_dump(mode="json") for a in found.alerts]
    lane_field = {"lane": found.lane, "ruleSetHash": "0x" + "00" * 32, "alerts": relied}
    RiskLane.model_validate(lane_field)
    with pytest.raises(ValueError, match="at most 200"):
        RiskLane.model_validate(lane_field | {"alerts": [*relied, {"id": 201, "member": "CN", "severity": "medium"}]})


def test_several_partner_alert_rules_together_name_at_most_200_alerts() -> None:
    rules = RuleSet.model_validate(
        {"name": "t", "version": "1", "member": "SG",
         "rules": [RULE.model_dump(mode="json"), RULE.model_copy(update={"id": "again"}).model_dump(mode="json")]}
    )  # fmt: skip
    mediums = [alert(n, severity=Severity.MEDIUM) for n in range(1, 151)]
    highs = [alert(n, member="MY") for n in range(1, 151)]
    checks: dict[str, Check] = {
        "partner-alert": lambda rule, d: alert_finding(
            rule, d, applying="SG", alerts=mediums if rule.id == "again" else highs, origin="CN", destination="SG"
        )
    }
    assessment = assess(rules, declaration(), checks)
    assert len(assessment.alerts) == 200
    assert sum(a.severity == Severity.HIGH for a in assessment.alerts) == 150, "the most severe are kept"


def test_a_check_that_says_why_gives_the_rules_own_lane() -> None:
    rules = RuleSet.model_validate(
        {"name": "t", "version": "1", "member": "SG",
         "rules": [{"id": "watch", "check": "hs-not-watched", "codes": ["0306"], "lane": "yellow"}]}
    )  # fmt: skip
    flagged = assess(rules, declaration(), {"hs-not-watched": failing(lambda rule, d: "x" * 300)})
    assert (flagged.lane, [(f.rule, f.lane, len(f.reason)) for f in flagged.findings]) == (
        "yellow",
        [("watch", "yellow", 200)],
    )
    assert assess(rules, declaration(), {"hs-not-watched": failing(lambda rule, d: None)}).lane == "green"
