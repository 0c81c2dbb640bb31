"""`sanzhi aeo`, `sanzhi mra` and `sanzhi oracle`: every command, and its error paths."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger.aeo import recognition
from ledger.chain.contract import ContractBinding
from ledger.timestamps import iso, parse_time, utc_now
from tests.support import EXAMPLES, CliRunner, assert_clean_error, free_port, rpc, run_cli

OP = "USCI:91310000MA1FL8XQ30"


@pytest.fixture
def aeo_cli(cli: CliRunner) -> Iterator[CliRunner]:
    shutil.rmtree(cli.chain.data_dir / "oracles", ignore_errors=True)
    yield cli
    shutil.rmtree(cli.chain.data_dir / "oracles", ignore_errors=True)


def ok(result: object, code: int = 0) -> dict[str, object]:
    assert result.exit_code == code, result.stderr  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined, no-any-return]


def no(result: object) -> dict[str, object]:
    """A command that answers "no" (exit 1) with JSON on stdout."""
    return ok(result, 1)


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
    assert (
        "certified by CN (General Administration of Customs of China): active; tier advanced, valid "
        "2026-01-01T00:00Z to 2028-12-31T16:00Z"
    ) in text.stdout
    assert cert["certified_by_name"] == "General Administration of Customs of China"  # type: ignore[index]
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
    assert f"{OP} certified by CN (General Administration of Customs of China)" in table
    assert "fraud" in table
    never = cli("aeo", "status", "--operator", "USCI:NOBODY", "--certified-by", "SG")
    assert "never certified by SG (Singapore Customs)" in never.stdout


def test_recognized(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--as", "cn-customs", "--json"))
    args = ("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG")
    first = no(cli(*args, "--json"))
    assert (first["recognized"], first["reasons"]) == (False, ["no-mra"])
    in_force(cli, tiers="advanced")
    scoped = no(cli(*args, "--json"))
    assert (scoped["recognized"], scoped["reasons"]) == (False, ["tier-not-in-scope"])
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "2", "--as", "cn-customs", "--json"))
    assert cli(*args).stdout.startswith("RECOGNISED at ")
    cli("aeo", "suspend", "--operator", OP, "--reason", "investigation", "--as", "cn-customs")
    assert "NOT RECOGNISED" in cli(*args).stdout
    assert no(cli(*args, "--json"))["reasons"] == ["suspended"]
    past = no(cli(*args, "--at", "2020-01-01", "--json"))
    assert (past["recognized"], past["reasons"], past["at"]) == (False, ["not-certified", "no-mra"],
                                                                  "2020-01-01T00:00:00Z")  # fmt: skip
    american = no(cli("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognized-by", "CN", "--json"))
    assert american["reasons"] == ["suspended"]


def test_mra_commands(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    assert cli("mra", "list").stdout.strip() == "no MRAs"
    proposed = ok(cli("mra", "propose", "--with", "SG", "--tiers", "advanced", "--partner-tiers", "general,advanced",
                      "--as", "cn-customs", "--json"))  # fmt: skip
    assert proposed["mra"]["status"] == "proposed"  # type: ignore[index]
    listing = cli("mra", "list").stdout
    assert "proposed by CN" in listing
    assert "CN (General Administration of Customs of China)" in listing
    assert "SG (Singapore Customs)" in listing
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
    assert [(m["member_name"], m["partner_name"]) for m in listed] == [  # type: ignore[attr-defined, index]
        ("General Administration of Customs of China", "Singapore Customs")
    ]
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
    shown = cli("aeo", "status", "--operator", "USCI:91120116MA06J4RT7N", "--certified-by", "CN").stdout
    assert "certified by CN (General Administration of Customs of China): suspended" in shown


def test_oracle_status_shows_dead_letters_and_waiting_batches(aeo_cli: CliRunner, tmp_path: Path) -> None:
    cli = aeo_cli
    client = cli.chain.client("cn-admin")
    ContractBinding(client, "AeoRegistry").transact("setOracleQuorum", 2)
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


def test_feed_refuses_duplicate_keys_and_deep_nesting_in_one_line(aeo_cli: CliRunner, tmp_path: Path) -> None:
    feed = ("oracle", "aeo-feed", "--as", "cn-oracle", "--source")
    dup = tmp_path / "dup.json"
    dup.write_text('{"member": "CN", "operators": [{"operator_id": "A", "operator_id": "B"}]}')
    assert_clean_error(cli_result := aeo_cli(*feed, str(dup)), "cannot read source", 'duplicate key "operator_id"')
    assert "$.operators[0]" in cli_result.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 90_000 + "]" * 90_000)
    assert_clean_error(aeo_cli(*feed, str(deep)), "cannot read source", "nested deeper than 64 levels")
    broken = tmp_path / "broken.json"
    broken.write_text('{"operators": [\n  {"a": 1},,\n]}')
    assert_clean_error(aeo_cli(*feed, str(broken)), "invalid JSON at line 2, column 12")


# ---------------------------------------------------------------- times, exit codes, MRA in force


def block_time(cli: CliRunner) -> datetime:
    return datetime.fromtimestamp(cli.chain.client().w3.eth.get_block("latest")["timestamp"], tz=UTC)


def test_recognized_exits_0_recognised_1_not_2_undecided(
    aeo_cli: CliRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = aeo_cli
    args = ("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG")
    assert cli(*args).exit_code == 1
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--valid-from", "2020-01-01", "--as", "cn-customs",
           "--json"))  # fmt: skip
    in_force(cli)
    assert ok(cli(*args, "--json"))["recognized"] is True
    assert cli(*args).exit_code == 0
    undecided = cli(*args, "--at", "soon")
    assert undecided.exit_code == 2
    assert_clean_error(undecided, "undecided", "is not an ISO 8601 time")
    down = run_cli(capsys, "--data-dir", str(cli.chain.data_dir), "--rpc-url", f"http://127.0.0.1:{free_port()}", *args)
    assert down.exit_code == 2
    assert_clean_error(down, "undecided", "no chain node answers")


# the latest block's time against the wall clock: on the Besu-like node it is never far behind
@pytest.mark.besu
def test_without_at_a_query_means_the_wall_clock_now(aeo_cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = aeo_cli
    rpc(cli.chain.rpc_url, "evm_mine")  # the chain's time now (it may run ahead of the wall clock)
    until = block_time(cli) + timedelta(seconds=30)
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--valid-from", "2020-01-01",
           "--valid-until", until.isoformat(), "--as", "cn-customs", "--json"))  # fmt: skip
    args = ("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "CN", "--json")
    # the query reads the clock (injected here: no waiting for time to pass), not the latest block
    clock = [until - timedelta(seconds=10)]
    monkeypatch.setattr(recognition, "utc_now", lambda: clock[0])
    assert ok(cli(*args))["recognized"] is True
    clock[0] = until + timedelta(seconds=1)
    assert block_time(cli) < until
    answer = no(cli(*args))
    assert answer["reasons"] == ["expired"]
    assert parse_time(str(answer["at"])) == clock[0]


def test_at_the_epoch_means_that_instant(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--valid-from", "2020-01-01", "--as", "cn-customs",
           "--json"))  # fmt: skip
    in_force(cli)
    args = ("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG", "--json")
    epoch = no(cli(*args, "--at", "1970-01-01T00:00:00Z"))
    assert (epoch["at"], epoch["reasons"]) == ("1970-01-01T00:00:00Z", ["not-certified", "no-mra"])
    assert ok(cli(*args))["recognized"] is True
    listed = ok(cli("mra", "list", "--at", "1970-01-01T00:00:00Z", "--json"))
    assert [(m["state_at"]["status"], m["in_force"]) for m in listed] == [("none", False)]  # type: ignore[attr-defined, index]


def test_a_future_dated_suspension_is_scheduled_not_current(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "advanced", "--valid-from", "2020-01-01",
           "--as", "cn-customs", "--json"))  # fmt: skip
    later = (utc_now() + timedelta(days=2)).replace(hour=0, minute=0, second=0)
    ok(cli("aeo", "suspend", "--operator", OP, "--reason", "under-investigation", "--effective", later.isoformat(),
           "--as", "cn-customs", "--json"))  # fmt: skip
    shown = cli("aeo", "status", "--operator", OP, "--certified-by", "CN").stdout
    assert f"of China): active; suspension scheduled for {iso(later)} (under-investigation);" in shown
    assert later.strftime("%Y-%m-%dT00:00Z") == iso(later)
    status = ok(cli("aeo", "status", "--operator", OP, "--certified-by", "CN", "--json"))
    assert (status["status"], [s["change"] for s in status["scheduled"]]) == ("active", ["suspend"])  # type: ignore[attr-defined]
    then = ok(cli("aeo", "status", "--operator", OP, "--certified-by", "CN", "--at", iso(later), "--json"))
    assert (then["status"], then["scheduled"]) == ("suspended", [])
    history = ok(cli("aeo", "history", "--operator", OP, "--certified-by", "CN", "--json"))["history"]
    effective = [parse_time(h["effective_at"]) for h in history]  # type: ignore[attr-defined]
    recorded = [parse_time(h["recorded_at"]) for h in history]  # type: ignore[attr-defined]
    assert effective[1] == later
    assert recorded[1] < later
    assert abs((recorded[0] - effective[0]).total_seconds()) < 2  # recorded when it took effect
    table = cli("aeo", "history", "--operator", OP, "--certified-by", "CN").stdout
    assert "EFFECTIVE" in table.splitlines()[0]
    assert "RECORDED" in table.splitlines()[0]
    assert iso(later) in table


def test_mra_list_and_recognized_agree_on_in_force_at_each_time(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--valid-from", "2020-01-01", "--as", "cn-customs",
           "--json"))  # fmt: skip
    start = (utc_now() + timedelta(days=30)).replace(microsecond=0)
    ok(cli("mra", "propose", "--with", "SG", "--effective", start.isoformat(), "--as", "cn-customs", "--json"))
    ok(cli("mra", "accept", "--with", "CN", "--tiers", "general,advanced", "--effective", start.isoformat(),
           "--as", "sg-customs", "--json"))  # fmt: skip

    def agree(at: datetime | None) -> bool:
        extra = ("--at", at.isoformat()) if at else ()
        listed = ok(cli("mra", "list", *extra, "--json"))[0]  # type: ignore[index]
        answer = cli("aeo", "recognized", "--operator", OP, "--certified-by", "CN", "--recognised-by", "SG", *extra,
                     "--json")  # fmt: skip
        reasons = json.loads(answer.stdout)["reasons"]
        mra_ok = not {"no-mra", "mra-not-in-force"} & set(reasons)
        assert listed["in_force"] == mra_ok == (answer.exit_code == 0), (at, listed, reasons)  # type: ignore[index]
        return bool(listed["in_force"])  # type: ignore[index]

    times = [None, start - timedelta(hours=1), start, start + timedelta(days=1)]
    assert [agree(t) for t in times] == [False, False, True, True]
    listed_now = cli("mra", "list").stdout
    assert f"not in force; in force from {iso(start)}" in listed_now
    assert f"AT {iso(utc_now())[:10]}" in listed_now.splitlines()[0]
    # CN suspends: recorded at the MRA's start (no change may precede the last), so it is never in force
    ok(cli("mra", "suspend", "--with", "SG", "--as", "cn-customs", "--json"))
    assert [agree(t) for t in times] == [False, False, False, False]
    assert "suspended by CN" in cli("mra", "list", "--at", (start + timedelta(days=1)).isoformat()).stdout
    ok(cli("mra", "resume", "--with", "SG", "--as", "cn-customs", "--json"))
    assert [agree(t) for t in times] == [False, False, True, True]


def test_aeo_and_mra_errors_name_statuses_tiers_and_times(aeo_cli: CliRunner) -> None:
    cli = aeo_cli
    never = cli("aeo", "suspend", "--operator", OP, "--as", "cn-customs")
    assert_clean_error(never, f"cannot suspend {OP}: CN's certification is none (only an active one can be suspended)",
                       "(AeoRegistryInvalidTransition)")  # fmt: skip
    assert "status=" not in never.stderr
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--effective", "2026-03-01", "--as", "cn-customs",
           "--json"))  # fmt: skip
    early = cli("aeo", "suspend", "--operator", OP, "--effective", "2026-02-01T12:00:00Z", "--as", "cn-customs")
    assert_clean_error(early, "effective time 2026-02-01T12:00Z is before the certification's last change at "
                       "2026-03-01T00:00Z")  # fmt: skip
    ok(cli("mra", "propose", "--with", "SG", "--tiers", "advanced", "--partner-tiers", "general,advanced",
           "--as", "cn-customs", "--json"))  # fmt: skip
    changed = cli("mra", "accept", "--with", "CN", "--tiers", "general", "--as", "sg-customs")
    assert_clean_error(changed, "proposer recognises advanced, partner recognises general,advanced, effective on "
                       "acceptance", "AeoRegistryMraTermsChanged")  # fmt: skip
    assert "0x" not in changed.stderr
    not_yet = cli("mra", "suspend", "--with", "SG", "--as", "cn-customs")
    assert_clean_error(not_yet, "the MRA between CN and SG is not in effect (never accepted)")
    assert "status=" not in not_yet.stderr


@pytest.mark.parametrize(
    ("certified_by", "recognised_by", "operator", "said"),
    [
        ("XX", "SG", OP, "XX has never been a member"),
        ("CN", "ZZ", OP, "ZZ has never been a member"),
        ("CN", "SG", "not an id!", "is not an operator id"),
        ("C N", "SG", OP, "is not a member id"),
    ],
)
def test_recognized_with_invalid_input_is_undecided(
    cli: CliRunner, certified_by: str, recognised_by: str, operator: str, said: str
) -> None:
    args = (
        "aeo",
        "recognized",
        "--operator",
        operator,
        "--certified-by",
        certified_by,
        "--recognised-by",
        recognised_by,
    )
    for extra in ((), ("--at", "1970-01-01T00:00:00Z")):
        result = cli(*args, *extra)
        assert result.exit_code == 2, result.stderr
        assert_clean_error(result, "undecided", said)


def test_status_and_history_refuse_a_member_that_never_was_with_exit_2(cli: CliRunner) -> None:
    for command in ("status", "history"):
        result = cli("aeo", command, "--operator", OP, "--certified-by", "XX")
        assert result.exit_code == 2, result.stderr
        assert_clean_error(result, "XX has never been a member")


def test_mra_list_of_a_member_that_never_was_exits_2(cli: CliRunner) -> None:
    result = cli("mra", "list", "--member", "XX")
    assert result.exit_code == 2, result.stdout
    assert_clean_error(result, "XX has never been a member")
