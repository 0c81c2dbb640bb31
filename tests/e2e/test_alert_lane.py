"""Partners' alerts in SG's lane decisions on the dev chain: CN's customs publishes an alert on
coffee (HS 0901); SG's risk oracle, whose rules honour partners' medium and high alerts, puts a
coffee consignment decided while the alert is in force on the red lane, and the recorded lane
event names the alert. A decision made before the alert was published stays green, and
withdrawing the alert later changes neither."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ledger.alerts import AlertRegistryBinding, AlertScope, Severity
from ledger.evidence import Step
from ledger.evidence.service import audit_consignment
from oracles.risk_oracle import RiskOracle, RiskOutbox, outbox_path
from oracles.risk_rules import Declaration, load_rules
from tests.support import (
    EXAMPLES,
    Chain,
    chain_time,
    declaration_record,
    declare_for_risk,
    next_block_at,
    recognised_aeos,
    write_export,
)

# An alert is in force from its block's time; the chain's clock is moved by hand to publish one
# after a decision time.
pytestmark = pytest.mark.besu


@pytest.fixture
def risk_chain(chain: Chain) -> Chain:
    shutil.rmtree(outbox_path(chain.data_dir).parent, ignore_errors=True)
    return recognised_aeos(chain)


def oracle(chain: Chain) -> RiskOracle:
    client = chain.client("sg-oracle")
    return RiskOracle(
        client=client,
        rules=load_rules(EXAMPLES / "risk-rules-sg.yaml"),
        signers=[client.account],  # type: ignore[list-item]
        outbox=RiskOutbox(outbox_path(chain.data_dir)),
        clock=lambda: chain_time(chain).timestamp(),
    )


def coffee_alert(chain: Chain, severity: Severity = Severity.HIGH) -> int:
    until = chain_time(chain) + dt.timedelta(days=30)
    published = AlertRegistryBinding(chain.client("cn-customs")).publish(
        severity=severity, scope=AlertScope(hs=["0901"], destinations=["SG"]), until=until
    )
    return published.id


def recorded_lane_hash(chain: Chain, ucr: str) -> bytes:
    recorded, report = audit_consignment(client=chain.client(), ucr=ucr)
    assert report.intact
    [lane] = [r for r in recorded if r.entry.step == int(Step.RISK_LANE)]
    return lane.entry.event_hash


def test_an_alert_in_force_puts_the_consignment_on_red_and_the_recorded_lane_names_it(
    risk_chain: Chain, tmp_path: Path
) -> None:
    ucr = "6CN9144010012345678-SG-300001"
    declare_for_risk(risk_chain, ucr, supervised=True, at=chain_time(risk_chain))
    number = coffee_alert(risk_chain)
    record = declaration_record(ucr, chain_time(risk_chain))  # HS 090111: coffee
    report = oracle(risk_chain).run(write_export(tmp_path / "d.json", record))
    assert (report.decided, report.lanes) == (1, {"red": 1})
    # the lane event on chain is the one naming the alert (its GS1 hash is what the chain holds)
    decider = oracle(risk_chain)
    declaration = Declaration.model_validate(record)
    assessment = decider.assess(declaration, tmp_path)
    [_, lane_event, *_] = decider.decision_events(declaration, assessment)
    assert lane_event.data["sanzhi:riskLane"]["alerts"] == [{"id": number, "member": "CN", "severity": "high"}]
    assert lane_event.data["sanzhi:riskLane"]["lane"] == "red"
    assert recorded_lane_hash(risk_chain, ucr) == lane_event.hash.digest
    # withdrawn after the decision (in a later second): the decision as it was made is still the same
    next_block_at(risk_chain, declaration.decided_at + dt.timedelta(seconds=5))
    AlertRegistryBinding(risk_chain.client("cn-customs")).withdraw(number)
    assert oracle(risk_chain).assess(declaration, tmp_path) == assessment
    again = oracle(risk_chain).run(tmp_path / "d.json")
    assert (again.decided, again.already_done) == (0, 1)


def test_a_decision_made_before_the_alert_was_published_stays_green(risk_chain: Chain, tmp_path: Path) -> None:
    ucr = "6CN9144010012345678-SG-300002"
    declare_for_risk(risk_chain, ucr, supervised=True, at=chain_time(risk_chain))
    decided = chain_time(risk_chain)
    # the alert in a later second (block times are whole seconds), by the chain's clock
    next_block_at(risk_chain, decided + dt.timedelta(seconds=5))
    coffee_alert(risk_chain)
    report = oracle(risk_chain).run(write_export(tmp_path / "d.json", declaration_record(ucr, decided)))
    assert report.lanes == {"green": 1}


def test_a_low_alert_or_one_on_other_goods_leaves_the_lane_green(risk_chain: Chain, tmp_path: Path) -> None:
    ucr, tea = "6CN9144010012345678-SG-300003", "6CN9144010012345678-SG-300004"
    declare_for_risk(risk_chain, ucr, supervised=True, at=chain_time(risk_chain))
    declare_for_risk(risk_chain, tea, supervised=True, at=chain_time(risk_chain))
    coffee_alert(risk_chain, Severity.LOW)
    medium = coffee_alert(risk_chain, Severity.MEDIUM)
    now = chain_time(risk_chain)
    decider = oracle(risk_chain)
    coffee = decider.assess(Declaration.model_validate(declaration_record(ucr, now)), tmp_path)
    assert (coffee.lane, [a.id for a in coffee.alerts]) == ("yellow", [medium])  # the low one is not honoured
    other = decider.assess(Declaration.model_validate(declaration_record(tea, now, hs="090210")), tmp_path)
    assert (other.lane, other.alerts) == ("green", [])
