"""Catching up from the deployment block: every event once, resumable, idempotent."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from ledger.aeo.codes import operator_hash
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import read_wrapped
from ledger.chain import history
from ledger.chain.reads import LogsRefused
from ledger.devnet.consortium import dev_address
from ledger.errors import NodeNotRunning
from ledger.index import follower
from ledger.index.follower import Follower, IndexReport, follow
from tests.support import (
    AEO_OPERATOR,
    Chain,
    RecordedActivity,
    chain_log_positions,
    indexed_positions,
    issue_sample_certificates,
    opened,
    poll,
)

# The head moves on its own on the Besu-like node (a block every second, most of them empty):
# catching up to it, staying `confirmations` behind it, following it.
pytestmark = pytest.mark.besu


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Result rows, JSON columns decoded (SQLite hands them over as text)."""
    with engine.connect() as connection:
        found = connection.execute(text(sql), params)
        return [tuple(json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for v in row) for row in found]


def test_catch_up_from_the_deployment_block_after_real_activity(
    chain: Chain, index_db: Engine, activity: RecordedActivity
) -> None:
    client = chain.client()
    assert client.deployment is not None
    report = Follower(client=client, engine=index_db).catch_up()
    assert report.start_block == client.deployment.deployment_block - 1
    assert report.checkpoint == report.head <= client.block_number()  # the head may have moved on since
    positions = indexed_positions(index_db)
    assert sorted(positions) == sorted(chain_log_positions(chain))  # nothing missing, nothing twice

    certificate = activity.certificates[0]
    [(organisation, actor, amount)] = rows(
        index_db, "SELECT organisation, actor, args FROM chain_events WHERE event = 'CertificateUtilized'"
    )
    assert (organisation, "0x" + bytes(actor).hex()) == ("SG", dev_address("sg-customs").lower())
    assert amount["amount"] == 1500
    assert amount["leaf"] == "0x" + certificate.leaf.hex()
    # a revocation names its batch, not its member: the index names the member that issued it
    [(organisation, actor)] = rows(
        index_db, "SELECT organisation, actor FROM chain_events WHERE event = 'CertificateRevoked'"
    )
    assert (organisation, "0x" + bytes(actor).hex()) == ("CN", dev_address("cn-issuer").lower())
    [successor] = rows(index_db, "SELECT successor_leaf FROM chain_events WHERE event = 'CertificateSuperseded'")
    assert bytes(successor[0]) == activity.successor.leaf

    # the feed's changes came with two oracles' signatures; the customs key's change with none
    oracles = sorted([dev_address("cn-oracle"), dev_address("cn-oracle-2")])
    quorum = rows(index_db, "SELECT signers, actor FROM chain_events WHERE event = 'OracleNonceUsed'")
    assert quorum
    assert all(sorted(signers) == oracles for signers, _ in quorum)
    signed = rows(index_db, "SELECT signers FROM chain_events WHERE event LIKE 'Operator%' AND signers IS NOT NULL")
    assert len(signed) == 6  # examples/aeo-cn.csv: five certified, one of them then suspended
    [(signers, actor)] = rows(
        index_db, "SELECT signers, actor FROM chain_events WHERE operator = :op", op=operator_hash("CN", AEO_OPERATOR)
    )
    assert signers is None
    assert "0x" + bytes(actor).hex() == dev_address("cn-customs").lower()
    [(partner,)] = rows(
        index_db, "SELECT partner FROM chain_events WHERE event = 'MraAccepted' AND organisation = 'SG'"
    )
    assert partner == "CN"
    accounts = rows(
        index_db, "SELECT event FROM chain_events WHERE account = :a", a=bytes.fromhex(activity.auditor[2:])
    )
    assert [e for (e,) in accounts] == ["Accredited", "AccountNamed", "AccreditationWithdrawn"]


