"""`sanzhi alert`: SG's customs publishes an alert about shrimp from CN with its reason shared
with CN's customs, extends and withdraws it; CN's customs and governance keys are refused in one
line; every bad input is one line and exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.support import CliRunner, advance_time, assert_clean_error, chain_now


def later(cli: CliRunner, days: int) -> str:
    moment = dt.datetime.fromtimestamp(chain_now(cli), tz=dt.UTC) + dt.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def publish(cli: CliRunner, *args: str) -> dict[str, object]:
    result = cli("alert", "publish", "--json", *args)
    assert result.exit_code == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout)
    return found


# extension and withdrawal are dated by block time, and the clock is moved by hand
@pytest.mark.besu
def test_publish_with_a_shared_reason_extend_and_withdraw(cli: CliRunner, tmp_path: Path) -> None:
    reason = tmp_path / "findings.txt"
    reason.write_text("Three consignments of frozen shrimp from Ningbo misdeclared as 0306.17 (prawns).")
    alert = publish(
        cli, "--hs", "0306", "--hs", "1605", "--origin", "CN", "--destination", "SG",
        "--port-of-loading", "CNNGB", "--severity", "high", "--until", later(cli, 30),
        "--reason-file", str(reason), "--share-with", "CN", "--as", "sg-customs",
    )  # fmt: skip
    assert (alert["member"], alert["member_name"], alert["severity"]) == ("SG", "Singapore Customs", "high")
    assert alert["publisher_name"]["label"] == "Singapore Customs Checkpoints, accredited by SG"  # type: ignore[index]
    assert alert["scope"] == {
        "hs": ["0306", "1605"], "origins": ["CN"], "destinations": ["SG"], "operator": None,
        "ports_of_loading": ["CNNGB"], "ports_of_discharge": [],
    }  # fmt: skip
    alert_id = str(alert["id"])

    # CN's customs reads the reason it was shared; the document is the file SG published
    out = tmp_path / "read.txt"
    got = cli("docs", "get", str(alert["reason_cid"]), "--as", "cn-customs", "--out", str(out))
    assert got.exit_code == 0, got.stderr
    assert out.read_text() == reason.read_text()
    assert cli("docs", "get", str(alert["reason_cid"]), "--as", "cn-trader", "--out", str(out)).exit_code != 0

    listed = cli("alert", "list")
    assert listed.exit_code == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.split()[0] == alert_id)
    assert "in-force" in row
    assert "HS 0306,1605" in row
    assert "loading CNNGB" in row

    advance_time(cli, 86_400)
    extended = cli("alert", "extend", alert_id, "--until", later(cli, 60), "--as", "sg-customs")
    assert extended.exit_code == 0, extended.stderr
    assert "extended at" in extended.stdout

    refused = cli("alert", "withdraw", alert_id, "--as", "cn-customs")
    assert_clean_error(refused, f"alert {alert_id} is SG's: only SG's customs may change it (you act for CN)")
    governance = cli("alert", "withdraw", alert_id, "--as", "sg-admin")
    assert_clean_error(governance, "is SG's governance admin key", "--as sg-customs")

    withdrawn = cli("alert", "withdraw", alert_id, "--as", "sg-customs", "--json")
    assert withdrawn.exit_code == 0, withdrawn.stderr
    assert json.loads(withdrawn.stdout)["withdrawn_at"] is not None
    in_force = json.loads(cli("alert", "list", "--json").stdout)
    assert alert_id not in [str(a["id"]) for a in in_force]
    everything = json.loads(cli("alert", "list", "--all", "--json").stdout)
    assert alert_id in [str(a["id"]) for a in everything]
    assert next(a for a in everything if str(a["id"]) == alert_id)["tx_hash"] == alert["tx_hash"]

    def state_at(*at: str) -> str:
        rows = cli("alert", "list", "--all", *at).stdout.splitlines()
        return next(line for line in rows if line.split()[0] == alert_id).split()[3]

    published = dt.datetime.fromisoformat(str(alert["published_at"]))
    # the same words as the portal: before its publication an alert is scheduled, never "ended"
    before = published - dt.timedelta(seconds=1)
    assert state_at("--at", before.strftime("%Y-%m-%dT%H:%M:%SZ")) == "scheduled"
    assert state_at("--at", published.strftime("%Y-%m-%dT%H:%M:%SZ")) == "in-force"
    assert state_at() == "withdrawn"
    again = cli("alert", "withdraw", alert_id, "--as", "sg-customs")
    assert_clean_error(again, f"alert {alert_id} was withdrawn at")

    shown = cli("alert", "show", alert_id)
    assert "withdrawn at" in shown.stdout
    assert "Singapore Customs Checkpoints" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--hs", "030", "--severity", "low"), "'030' is not an HS code of 2, 4 or 6 digits"),
        (("--port-of-discharge", "SGSI", "--severity", "low"), "'SGSI' is not a UN/LOCODE"),
        (("--origin", "XX", "--severity", "low"), "XX has never been a member"),
        (("--severity", "urgent"), "urgent"),
        (("--operator", "USCI:91310000MA1FL8XQ30", "--severity", "low"), "exactly one --origin"),
        (("--share-with", "CN", "--severity", "low"), "give the file too"),
        (("--days", "3", "--severity", "low"), "either --until DATE or --days N"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: CliRunner, args: tuple[str, ...], message: str) -> None:
    result = cli("alert", "publish", *args, "--until", later(cli, 3), "--as", "sg-customs")
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_dates_are_checked_in_one_line(cli: CliRunner) -> None:
    too_far = cli("alert", "publish", "--severity", "low", "--until", later(cli, 400), "--as", "sg-customs")
    assert too_far.exit_code == 2
    assert_clean_error(too_far, "more than 366 days ahead")
    past = cli("alert", "publish", "--severity", "low", "--until", later(cli, -1), "--as", "sg-customs")
    assert_clean_error(past, "is not after")
    assert cli("alert", "extend", "999", "--until", later(cli, 3), "--as", "sg-customs").exit_code != 0
    assert cli("alert", "show", "0").exit_code == 2


def test_a_national_operator_id_is_hashed_with_its_origin(cli: CliRunner) -> None:
    alert = publish(
        cli, "--operator", "USCI:91310000MA1FL8XQ30", "--origin", "CN", "--severity", "medium",
        "--until", later(cli, 5), "--as", "cn-customs",
    )  # fmt: skip
    from ledger.aeo.codes import operator_hash

    assert alert["scope"]["operator"] == "0x" + operator_hash("CN", "USCI:91310000MA1FL8XQ30").hex()  # type: ignore[index]
