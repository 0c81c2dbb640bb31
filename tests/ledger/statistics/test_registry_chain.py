"""Statistics on the session chain: commit, revise, check a table against its reporter's latest
root; every refusal of a commit (who signs, which member, which month) in one clear line."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest

from ledger.errors import ContractRevert
from ledger.statistics import (
    StatisticsRegistryBinding,
    StatisticsRow,
    StatisticsTable,
    commit_table,
    table_root,
    verify_table,
)
from ledger.statistics.errors import NotCommitted, TableMismatch, WrongReporter
from ledger.statistics.samples import mirror_tables
from ledger.statistics.table import period_of, period_text
from tests.support import Chain, rpc

# A table's reporting period and commit time come from its block's time.
pytestmark = pytest.mark.besu

DIGEST = bytes(range(32))


def revised(table: StatisticsTable, **changes: object) -> StatisticsTable:
    first = StatisticsRow.model_validate({**table.rows[0].model_dump(), **changes})
    return StatisticsTable(rows=(first, *table.rows[1:]))


def test_period_of_agrees_with_the_contract(chain: Chain) -> None:
    binding = StatisticsRegistryBinding(chain.client())
    moments = [
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2100, 2, 28, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2100, 3, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    ]
    moments += [dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=s) for s in range(0, 10**9, 7_777_777)]
    for moment in moments:
        assert period_text(binding.period_of(calendar.timegm(moment.utctimetuple()))) == period_of(moment), moment


def test_commit_revise_and_verify(chain: Chain) -> None:
    exports, imports = mirror_tables()
    cn = chain.client("cn-oracle")
    first = commit_table(client=cn, table=exports)
    assert (first.revision, first.rows, first.already_committed) == (1, 34, False)
    assert first.root == "0x" + table_root(exports).hex()
    assert first.cid_digest is None
    assert first.tx_hash is not None

    again = commit_table(client=chain.client("cn-oracle-2"), table=exports)
    assert (again.revision, again.already_committed, again.tx_hash) == (1, True, None)

    shared = commit_table(client=cn, table=exports, cid_digest=DIGEST)
    assert (shared.revision, shared.cid_digest) == (2, "0x" + DIGEST.hex())

    reader = chain.client()
    assert verify_table(client=reader, table=exports).number == 2
    with pytest.raises(NotCommitted, match="SG has committed no root for SG's import table from CN for 2026-10"):
        verify_table(client=reader, table=imports)

    commit_table(client=chain.client("sg-oracle"), table=imports)
    assert verify_table(client=reader, table=imports).committer == chain.client("sg-oracle").address

    binding = StatisticsRegistryBinding(reader)
    history = binding.revisions(exports.key)
    assert [(r.number, r.rows, r.cid_digest) for r in history] == [(1, 34, None), (2, 34, "0x" + DIGEST.hex())]
    assert history[0].committer == cn.address
    assert binding.revisions(imports.key.mirror().model_copy(update={"period": "2026-09"})) == []


def test_a_table_that_is_not_the_latest_root_is_refused(chain: Chain) -> None:
    _, imports = mirror_tables()
    sg = chain.client("sg-oracle")
    commit_table(client=sg, table=imports)
    altered = revised(imports, value_usd=imports.rows[0].value_usd + Decimal("0.01"))
    with pytest.raises(TableMismatch) as caught:
        verify_table(client=chain.client(), table=altered)
    message = str(caught.value)
    assert message.startswith("SG's import table from CN for 2026-10 does not match the root SG committed at 20")
    assert message.endswith("(revision 1)")

    rpc(chain.rpc_url, "evm_increaseTime", [3600])
    commit_table(client=sg, table=altered)  # SG revises its figures
    with pytest.raises(TableMismatch, match=r"\(revision 2\); it is revision 1, which SG has since revised"):
        verify_table(client=chain.client(), table=imports)
    assert verify_table(client=chain.client(), table=altered).number == 2


def test_only_the_reporters_own_oracle_commits(chain: Chain) -> None:
    exports, _ = mirror_tables()
    expected = r"CN's export table to SG for 2026-10 is CN's, but 0x\w+ is accredited by SG"
    with pytest.raises(WrongReporter, match=expected):
        commit_table(client=chain.client("sg-oracle"), table=exports)
    with pytest.raises(WrongReporter, match="is accredited by no member"):
        commit_table(client=chain.client("cn-admin"), table=exports)
    with pytest.raises(ContractRevert.for_error("StatisticsRegistryNotOracle"), match="is not a statistics oracle"):
        commit_table(client=chain.client("cn-issuer"), table=exports)
    assert StatisticsRegistryBinding(chain.client()).revision_count(exports.key) == 0


def test_refusals_the_contract_makes(chain: Chain) -> None:
    exports, _ = mirror_tables()
    cn = chain.client("cn-oracle")
    now = dt.datetime.fromtimestamp(chain.client().w3.eth.get_block("latest")["timestamp"], dt.UTC)
    next_month = period_of(now.replace(day=28) + dt.timedelta(days=7))
    future = StatisticsTable(rows=tuple(r.model_copy(update={"period": next_month}) for r in exports.rows))
    with pytest.raises(
        ContractRevert.for_error("StatisticsRegistryFuturePeriod"),
        match=f"{next_month} has not begun: the chain's month is {period_of(now)}",
    ):
        commit_table(client=cn, table=future)
    with_th = StatisticsTable(rows=tuple(r.model_copy(update={"partner": "TH"}) for r in exports.rows))
    unknown = ContractRevert.for_error("StatisticsRegistryUnknownPartner")
    with pytest.raises(unknown, match="TH is not an active member"):
        commit_table(client=cn, table=with_th)


def test_a_resent_revision_is_refused_by_the_contract_too(chain: Chain) -> None:
    """Two oracles of one member racing with the same table: the second commit adds nothing."""
    exports, _ = mirror_tables()
    root, rows = table_root(exports), len(exports.rows)
    StatisticsRegistryBinding(chain.client("cn-oracle")).commit(key=exports.key, root=root, rows=rows, cid_digest=None)
    second = StatisticsRegistryBinding(chain.client("cn-oracle-2"))
    unchanged = ContractRevert.for_error("StatisticsRegistryUnchanged")
    with pytest.raises(unchanged, match="CN's revision 1 of this table already holds this root"):
        second.commit(key=exports.key, root=root, rows=rows, cid_digest=None)
    assert second.revision_count(exports.key) == 1
