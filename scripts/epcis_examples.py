#!/usr/bin/env python3
"""Write examples/epcis/<step>.json: one EPCIS 2.0 document per business step of the ledger's
vocabulary, all about one consignment from CN to SG (the UCR in README.md's evidence section).

    .venv/bin/python scripts/epcis_examples.py

Trade steps (a party or a customs key appends them: `sanzhi evidence append`) observe the
consignment's pallet; customs decisions (`sanzhi evidence decide`, an oracle quorum) name the
deciding member's declaration and carry their extension field. Times are fixed, so running it
again writes the same files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ledger.evidence import BTT_DECLARATION, EventType, Step, epcis_document, event_hash, new_event

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "epcis"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
CN_DECLARATION = "urn:sanzhi:declaration:CN:EXP-2026-000042"
SG_DECLARATION = "urn:sanzhi:declaration:SG:IMP-2026-000042"
START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RULES = "0x" + "5a" * 32  # the hash of the rule set that chose the lane (illustrative)
REPORT = "0x" + "7e" * 32  # the lab report's SHA-256 (illustrative)
REPORT_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def trade(step: Step, at: dt.datetime) -> Any:
    declaration = [(BTT_DECLARATION, CN_DECLARATION)] if step is Step.ADVANCE_DECLARATION_FILED else []
    return new_event(EventType.OBJECT, step, at, epcs=[SSCC], biz_transactions=declaration)


def decisions(at: dt.datetime) -> dict[Step, Any]:
    """The customs decisions: CN inspects and SG accepts its result; SG reviews, routes, releases."""
    inspected = new_event(
        EventType.OBJECT, Step.INSPECTION_RESULT, at, epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, CN_DECLARATION)],
        extensions={"inspection": {"kind": "lab", "reportHash": REPORT, "reportCid": REPORT_CID, "outcome": "pass"}},
    )  # fmt: skip
    sg = [(BTT_DECLARATION, SG_DECLARATION)]
    accepted = {"eventHash": event_hash(inspected.data, context=inspected.context).ni, "administration": "SG"}
    return {
        Step.PRE_REVIEW_RESULT: new_event(
            EventType.OBJECT,
            Step.PRE_REVIEW_RESULT,
            at + dt.timedelta(hours=1),
            epcs=[SSCC],
            biz_transactions=sg,
            extensions={"preReview": {"outcome": "cleared"}},
        ),
        Step.RISK_LANE: new_event(
            EventType.OBJECT,
            Step.RISK_LANE,
            at + dt.timedelta(hours=2),
            epcs=[SSCC],
            biz_transactions=sg,
            extensions={
                "riskLane": {"lane": "green", "ruleSetHash": RULES, "reasons": ["AEO recognised under the MRA"]}
            },
        ),
        Step.INSPECTION_RESULT: inspected,
        Step.INSPECTION_RESULT_ACCEPTED: new_event(
            EventType.OBJECT,
            Step.INSPECTION_RESULT_ACCEPTED,
            at + dt.timedelta(hours=3),
            epcs=[SSCC],
            biz_transactions=sg,
            extensions={"acceptedResult": accepted},
        ),
        Step.RELEASE: new_event(
            EventType.OBJECT, Step.RELEASE, at + dt.timedelta(hours=4), epcs=[SSCC], biz_transactions=sg
        ),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    events = {step: trade(step, START + dt.timedelta(minutes=i)) for i, step in enumerate(Step)
              if not step.is_customs_decision}  # fmt: skip
    events.update(decisions(START + dt.timedelta(days=1)))
    for step, event in events.items():
        document = epcis_document([event], created=START + dt.timedelta(days=2))
        (OUT / f"{step.slug.replace('_', '-')}.json").write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
