"""`sanzhi evidence ...` on the session chain: record, timeline, verify, bundle, verify offline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ledger.evidence import BTT_DECLARATION, EventType, Step, epcis_document, new_event
from tests.support import CliRunner, assert_clean_error, opened

UCR = "6CN9144010012345678-SG-000077"
SSCC = "urn:epc:id:sscc:0614141.1234567899"
T = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def write(path: Path, *events: object) -> Path:
    path.write_text(json.dumps(epcis_document(list(events), created=T)))  # type: ignore[arg-type]
    return path


def test_record_audit_and_bundle(cli: CliRunner, tmp_path: Path) -> None:
    declared = new_event(
        EventType.OBJECT,
        Step.ADVANCE_DECLARATION_FILED,
        T,
        epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, "urn:sanzhi:declaration:CN:2026-0077")],
    )
    loaded = new_event(EventType.OBJECT, Step.LOADING, T + dt.timedelta(hours=3), epcs=[SSCC])
    trade = write(tmp_path / "trade.json", declared, loaded)
    released = new_event(
        EventType.OBJECT, Step.RELEASE, T + dt.timedelta(hours=4), epcs=[SSCC],
        biz_transactions=[(BTT_DECLARATION, "urn:sanzhi:declaration:CN:2026-0077")],
    )  # fmt: skip
    decision = write(tmp_path / "release.json", released)

    # nothing is recorded on a consignment that was never opened
    assert_clean_error(cli("evidence", "append", str(trade), "--ucr", UCR, "--as", "cn-trader"), "is not open")
    assert cli("evidence", "open", UCR, "--destination", "SG", "--party", "sg-trader:consignee",
               "--as", "cn-trader").exit_code == 0  # fmt: skip
    photo = tmp_path / "seal.jpg"
    photo.write_bytes(b"photo of the sealed container")
    appended = cli(
        "evidence", "append", str(trade), "--ucr", UCR, "--as", "cn-trader", "--document", str(photo), "--json"
    )
    assert appended.exit_code == 0, appended.stderr
    assert json.loads(appended.stdout)["entries"] == 2
    # a customs decision goes through the member's oracles, never a trade key
    assert_clean_error(cli("evidence", "append", str(decision), "--ucr", UCR, "--as", "cn-trader"), "customs decision")
    assert cli("evidence", "decide", str(decision), "--ucr", UCR, "--as", "cn-oracle").exit_code == 0

    timeline = json.loads(cli("evidence", "timeline", UCR, "--json").stdout)
    assert [e["step"] for e in timeline["entries"]] == ["advance-declaration-filed", "loading", "release"]
    assert timeline["intact"] is True
    assert [e["side"] for e in timeline["entries"]] == ["party", "party", "export"]
    assert "chain intact" in cli("evidence", "timeline", UCR).stdout

    assert cli("evidence", "verify", UCR, "--events", str(trade), "--document", f"1={photo}").exit_code == 0
    photo.write_bytes(b"another photo")
    changed = cli("evidence", "verify", UCR, "--document", f"2={photo}")
    assert changed.exit_code == 1
    assert "is not the document entry 2 recorded" in changed.stdout
    altered = write(tmp_path / "altered.json", new_event(EventType.OBJECT, Step.LOADING, T, epcs=[SSCC]))
    broken = cli("evidence", "verify", UCR, "--events", str(altered))
    assert broken.exit_code == 1
    assert "is not on the chain" in broken.stdout

    bundle = tmp_path / "bundle.json"
    made = json.loads(cli("evidence", "bundle", UCR, "--out", str(bundle), "--events", str(trade), "--json").stdout)
    assert made["entries"] == 3
    ok = cli("evidence", "verify-bundle", str(bundle), "--trusted-block", made["block_hash"], "--json")
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["events_checked"] == 2
    wrong = cli("evidence", "verify-bundle", str(bundle), "--trusted-block", "0x" + "00" * 32)
    assert wrong.exit_code == 1
    assert wrong.stdout.startswith("INVALID: header")


def test_risk_oracle_command(cli: CliRunner, tmp_path: Path) -> None:
    from tests.support import EXAMPLES

    rules = str(EXAMPLES / "risk-rules-sg.yaml")
    opened(cli.chain, UCR)  # by CN's trader, for SG
    source = tmp_path / "declarations.json"
    source.write_text(json.dumps({"declarations": [{
        "ucr": UCR, "declaration": "SG-IMP-77", "decided_at": T.isoformat(), "hs_codes": ["090111"],
        "consignor": {"operator": "USCI:UNKNOWN", "certified_by": "CN"},
    }]}))  # fmt: skip
    result = cli("oracle", "risk", "--source", str(source), "--rules", rules, "--as", "sg-oracle", "--json")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["decided"], body["lanes"]) == (1, {"red": 1})  # an unknown consignor, no declarant
    assert "is not an oracle of SG" in cli("oracle", "risk", "--source", str(source), "--rules", rules,
                                            "--as", "cn-oracle").stderr  # fmt: skip
    broken = tmp_path / "rules.yaml"
    broken.write_text("name: x\nname: y\n")
    assert_clean_error(cli("oracle", "risk", "--source", str(source), "--rules", str(broken), "--as", "sg-oracle"),
                       "given twice")  # fmt: skip
