"""The questions an auditor asks, answered from the index after real activity on the chain."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ledger.aeo.codes import operator_hash
from ledger.certificates.wrapped import WrappedCertificate
from ledger.devnet.consortium import dev_address
from ledger.errors import InvalidInput
from ledger.index.audit import (
    AuditFilter,
    accreditation_history,
    certificate_history,
    mra_history,
    operator_history,
    search,
)
from ledger.index.errors import CertificateNotFound, InvalidCursor
from ledger.index.export import export_csv
from ledger.index.follower import Follower
from ledger.index.issuer_records import import_numbers, import_wrapped
from tests.support import (
    AEO_OPERATOR,
    INDEX_BACKENDS,
    OPS,
    Chain,
    RecordedActivity,
    index_database,
)


@pytest.fixture(scope="module", params=INDEX_BACKENDS)
def audited(
    request: pytest.FixtureRequest,
    activity: RecordedActivity,
    session_chain: Chain,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    """An index of that activity (SQLite or PostgreSQL) with CN's issuer records imported."""
    with index_database(request.param, request, tmp_path_factory.mktemp("index")) as engine:
        Follower(client=session_chain.client(), engine=engine).catch_up()
        report = import_wrapped(engine=engine, paths=[activity.issued_dir, activity.issued_dir.parent / "issued2"])
        assert (report.recorded, report.skipped_count) == (5, 0)
        yield engine


def number_of(certificate: WrappedCertificate) -> str:
    return str(certificate.data["certificate_number"])


def test_which_batches_cn_issued(audited: Engine) -> None:
    page = search(engine=audited, filters=AuditFilter(organisation="cn", event_types=["certificatesissued"]))
    assert [e.event for e in page.items] == ["CertificatesIssued"] * 2
    assert [e.details["count"] for e in page.items] == [1, 4]  # newest first
    assert all(e.time.utcoffset() == timedelta(0) for e in page.items)
    assert page.items[0].details["certType"] == "certificate-of-origin"
    assert page.items[0].details["expiresAt"] is None
    assert page.next_cursor is None


def test_a_time_range_selects_by_block_time(audited: Engine) -> None:
    everything = search(engine=audited, filters=AuditFilter(), limit=500).items
    revoked = next(e for e in everything if e.event == "CertificateRevoked")
    window = AuditFilter(since=revoked.time, until=revoked.time + timedelta(seconds=1))
    inside = search(engine=audited, filters=window, limit=500).items
    assert revoked in inside
    assert all(revoked.time <= e.time < revoked.time + timedelta(seconds=1) for e in inside)
    after = AuditFilter(since=everything[0].time + timedelta(seconds=1))
    assert search(engine=audited, filters=after).items == []
    before = AuditFilter(until=everything[-1].time)
    assert search(engine=audited, filters=before).items == []
    naive = AuditFilter(since=revoked.time.replace(tzinfo=None), until=revoked.time.replace(tzinfo=None) + timedelta(1))
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"  # a machine whose local time is not UTC
    time.tzset()
    try:
        assert revoked in search(engine=audited, filters=naive, limit=500).items  # no offset: UTC
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()
    with pytest.raises(InvalidInput, match="before"):
        search(engine=audited, filters=AuditFilter(since=revoked.time, until=revoked.time))


def test_what_one_account_did(audited: Engine) -> None:
    page = search(engine=audited, filters=AuditFilter(actor=dev_address("cn-issuer")), limit=500)
    assert sorted(e.event for e in page.items) == sorted(
        ["CertificatesIssued"] * 2
        + ["CertificateRevoked", "CertificateSuspended", "CertificateReinstated", "CertificateSuperseded"]
        + ["CertificatesDestined"] * 2  # each issue names its batch's destination
        + ["EncryptionKeyRegistered"]  # its document key, registered when the dev consortium was set up
    )
    assert {e.actor for e in page.items} == {dev_address("cn-issuer")}


