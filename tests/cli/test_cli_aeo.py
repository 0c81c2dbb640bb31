"""`sanzhi aeo`, `sanzhi mra` and `sanzhi oracle`: every command, and its error paths."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli_foundation import assert_clean_error
from tests.support import EXAMPLES, CliRunner

OP = "USCI:91310000MA1FL8XQ30"


@pytest.fixture
def aeo_cli(cli: CliRunner) -> Iterator[CliRunner]:
    shutil.rmtree(cli.chain.data_dir / "oracles", ignore_errors=True)
    yield cli
    shutil.rmtree(cli.chain.data_dir / "oracles", ignore_errors=True)


def ok(result: object) -> dict[str, object]:
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined, no-any-return]


def in_force(cli: CliRunner, tiers: str = "general,advanced") -> None:
    ok(cli("mra", "propose", "--with", "SG", "--tiers", tiers, "--as", "cn-customs", "--json"))
    ok(cli("mra", "accept", "--with", "CN", "--tiers", tiers, "--as", "sg-customs", "--json"))


def test_certify_status_history(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    certified = ok(cli("aeo", "certify", "--operator", OP, "--tier", "advanced", "--valid-from", "2026-01-01",
                       "--valid-until", "2029-01-01T00:00:00+08:00", "--as", "cn-customs", "--json"))  # fmt: skip
    cert = certified["certification"]
    assert cert["status"] == "active"  # type: ignore[index]
    assert cert["state"]["valid_until"] == "2028-12-31T16:00:00Z"  # type: ignore[index]
    text = cli("aeo", "status", "--operator", OP, "--certified-by", "CN")
    assert "certified by CN: active, tier advanced, valid 2026-01-01 00:00:00Z to 2028-12-31 16:00:00Z" in text.stdout
    suspended = ok(cli("aeo", "suspend", "--operator", OP, "--reason", "fraud", "--as", "cn-customs", "--json"))
    assert suspended["certification"]["state"]["reason"] == 1  # type: ignore[index]
    assert "reinstate" in cli("aeo", "reinstate", "--operator", OP, "--reason", "12", "--as", "cn-customs").stdout
    assert (
        ok(cli("aeo", "revoke", "--operator", OP, "--reason", "voluntary", "--as", "cn-customs", "--json"))[
            "certification"
        ]["status"]
        == "revoked"
    )  # type: ignore[index]
    history = ok(cli("aeo", "history", "--operator", OP, "--certified-by", "cn", "--json"))["history"]
    assert [(h["change"], h["reason_name"]) for h in history] == [  # type: ignore[attr-defined]
        ("certify", "unspecified"), ("suspend", "fraud"), ("reinstate", "remediated"), ("revoke", "voluntary"),
    ]  # fmt: skip
    table = cli("aeo", "history", "--operator", OP, "--certified-by", "CN").stdout
    assert "suspend" in table
    assert "fraud" in table
    never = cli("aeo", "status", "--operator", "USCI:NOBODY", "--certified-by", "SG")
    assert "never certified by SG" in never.stdout


def test_recognized(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--as", "cn-customs", "--json"))
    args = ("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG")
    first = ok(cli(*args, "--json"))
    assert (first["recognized"], first["reasons"]) == (False, ["no-mra"])
    in_force(cli, tiers="advanced")
    scoped = ok(cli(*args, "--json"))
    assert (scoped["recognized"], scoped["reasons"]) == (False, ["tier-not-in-scope"])
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "2", "--as", "cn-customs", "--json"))
    assert cli(*args).stdout.startswith("RECOGNISED at ")
    cli("aeo", "suspend", "--operator", OP, "--reason", "investigation", "--as", "cn-customs")
    assert "NOT RECOGNISED" in cli(*args).stdout
    assert ok(cli(*args, "--json"))["reasons"] == ["suspended"]
    past = ok(cli(*args, "--at", "2020-01-01", "--json"))
    assert (past["recognized"], past["reasons"], past["at"]) == (False, ["not-certified", "mra-not-in-force"],
                                                                  "2020-01-01T00:00:00Z")  # fmt: skip
    american = ok(cli("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognized-by", "CN", "--json"))
    assert american["reasons"] == ["suspended"]


def test_mra_commands(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    assert cli("mra", "list").stdout.strip() == "no MRAs"
    proposed = ok(cli("mra", "propose", "--with", "SG", "--tiers", "advanced", "--partner-tiers", "general,advanced",
                      "--as", "cn-customs", "--json"))  # fmt: skip
    assert proposed["mra"]["status"] == "proposed"  # type: ignore[index]
    assert "proposed by CN" in cli("mra", "list").stdout
    # SG restates the terms it read; other terms are refused with the standing ones named
    assert_clean_error(
        cli("mra", "accept", "--with", "CN", "--tiers", "advanced", "--as", "sg-customs"), "AeoRegistryMraTermsChanged"
    )
    accepted = ok(cli("mra", "accept", "--with", "CN", "--tiers", "general,advanced", "--partner-tiers", "advanced",
                      "--as", "sg-customs", "--json"))["mra"]  # fmt: skip
    assert accepted["state"]["tiers_recognised_by_member"] == ["general", "advanced"]  # type: ignore[index]
    assert accepted["state"]["tiers_recognised_by_partner"] == ["advanced"]  # type: ignore[index]
    assert "suspended" in cli("mra", "suspend", "--with", "SG", "--as", "cn-customs").stdout
    assert_clean_error(cli("mra", "resume", "--with", "CN", "--as", "sg-customs"), "AeoRegistryNotMraSuspender")
    assert "resumed" in cli("mra", "resume", "--with", "SG", "--as", "cn-customs").stdout
    assert "terminated" in cli("mra", "terminate", "--with", "CN", "--as", "sg-customs").stdout
    listed = ok(cli("mra", "list", "--json"))
    assert [(m["member"], m["partner"], m["status"]) for m in listed] == [("CN", "SG", "terminated")]  # type: ignore[attr-defined, index]
    ok(cli("mra", "propose", "--with", "SG", "--as", "cn-customs", "--json"))
    assert "cancelled" in cli("mra", "cancel", "--with", "CN", "--as", "sg-customs").stdout


def test_oracle_feed_and_status(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    fed = ok(cli("oracle", "aeo-feed", "--source", str(EXAMPLES / "aeo-cn.csv"), "--as", "cn-oracle", "--json"))
    assert (fed["records"], fed["done_changes"], fed["member"]) == (5, 6, "CN")
    again = cli("oracle", "aeo-feed", "--source", str(EXAMPLES / "aeo-cn.json"), "--as", "cn-oracle-2")
    assert "5 records, 0 new changes, 0 applied in 0 transactions" in again.stdout
    status = ok(cli("oracle", "status", "--json"))
    assert status["changes"] == {"done": 6}
    assert status["dead_letters"] == []
    assert "changes: 6 done" in cli("oracle", "status").stdout
    assert "certified by CN: suspended" in cli("aeo", "status", "--operator", "USCI:91120116MA06J4RT7N",
                                                "--certified-by", "CN").stdout  # fmt: skip


def test_oracle_status_shows_dead_letters_and_waiting_batches(aeo_cli: CliRunner, tmp_path: Path) -> None:
    cli = aeo_cli
    client = cli.chain.client("cn-admin")
    client.transact(client.contract("AeoRegistry").functions.setOracleQuorum(2))
    source = tmp_path / "aeo.csv"
    source.write_text("operator_id,tier,valid_from\nUSCI:ONE,general,2025-01-01\nUSCI:TWO,gold,2025-01-01\n")
    waiting = cli("oracle", "aeo-feed", "--source", str(source), "--as", "cn-oracle", "--quorum-wait", "0")
    assert "1 batches await signatures of other oracles (quorum 2)" in waiting.stdout
    shown = cli("oracle", "status").stdout
    assert "signing" in shown
    assert "row 2 USCI:TWO: malformed row: unknown tier 'gold'" in shown
    status = ok(cli("oracle", "status", "--member", "CN", "--json"))
    assert status["changes"] == {"signing": 1}
    assert status["open_batches"][0]["signatures"] == 1  # type: ignore[index]


def test_error_paths_are_one_line(aeo_cli: CliRunner, tmp_path: Path) -> None:
    cli = aeo_cli
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "gold", "--as", "cn-customs"), "unknown tier 'gold'"
    )
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "16", "--as", "cn-customs"), "between 1 and 15"
    )
    assert_clean_error(
        cli("aeo", "certify", "--operator", "bad id!", "--tier", "1", "--as", "cn-customs"), "is not an operator id"
    )
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "1", "--valid-from", "yesterday", "--as", "cn-customs"),
        "is not an ISO 8601 time",
    )
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "1", "--valid-from", "2027-01-01", "--valid-until",
            "2026-01-01", "--as", "cn-customs"),
        "valid-until must be after valid-from",
    )  # fmt: skip
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "1", "--as", "cn-oracle"),
        "is not a customs key of any member",
    )
    assert_clean_error(
        cli("aeo", "certify", "--operator", OP, "--tier", "1", "--as", "cn-admin"),
        "is CN's governance admin key",
    )
    assert_clean_error(cli("aeo", "certify", "--operator", OP, "--tier", "1"), "needs a signing key")
    assert_clean_error(cli("aeo", "suspend", "--operator", OP, "--as", "cn-customs"), "AeoRegistryInvalidTransition")
    assert_clean_error(
        cli("aeo", "suspend", "--operator", OP, "--reason", "boredom", "--as", "cn-customs"), "unknown reason 'boredom'"
    )
    assert_clean_error(
        cli("aeo", "revoke", "--operator", OP, "--reason", "70000", "--as", "cn-customs"), "between 0 and 65535"
    )
    assert_clean_error(cli("aeo", "status", "--operator", OP, "--certified-by", "c n"), "is not a member id")
    assert_clean_error(
        cli("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG", "--at", "soon"),
        "is not an ISO 8601 time",
    )
    assert_clean_error(cli("mra", "propose", "--with", "SG", "--tiers", "", "--as", "cn-customs"), "at least one tier")
    assert_clean_error(cli("mra", "propose", "--with", "CN", "--as", "cn-customs"), "between two different members")
    assert_clean_error(cli("mra", "propose", "--with", "TH", "--as", "cn-customs"), "AeoRegistryInvalidPartner")
    assert_clean_error(
        cli("mra", "accept", "--with", "SG", "--tiers", "general", "--as", "cn-customs"), "AeoRegistryNoMraProposal"
    )
    assert_clean_error(cli("mra", "suspend", "--with", "SG", "--as", "cn-customs"), "AeoRegistryInvalidMraTransition")
    assert_clean_error(cli("mra", "terminate", "--with", "SG", "--as", "nobody"), "unknown profile 'nobody'")
    feed = ("oracle", "aeo-feed", "--as", "cn-oracle", "--source")
    assert_clean_error(cli(*feed, str(tmp_path / "missing.csv")), "cannot read source", "missing.csv")
    assert_clean_error(cli(*feed, str(tmp_path / "list.xml")), "expected a .csv or .json file")
    (tmp_path / "broken.json").write_text("{not json")
    assert_clean_error(cli(*feed, str(tmp_path / "broken.json")), "cannot read source")
    assert_clean_error(
        cli("oracle", "aeo-feed", "--source", str(EXAMPLES / "aeo-cn.csv"), "--as", "cn-customs"),
        "is not an accredited oracle",
    )
    assert_clean_error(
        cli(*feed, str(EXAMPLES / "aeo-cn.csv"), "--batch-size", "101"), "--batch-size must be between 1 and 100"
    )
    usage = cli("aeo", "certify", "--tier", "1", "--as", "cn-customs")
    assert usage.exit_code == 2
    assert "Traceback" not in usage.stderr
