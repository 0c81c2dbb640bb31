"""AeoRegistry upgraded by vote (`sanzhi upgrade propose`, checked, approved) on the test's own
snapshot of the session chain: an operator's status comes from the version holding its latest
change, its history spans versions, MRAs likewise, and the CLI and the AEO feed send each change
to the right version by themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.aeo import AeoRegistryBinding
from ledger.aeo.codes import operator_hash
from ledger.chain.contract import ContractBinding
from ledger.ids import member_id_bytes
from tests.support import EXAMPLES, CliRunner, make_feed, upgrade_by_vote

KIND = "AeoRegistry"
OP = "USCI:91440300MA5UPGRADE"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(result.stdout) if result.stdout.lstrip().startswith(("{", "[")) else result.stdout


def upgrade(cli: CliRunner) -> str:
    return upgrade_by_vote(cli, KIND)


def changes_on(cli: CliRunner, registry: str, operator: str, member: str = "CN") -> int:
    """The certification's changes held by one version, read alone."""
    contract = ContractBinding(cli.chain.client(), KIND, registry)
    op, by = operator_hash(member, operator), member_id_bytes(member)
    return int(contract.call("certificationHistoryLength", op, by))


def status(cli: CliRunner, operator: str = OP) -> dict[str, Any]:
    return dict(ok(cli("aeo", "status", "--operator", operator, "--certified-by", "CN", "--json")))


def recognized(cli: CliRunner, operator: str = OP) -> dict[str, Any]:
    answer = cli("aeo", "recognized", "--operator", operator, "--certified-by", "CN", "--recognised-by", "SG", "--json")
    return dict(json.loads(answer.stdout))


def test_aeo_status_history_and_mras_follow_the_latest_change_across_versions(cli: CliRunner) -> None:
    v1 = cli.chain.client().address_of(KIND)
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "advanced", "--as", "cn-customs"))
    # each recognises the other's advanced AEOs only
    ok(cli("mra", "propose", "--with", "SG", "--tiers", "advanced", "--as", "cn-customs"))
    ok(cli("mra", "accept", "--with", "CN", "--tiers", "advanced", "--as", "sg-customs"))
    assert recognized(cli)["recognized"] is True

    v2 = upgrade(cli)
    assert v2 != v1
    # v1 holds everything: answered from there, through the active version's reads
    assert status(cli)["status"] == "active"
    assert recognized(cli)["recognized"] is True

    # a suspension changes what v1 holds: the CLI sends it there
    ok(cli("aeo", "suspend", "--operator", OP, "--reason", "fraud", "--as", "cn-customs"))
    assert (changes_on(cli, v1, OP), changes_on(cli, v2, OP)) == (2, 0)
    assert status(cli)["status"] == "suspended"
    assert recognized(cli)["reasons"] == ["suspended"]

    # a new certification is new issuance: v2, keeping the suspension; then v2 holds it
    ok(cli("aeo", "certify", "--operator", OP, "--tier", "general", "--as", "cn-customs"))
    assert (changes_on(cli, v1, OP), changes_on(cli, v2, OP)) == (2, 1)
    assert status(cli)["status"] == "suspended"
    ok(cli("aeo", "reinstate", "--operator", OP, "--reason", "12", "--as", "cn-customs"))
    assert (changes_on(cli, v1, OP), changes_on(cli, v2, OP)) == (2, 2)
    current = status(cli)
    assert (current["status"], current["state"]["tier_name"], current["changes"]) == ("active", "general", 4)
    history = ok(cli("aeo", "history", "--operator", OP, "--certified-by", "CN", "--json"))["history"]
    assert [h["change"] for h in history] == ["certify", "suspend", "certify", "reinstate"]
    assert all(h["recorded_at"] for h in history)

    # the MRA stays on v1: suspending it goes there, and recognition reads it from v2
    ok(cli("mra", "suspend", "--with", "CN", "--as", "sg-customs"))
    mra_v1 = ContractBinding(cli.chain.client(), KIND, v1).call("mra", member_id_bytes("SG"), member_id_bytes("CN"))
    assert mra_v1[2] == 2  # accepted, suspended: both on v1
    assert recognized(cli)["reasons"] == ["mra-not-in-force"]
    listed = ok(cli("mra", "list", "--member", "CN", "--json"))
    assert [(m["partner"], m["status"]) for m in listed] == [("SG", "suspended")]
    ok(cli("mra", "resume", "--with", "CN", "--as", "sg-customs"))
    assert recognized(cli)["recognized"] is False  # tier general is not in SG's scope
    assert recognized(cli)["reasons"] == ["tier-not-in-scope"]


def test_the_feed_certifies_on_the_new_version_and_changes_the_old_where_it_is(cli: CliRunner, tmp_path: Path) -> None:
    chain = cli.chain
    first = make_feed(chain).run(str(EXAMPLES / "aeo-cn.csv"))
    assert first.done_changes == 6
    v1 = chain.client().address_of(KIND)
    v2 = upgrade(cli)

    data = json.loads((EXAMPLES / "aeo-cn.json").read_text())
    ops = data["operators"]
    suspended = ops[0]["operator_id"]
    ops[0]["status"], ops[0]["reason"] = "suspended", "fraud"
    newcomer = dict(ops[1], operator_id="USCI:91310000NEWCOMER1")
    ops.append(newcomer)
    source = tmp_path / "after-upgrade.json"
    source.write_text(json.dumps(data))
    report = make_feed(chain).run(str(source))
    assert (report.done_changes, report.new_dead_letters) == (2, 0)
    # one batch per version, each signed in its version's domain
    assert report.transactions == 2
    assert (changes_on(cli, v1, suspended), changes_on(cli, v2, suspended)) == (2, 0)
    assert (changes_on(cli, v1, newcomer["operator_id"]), changes_on(cli, v2, newcomer["operator_id"])) == (0, 1)
    binding = AeoRegistryBinding(chain.client())
    assert binding.certification(operator=suspended, certified_by="CN").status == "suspended"
    assert binding.certification(operator=newcomer["operator_id"], certified_by="CN").status == "active"
    assert make_feed(chain).run(str(source)).new_changes == 0


def test_the_oracle_quorum_carries_over_to_the_new_version(cli: CliRunner) -> None:
    admin = cli.chain.client("cn-admin")
    old = AeoRegistryBinding(admin)
    old.contract.transact("setOracleQuorum", 2)
    upgrade(cli)
    new = AeoRegistryBinding(admin)
    assert new.contract.address != old.contract.address
    assert new.oracle_quorum("CN") == 2