def test_what_happened_to_a_certificate_by_its_number(audited: Engine, activity: RecordedActivity) -> None:
    drawn = activity.certificates[0]
    history = certificate_history(engine=audited, number=number_of(drawn).lower())  # any spelling
    assert [e.event for e in history.items] == ["CertificatesIssued", "CertificateUtilized"]
    used = history.items[1]
    assert (used.organisation, used.actor) == ("SG", dev_address("sg-customs"))
    assert (used.details["amount"], used.details["memberId"]) == ("1.5", "SG")
    [record] = history.records
    assert (record.issuing_member, record.importing_member, record.leaf) == ("CN", "SG", "0x" + drawn.leaf.hex())
    assert record.anchored_at == history.items[0].time
    assert record.issue_date == drawn.data["issue_date"]

    revoked = certificate_history(engine=audited, number=number_of(activity.certificates[1]))
    assert [(e.event, e.details.get("reason")) for e in revoked.items] == [
        ("CertificatesIssued", None),
        ("CertificateRevoked", "fraud"),
    ]
    suspended = certificate_history(engine=audited, number=number_of(activity.certificates[2]))
    assert [e.event for e in suspended.items][1:] == ["CertificateSuspended", "CertificateReinstated"]
    # a successor's history has its own issue and the supersession that named it
    successor = certificate_history(engine=audited, number=number_of(activity.successor))
    assert [e.event for e in successor.items] == ["CertificatesIssued", "CertificateSuperseded"]
    assert successor.items[1].details["newLeaf"] == "0x" + activity.successor.leaf.hex()


def test_a_certificate_by_its_hashes(audited: Engine, activity: RecordedActivity) -> None:
    drawn = activity.certificates[0]
    by_leaf = certificate_history(engine=audited, leaf="0x" + drawn.leaf.hex())
    assert [e.event for e in by_leaf.items] == ["CertificatesIssued", "CertificateUtilized"]
    assert by_leaf.records == []
    by_root = certificate_history(engine=audited, root=drawn.proof.root)
    # issued, destined, drawn, revoked, suspended+reinstated, superseded
    assert len(by_root.items) == 1 + 1 + 1 + 1 + 2 + 1
    searched = search(engine=audited, filters=AuditFilter(certificate=number_of(drawn)))
    assert [e.event for e in searched.items] == ["CertificateUtilized", "CertificatesIssued"]
    with pytest.raises(CertificateNotFound, match="CN2099"):
        certificate_history(engine=audited, number="CN2099-NOT-ISSUED")
    with pytest.raises(InvalidInput, match="hash"):
        certificate_history(engine=audited, leaf="0x1234")


def test_the_aeo_status_of_an_operator_and_who_changed_it(audited: Engine) -> None:
    oracles = sorted([dev_address("cn-oracle"), dev_address("cn-oracle-2")])
    history = operator_history(engine=audited, operator=OPS[3], certified_by="CN")
    assert [e.event for e in history.items] == ["OperatorCertified", "OperatorSuspended"]
    certified, suspended = history.items
    assert (certified.details["tier"], certified.details["validUntil"]) == ("advanced", "2027-08-31T00:00Z")
    assert suspended.details["reason"] == "non-compliance"
    assert all(sorted(e.signers or []) == oracles for e in history.items)
    assert certified.actor in oracles  # one of them submitted
    by_hash = operator_history(engine=audited, operator="0x" + operator_hash("CN", OPS[3]).hex())
    assert by_hash.items == history.items
    [customs] = operator_history(engine=audited, operator=AEO_OPERATOR, certified_by="CN").items
    assert (customs.actor, customs.signers) == (dev_address("cn-customs"), None)
    assert operator_history(engine=audited, operator=OPS[3], certified_by="SG").items == []
    with pytest.raises(InvalidInput, match="certified"):
        operator_history(engine=audited, operator=OPS[3])


def test_when_an_auditor_was_accredited_and_withdrawn(audited: Engine, activity: RecordedActivity) -> None:
    history = accreditation_history(engine=audited, account=activity.auditor)
    assert [(e.event, e.organisation, e.details.get("role") or e.details["name"]) for e in history.items] == [
        ("Accredited", "CN", "auditor"),
        ("AccountNamed", "CN", "Ningbo Audit Partners"),  # the name CN gave it, in the same transaction
        ("AccreditationWithdrawn", "CN", "auditor"),
    ]
    assert all(e.actor == dev_address("cn-admin") for e in history.items)
    cn = accreditation_history(engine=audited, member="CN", limit=500).items
    assert cn[0].event == "MemberAdded"
    issuer = [e for e in cn if e.details.get("account") == dev_address("cn-issuer")]
    assert {e.details["scope"] for e in issuer if e.event == "Accredited"} == {
        "certificate-of-origin",
        "phytosanitary-certificate",
    }
    assert {e.details["name"] for e in issuer if e.event == "AccountNamed"} == {"宁波市贸促会 CCPIT Ningbo"}
    with pytest.raises(InvalidInput):
        accreditation_history(engine=audited)


