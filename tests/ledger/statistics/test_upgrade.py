"""StatisticsRegistry upgraded by vote (`propose_upgrade`, approved with `sanzhi consortium
approve`) on the test's own snapshot of the session chain (the `chain` fixture reverts it,
listing included): a table committed on v1 gets revision 2 on v2, and its history reads as one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.chain.contract import ContractBinding
from ledger.consortium.upgrades import propose_upgrade
from ledger.errors import ContractRevert
from ledger.ids import member_id_bytes
from ledger.statistics import StatisticsRegistryBinding, read_table, table_root
from tests.support import ROOT, CliRunner

KIND = "StatisticsRegistry"
SAMPLES = ROOT / "examples" / "statistics"
CN_EXPORTS = SAMPLES / "cn-exports-sg-2026-10.csv"
SG_IMPORTS = SAMPLES / "sg-imports-cn-2026-10.csv"
HISTORY = ("stats", "history", "--reporter", "CN", "--flow", "export", "--partner", "SG", "--period", "2026-10")


def commit(cli: CliRunner, table: Path, profile: str = "cn-oracle") -> dict[str, object]:
    result = cli("stats", "commit", str(table), "--as", profile, "--json")
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_a_tables_history_spans_the_upgrade(cli: CliRunner, tmp_path: Path) -> None:
    chain = cli.chain
    v1 = chain.client().address_of(KIND)
    assert commit(cli, CN_EXPORTS)["revision"] == 1

    made = propose_upgrade(chain.client("cn-admin"), KIND)
    assert not made.executed
    assert cli("consortium", "approve", str(made.proposal_id), "--as", "sg-admin").exit_code == 0
    v2 = made.registry
    assert StatisticsRegistryBinding(chain.client()).address == v2

    # CN revises its figures after the upgrade: revision 2, on v2
    revised = tmp_path / "cn-exports-revised.csv"
    revised.write_text(CN_EXPORTS.read_text().replace("1859970.00", "1859971.00", 1))
    second = commit(cli, revised)
    assert (second["revision"], second["already_committed"]) == (2, False)
    # back to the first figures: a change from the latest (v2's), so revision 3
    assert commit(cli, CN_EXPORTS)["revision"] == 3
    again = commit(cli, CN_EXPORTS)
    assert (again["revision"], again["already_committed"]) == (3, True)

    # the contract refuses a resend too, comparing with the latest over both versions
    exports = read_table(CN_EXPORTS)
    binding = StatisticsRegistryBinding(chain.client("cn-oracle-2"))
    with pytest.raises(ContractRevert.for_error("StatisticsRegistryUnchanged"), match="revision 3"):
        binding.commit(key=exports.key, root=table_root(exports), rows=len(exports.rows), cid_digest=None)

    # one history, numbered as the contract numbered it; each version holds its own part
    revisions = json.loads(cli(*HISTORY, "--json").stdout)["revisions"]
    first_root, revised_root = "0x" + table_root(exports).hex(), "0x" + table_root(read_table(revised)).hex()
    assert [(r["number"], r["root"]) for r in revisions] == [(1, first_root), (2, revised_root), (3, first_root)]
    assert binding.revision_count(exports.key) == 3
    args = (member_id_bytes("CN"), exports.key.flow.code, member_id_bytes("SG"), 202610)
    own = [ContractBinding(chain.client(), KIND, v).call("revisionCount", *args) for v in (v1, v2)]
    assert own == [1, 2]

    # SG commits its mirror table on v2; the comparison checks CN's table against revision 3
    commit(cli, SG_IMPORTS, "sg-oracle")
    compared = cli("stats", "compare", "--ours", str(SG_IMPORTS), "--theirs", str(CN_EXPORTS), "--period", "2026-10",
                   "--out", str(tmp_path / "report"))  # fmt: skip
    assert compared.exit_code == 0, compared.stderr
    assert "revision 3 committed" in compared.stdout
