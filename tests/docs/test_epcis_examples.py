"""examples/epcis: one valid EPCIS document per business step, each recorded on a consignment."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.evidence import Step, parse_epcis
from tests.support import ROOT, CliRunner

EXAMPLES = ROOT / "examples" / "epcis"
UCR = "6CN9144010012345678-SG-000042"
# who decides what in the examples: CN inspects, SG reviews, routes, accepts CN's result, releases
DECIDERS = {
    Step.INSPECTION_RESULT: "cn-oracle",
    Step.PRE_REVIEW_RESULT: "sg-oracle",
    Step.RISK_LANE: "sg-oracle",
    Step.INSPECTION_RESULT_ACCEPTED: "sg-oracle",
    Step.RELEASE: "sg-oracle",
}


def example(step: Step) -> Path:
    return EXAMPLES / f"{step.slug.replace('_', '-')}.json"


def test_there_is_one_valid_example_per_step() -> None:
    assert sorted(EXAMPLES.glob("*.json")) == sorted(example(step) for step in Step)
    for step in Step:
        events = parse_epcis(example(step).read_text(), source=example(step).name)
        assert [event.step for event in events] == [step], example(step).name


def test_each_example_is_recorded_on_a_consignment(cli: CliRunner) -> None:
    opened = cli("evidence", "open", UCR, "--destination", "SG", "--party", "sg-trader:consignee", "--as", "cn-trader")
    assert opened.exit_code == 0, opened.stderr
    trade = [step for step in Step if not step.is_customs_decision]
    for step in trade:
        appended = cli("evidence", "append", str(example(step)), "--ucr", UCR, "--as", "cn-trader")
        assert appended.exit_code == 0, f"{example(step).name}: {appended.stderr}"
    for step, oracle in DECIDERS.items():
        decided = cli("evidence", "decide", str(example(step)), "--ucr", UCR, "--as", oracle)
        assert decided.exit_code == 0, f"{example(step).name}: {decided.stderr}"
    timeline = json.loads(cli("evidence", "timeline", UCR, "--json").stdout)
    assert [entry["step"] for entry in timeline["entries"]] == [step.slug for step in [*trade, *DECIDERS]]
    assert timeline["intact"] is True