def test_the_mra_between_two_members(audited: Engine) -> None:
    both = mra_history(engine=audited, member="CN", partner="SG")
    assert [(e.event, e.organisation) for e in both.items] == [("MraProposed", "CN"), ("MraAccepted", "SG")]
    assert both.items[0].details["tiersRecognisedByProposer"] == ["general", "advanced"]
    assert mra_history(engine=audited, member="SG", partner="CN").items == both.items
    assert mra_history(engine=audited).items == both.items
    assert mra_history(engine=audited, member="SG").items == both.items
    assert mra_history(engine=audited, member="CN", partner="TH").items == []


def test_pages_cover_everything_once_in_chain_order(audited: Engine) -> None:
    whole = search(engine=audited, filters=AuditFilter(), limit=500)
    assert whole.next_cursor is None
    seen = []
    cursor = None
    while True:
        page = search(engine=audited, filters=AuditFilter(), limit=7, cursor=cursor)
        seen.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == whole.items
    positions = [(e.block_number, e.log_index) for e in seen]
    assert positions == sorted(positions, reverse=True)
    assert len(set(positions)) == len(positions)


def test_cursors_and_limits_are_checked(audited: Engine) -> None:
    page = search(engine=audited, filters=AuditFilter(organisation="CN"), limit=2)
    assert page.next_cursor is not None
    with pytest.raises(InvalidCursor):  # handed out by another query
        search(engine=audited, filters=AuditFilter(organisation="SG"), cursor=page.next_cursor)
    with pytest.raises(InvalidCursor):
        search(engine=audited, filters=AuditFilter(organisation="CN"), cursor=page.next_cursor[:-3] + "AAA")
    with pytest.raises(InvalidCursor):
        search(engine=audited, filters=AuditFilter(organisation="CN"), cursor="not a cursor")
    for limit in (0, 501):
        with pytest.raises(InvalidInput, match="limit"):
            search(engine=audited, filters=AuditFilter(), limit=limit)
    with pytest.raises(InvalidInput, match="unknown event type"):
        search(engine=audited, filters=AuditFilter(event_types=["CertificateStolen"]))
    with pytest.raises(InvalidInput, match="address"):
        search(engine=audited, filters=AuditFilter(actor="cn-issuer"))
    with pytest.raises(InvalidInput, match="member id"):
        search(engine=audited, filters=AuditFilter(organisation="C N;--"))


def test_csv_export_streams_every_matching_event(audited: Engine) -> None:
    filters = AuditFilter(organisation="CN")
    expected = search(engine=audited, filters=filters, limit=500).items
    out = io.StringIO()
    assert export_csv(engine=audited, filters=filters, out=out) == len(expected) > 500 // 100
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(int(r["block_number"]), int(r["log_index"])) for r in rows] == [
        (e.block_number, e.log_index) for e in expected
    ]
    assert {r["organisation"] for r in rows} == {"CN"}
    assert all(r["time"].endswith("Z") for r in rows)


def test_issuer_records_are_imported_once_and_only_intact_and_ours(
    session_chain: Chain, activity: RecordedActivity, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with index_database("sqlite", request, tmp_path) as engine:
        Follower(client=session_chain.client(), engine=engine).catch_up()
        from ledger.certificates.numbers import IssuedNumbers, numbers_path

        numbers = import_numbers(engine=engine, numbers=IssuedNumbers(numbers_path(session_chain.data_dir)))
        assert numbers.recorded == 5
        [bare] = certificate_history(engine=engine, number=number_of(activity.certificates[1])).records
        assert bare.leaf is None  # only the batch is known until the wrapped file is read

        tampered = tmp_path / "tampered.json"
        text = (activity.issued_dir / sorted(p.name for p in activity.issued_dir.glob("*.json"))[1]).read_text()
        tampered.write_text(text.replace('"SG"', '"TH"', 1))
        foreign = tmp_path / "foreign.json"
        foreign.write_text(text.replace(activity.certificates[1].proof.registry, "0x" + "ab" * 20))
        report = import_wrapped(engine=engine, paths=[activity.issued_dir, tampered, foreign])
        assert (report.read, report.recorded, report.skipped_count) == (6, 4, 2)
        assert {s.path for s in report.skipped} == {str(tampered), str(foreign)}
        again = import_wrapped(engine=engine, paths=[activity.issued_dir])
        assert (again.recorded, again.unchanged) == (0, 4)
        [complete] = certificate_history(engine=engine, number=number_of(activity.certificates[1])).records
        assert complete.leaf == "0x" + activity.certificates[1].leaf.hex()