def test_a_second_run_writes_nothing_and_a_rewound_checkpoint_doubles_nothing(
    chain: Chain, index_db: Engine, activity: RecordedActivity
) -> None:
    indexer = Follower(client=chain.client(), engine=index_db)
    first = indexer.catch_up()
    assert first.events == len(chain_log_positions(chain))
    again = indexer.catch_up()
    assert (again.events, again.ranges) == (0, 0)
    with index_db.begin() as connection:  # as if the checkpoint were lost: read everything again
        connection.execute(text("UPDATE index_state SET checkpoint_block = base_block, checkpoint_hash = base_hash"))
    indexer.catch_up()
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_a_crash_in_the_middle_loses_nothing_and_doubles_nothing(
    chain: Chain, index_db: Engine, activity: RecordedActivity, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = follower.insert_events
    calls = 0

    def crash_on_the_third_range(connection: Any, rows: Any) -> None:
        nonlocal calls
        calls += 1
        original(connection, rows)  # written, then the process dies before the commit
        if calls == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(follower, "insert_events", crash_on_the_third_range)
    with pytest.raises(KeyboardInterrupt):
        Follower(client=chain.client(), engine=index_db, range_blocks=4).catch_up()
    [(checkpoint,)] = rows(index_db, "SELECT checkpoint_block FROM index_state")
    written = indexed_positions(index_db)
    expected = {p for p in chain_log_positions(chain) if p[0] <= checkpoint}
    assert sorted(written) == sorted(expected)  # two ranges, exactly: the third rolled back
    monkeypatch.setattr(follower, "insert_events", original)
    resumed = Follower(client=chain.client(), engine=index_db, range_blocks=4).catch_up()
    assert resumed.start_block == checkpoint
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_two_followers_on_one_database_write_each_range_once(
    chain: Chain, index_db: Engine, activity: RecordedActivity, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Follower(client=chain.client(), engine=index_db)
    original = history.logs
    overtaken = False

    def overtaken_while_reading(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        nonlocal overtaken
        found = original(*args, **kwargs)
        if not overtaken:
            overtaken = True
            other.catch_up()  # the other follower writes everything meanwhile
        return found

    first = Follower(client=chain.client(), engine=index_db)
    monkeypatch.setattr(history, "logs", overtaken_while_reading)
    report = first.catch_up()
    assert report.events == 0  # its range was written by the other one: it wrote nothing
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_confirmations_keep_the_newest_blocks_out(chain: Chain, index_db: Engine, activity: RecordedActivity) -> None:
    head = chain.client().block_number()
    report = Follower(client=chain.client(), engine=index_db).catch_up(confirmations=3)
    assert report.head >= head  # the Besu-like node mines on its own meanwhile
    assert report.checkpoint == report.head - 3
    assert max(b for b, _ in indexed_positions(index_db)) <= report.head - 3


def test_a_node_that_refuses_large_log_ranges_gets_smaller_ones(
    chain: Chain, index_db: Engine, activity: RecordedActivity, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = history.logs

    def at_most_five_blocks(client: Any, addresses: Any, start: int, end: int) -> list[dict[str, Any]]:
        if end - start >= 5:
            raise LogsRefused(f"logs of blocks {start}..{end}", "exceeds the maximum range of 5 blocks")
        return original(client, addresses, start, end)

    monkeypatch.setattr(history, "logs", at_most_five_blocks)
    indexer = Follower(client=chain.client(), engine=index_db)
    indexer.catch_up()
    assert indexer.range_blocks <= 5
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_follow_indexes_what_comes_and_stops_cleanly(
    chain: Chain, index_db: Engine, activity: RecordedActivity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    reports: list[IndexReport] = []
    errors: list[Exception] = []
    original = history.head_number
    outage = [True]

    def node_down_once(client: Any) -> int:
        if outage.pop() if outage else False:
            raise NodeNotRunning(chain.rpc_url, "ConnectionError")
        return original(client)

    monkeypatch.setattr(history, "head_number", node_down_once)
    thread = threading.Thread(
        target=follow,
        kwargs={
            "follower": Follower(client=chain.client(), engine=index_db),
            "poll_seconds": 0.05,
            "stop": stop,
            "on_report": reports.append,
            "on_error": errors.append,
        },
    )
    thread.start()
    try:  # the history first (the module's activity), then what comes meanwhile
        issuer = chain.client("cn-issuer")
        [revoked, _] = issue_sample_certificates(issuer, tmp_path / "docs", tmp_path / "out", chain.data_dir, 2, seed=9)
        CertificateRegistryBinding(issuer).revoke(read_wrapped(revoked), "fraud")
        poll(lambda: len(indexed_positions(index_db)) == len(chain_log_positions(chain)), timeout=10)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert [type(e) for e in errors] == [NodeNotRunning]  # reported, then retried
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))
    assert reports


def test_a_registry_missing_from_the_deployment_record_is_followed_as_the_consortium_lists_it(
    chain: Chain, index_db: Engine, tmp_path: Path
) -> None:
    from ledger.evidence import EventType, Step, new_event
    from ledger.evidence.service import append_events

    opened(chain, "6CN9144010012345678-SG-INDEX1")
    append_events(
        client=chain.client("cn-trader"),
        ucr="6CN9144010012345678-SG-INDEX1",
        events=[new_event(EventType.OBJECT, Step.LOADING, datetime.now(UTC))],
    )
    client = chain.client()
    assert client.deployment is not None
    without = client.deployment.model_copy(deep=True)
    del without.contracts["EvidenceRegistry"]
    client.deployment = without
    Follower(client=client, engine=index_db).catch_up()
    assert len(rows(index_db, "SELECT 1 FROM chain_events WHERE contract = 'EvidenceRegistry'")) == 3
    # a record that names it later agrees with the index: nothing read twice, nothing refused
    report = Follower(client=chain.client(), engine=index_db).catch_up()
    assert report.events == 0
    assert sorted(indexed_positions(index_db)) == sorted(chain_log_positions(chain))


def test_an_auditor_finds_a_consignments_evidence_by_its_ucr(chain: Chain, index_db: Engine) -> None:
    from ledger.evidence import EventType, Step, new_event
    from ledger.evidence.service import append_events
    from ledger.index.audit import AuditFilter, search

    ours, other = "6CN9144010012345678-SG-AUDIT1", "6CN9144010012345678-SG-AUDIT2"
    for ucr in (ours, other):
        opened(chain, ucr)
        append_events(
            client=chain.client("cn-trader"),
            ucr=ucr,
            events=[new_event(EventType.OBJECT, Step.LOADING, datetime.now(UTC))],
        )
    Follower(client=chain.client(), engine=index_db).catch_up()
    page = search(engine=index_db, filters=AuditFilter(consignment=ours.lower()))
    # newest first
    assert [e.event for e in page.items] == ["EvidenceAppended", "ConsignmentPartyAdded", "ConsignmentOpened"]
    assert page.items[0].organisation == "CN"
    # what people read: the entry's side and step and the party's role, not bytes
    assert page.items[0].details["side"] == "party"
    assert page.items[0].details["step"] == "loading"
    assert page.items[1].details["role"] == "opener"


def test_a_registry_version_listed_by_vote_is_followed_from_the_block_it_was_listed(
    chain: Chain, index_db: Engine, tmp_path: Path
) -> None:
    from ledger.consortium.binding import ConsortiumBinding
    from ledger.documents.samples import generate_samples

    Follower(client=chain.client(), engine=index_db).catch_up()  # an index from before the upgrade
    admin = chain.client("cn-admin")
    v2, _ = admin.deploy("CertificateRegistry", [admin.address_of("Consortium")])
    proposed = ConsortiumBinding(admin).propose_list_registries({"CertificateRegistry": v2})
    ConsortiumBinding(chain.client("sg-admin")).approve(proposed.proposal_id)
    issuer = CertificateRegistryBinding(chain.client("cn-issuer"))
    assert issuer.contract.address == v2
    documents = generate_samples("certificate-of-origin", 2, seed=53, origin="CN", destination="SG")
    [batch] = issuer.wrap(documents)
    issuer.anchor([batch])

    # two blocks per eth_getLogs: the vote is found range by range, as on a node that caps them
    Follower(client=chain.client(), engine=index_db, range_blocks=2).catch_up()
    found = rows(
        index_db,
        "SELECT contract, event FROM chain_events WHERE contract_address = :address",
        address=bytes.fromhex(v2[2:]),
    )
    assert found == [("CertificateRegistry", "CertificatesIssued"), ("CertificateRegistry", "CertificatesDestined")]
    # an issuer's wrapped files of the new version are records of the index too
    from ledger.certificates.wrapped import wrapped_bytes
    from ledger.index.issuer_records import import_wrapped

    for n, certificate in enumerate(batch.certificates):
        (tmp_path / f"v2-{n}.json").write_bytes(wrapped_bytes(certificate))
    report = import_wrapped(engine=index_db, paths=[tmp_path])
    assert (report.recorded, report.skipped_count) == (2, 0)
