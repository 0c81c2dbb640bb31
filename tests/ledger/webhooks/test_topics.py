"""What concerns whom: for each topic, an event that concerns the key is delivered to it and
one that concerns another member or another party is not; a trader key never has a member's
topics; the bodies are JSON and the same every time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from api.keystore import ApiRole
from ledger.aeo.codes import operator_hash
from ledger.ids import certificate_type_bytes, member_id_bytes
from ledger.index.issuer_records import RECORDS
from ledger.index.models import ChainEvent
from ledger.webhooks.audience import KNOWN_ROLES
from ledger.webhooks.topics import (
    Audience,
    Topic,
    TopicNotAllowed,
    allowed_topics,
    check_topics,
    delivery_body,
    event_key,
    matching_events,
)

TRADER_A = "USCI:91310000MA1FL8XQ30"
TRADER_B = "USCI:91440300MA5EXAMPLE"
ACCOUNT_A = "0x" + "a1" * 20
ACCOUNT_B = "0x" + "b2" * 20
COO = "0x" + certificate_type_bytes("certificate-of-origin").hex()


def word(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def h(label: str) -> bytes:
    return label.encode().ljust(32, b"#")


def member_word(member: str) -> str:
    return "0x" + member_id_bytes(member).hex()


class Rows:
    """Synthetic indexed events, one per block, each under a label the test names it by."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.labels: dict[int, str] = {}
        self.block = 100

    def add(self, label: str, event: str, args: dict[str, Any] | None = None, **columns: Any) -> None:
        self.block += 1
        row = {
            "chain_id": 31337, "block_number": self.block, "block_hash": h(f"block{self.block}"),
            "block_time": 1_796_000_000 + self.block, "tx_hash": h(f"tx-{label}"), "log_index": 0,
            "contract": "Registry", "contract_address": b"\x11" * 20, "event": event, "args": args or {},
            "actor": b"\x22" * 20, **columns,
        }  # fmt: skip
        with self.engine.begin() as connection:
            key = connection.execute(insert(ChainEvent).values(**row).returning(ChainEvent.id)).scalar_one()
        self.labels[key] = label

    def matched(self, audience: Audience, *topics: Topic, after_id: int = 0, limit: int = 100) -> dict[str, Topic]:
        with Session(self.engine) as session:
            found = matching_events(
                session, audience=audience, topics=frozenset(topics), after_id=after_id, limit=limit
            )
            return {self.labels[event.id]: topic for event, topic in found}


@pytest.fixture
def rows(index_db: Engine) -> Iterator[Rows]:
    """CN and SG issue, draw, open consignments, certify operators and agree an MRA; MY does
    the same among others."""
    rows = Rows(index_db)
    cert = {"certType": COO}
    # certificates: CN issues batch cn1 to SG, SG issues sg1 to CN, MY issues my1 to SG
    rows.add(
        "cn1-issued",
        "CertificatesIssued",
        {**cert, "memberId": member_word("CN"), "count": 2},
        organisation="CN",
        partner="SG",
        cert_root=h("cn1"),
    )
    rows.add(  # the registry names the batch's destination in the same transaction: the row above has it too
        "cn1-destined",
        "CertificatesDestined",
        {**cert, "destination": member_word("SG")},
        organisation="CN",
        partner="SG",
        cert_root=h("cn1"),
    )
    rows.add(
        "sg1-issued",
        "CertificatesIssued",
        {**cert, "memberId": member_word("SG"), "count": 1},
        organisation="SG",
        partner="CN",
        cert_root=h("sg1"),
    )
    rows.add(
        "my1-issued",
        "CertificatesIssued",
        {**cert, "memberId": member_word("MY"), "count": 1},
        organisation="MY",
        partner="SG",
        cert_root=h("my1"),
    )
    rows.add(
        "cn1a-delivered",
        "CertificateDelivered",
        {**cert, "destination": member_word("SG")},
        organisation="CN",
        partner="SG",
        cert_root=h("cn1"),
        cert_leaf=h("cn1a"),
    )
    rows.add(
        "cn1a-drawn-by-sg",
        "CertificateUtilized",
        {**cert, "memberId": member_word("SG"), "amount": 1500},
        organisation="SG",
        cert_root=h("cn1"),
        cert_leaf=h("cn1a"),
    )
    rows.add(
        "cn1b-revoked",
        "CertificateRevoked",
        {**cert, "reason": 1},
        organisation="CN",
        cert_root=h("cn1"),
        cert_leaf=h("cn1b"),
    )
    rows.add(
        "sg1a-drawn-by-cn",
        "CertificateUtilized",
        {**cert, "memberId": member_word("CN"), "amount": 2000},
        organisation="CN",
        cert_root=h("sg1"),
        cert_leaf=h("sg1a"),
    )
    rows.add(
        "sg1a-suspended",
        "CertificateSuspended",
        {**cert, "reason": 2},
        organisation="SG",
        cert_root=h("sg1"),
        cert_leaf=h("sg1a"),
    )
    rows.add(
        "my1a-drawn-by-sg",
        "CertificateUtilized",
        {**cert, "memberId": member_word("SG"), "amount": 1},
        organisation="SG",
        cert_root=h("my1"),
        cert_leaf=h("my1a"),
    )
    # consignments: c1 from CN to SG (party A), c2 from SG to MY (party B)
    rows.add(
        "c1-opened",
        "ConsignmentOpened",
        {"origin": member_word("CN"), "destination": member_word("SG"), "opener": ACCOUNT_A},
        consignment=h("c1"),
    )
    rows.add("c1-party-a", "ConsignmentPartyAdded", {"party": ACCOUNT_A, "by": ACCOUNT_A}, consignment=h("c1"))
    rows.add(
        "c2-opened",
        "ConsignmentOpened",
        {"origin": member_word("SG"), "destination": member_word("MY"), "opener": ACCOUNT_B},
        consignment=h("c2"),
    )
    rows.add("c2-party-b", "ConsignmentPartyAdded", {"party": ACCOUNT_B, "by": ACCOUNT_B}, consignment=h("c2"))
    rows.add(
        "c1-entry", "EvidenceAppended", {"member": member_word("SG"), "step": 3}, organisation="SG", consignment=h("c1")
    )
    rows.add(
        "c2-entry", "EvidenceAppended", {"member": member_word("MY"), "step": 3}, organisation="MY", consignment=h("c2")
    )
    # AEO: CN certifies A and B, SG and MY one each; CN and SG agree an MRA, MY proposes one to SG
    rows.add(
        "cn-certifies-a", "OperatorCertified", {"tier": 2}, organisation="CN", operator=operator_hash("CN", TRADER_A)
    )
    rows.add(
        "cn-certifies-b", "OperatorCertified", {"tier": 1}, organisation="CN", operator=operator_hash("CN", TRADER_B)
    )
    rows.add("sg-certifies", "OperatorCertified", {"tier": 1}, organisation="SG", operator=h("sg-op"))
    rows.add("my-certifies", "OperatorCertified", {"tier": 1}, organisation="MY", operator=h("my-op"))
    rows.add("cn-proposes-sg", "MraProposed", {}, organisation="CN", partner="SG")
    rows.add("sg-accepts-cn", "MraAccepted", {}, organisation="SG", partner="CN")
    rows.add("my-proposes-sg", "MraProposed", {}, organisation="MY", partner="SG")
    rows.add("sg-suspends-a-sg-op", "OperatorSuspended", {"reason": 1}, organisation="SG", operator=h("sg-op"))
    # alerts are published between administrations
    rows.add("sg-alert", "AlertPublished", {"alertId": 7, "member": member_word("SG")}, organisation="SG")
    with index_db.begin() as connection:  # CN's issuer records: cn1a names A as exporter, cn1b names B
        for leaf, exporter in (("cn1a", TRADER_A), ("cn1b", TRADER_B)):
            connection.execute(insert(RECORDS).values(
                chain_id=31337, registry_address=b"\x11" * 20, member="CN", cert_type="certificate-of-origin",
                number=f"CN-{leaf}", number_hash=h(f"n-{leaf}"), root=h("cn1"), leaf=h(leaf), exporter_id=exporter,
                recorded_at=1_796_000_000,
            ))  # fmt: skip
    return rows


CUSTOMS_CN = Audience(member="CN", role="customs")
CUSTOMS_SG = Audience(member="SG", role="customs")
TRADER_CN_A = Audience(member="CN", role="trader", operator=TRADER_A, account=ACCOUNT_A)


def test_certificates_the_member_issued_changed_and_drawn_on(rows: Rows) -> None:
    assert set(rows.matched(CUSTOMS_CN, Topic.CERTIFICATES)) == {
        "cn1-issued",
        "cn1a-delivered",
        "cn1a-drawn-by-sg",
        "cn1b-revoked",
    }
    assert set(rows.matched(Audience(member="CN", role="issuer"), Topic.CERTIFICATES)) == {
        "cn1-issued", "cn1a-delivered", "cn1a-drawn-by-sg", "cn1b-revoked",
    }  # fmt: skip
    assert set(rows.matched(CUSTOMS_SG, Topic.CERTIFICATES)) == {"sg1-issued", "sg1a-drawn-by-cn", "sg1a-suspended"}


def test_a_trader_has_the_certificates_naming_it_as_exporter_only(rows: Rows) -> None:
    assert set(rows.matched(TRADER_CN_A, Topic.CERTIFICATES)) == {"cn1-issued", "cn1a-delivered", "cn1a-drawn-by-sg"}
    b = Audience(member="CN", role="trader", operator=TRADER_B.lower(), account=ACCOUNT_B)  # spelt loosely
    assert set(rows.matched(b, Topic.CERTIFICATES)) == {"cn1-issued", "cn1b-revoked"}
    # SG's records are not CN's: the same operator id names nothing a key of SG issued
    assert rows.matched(Audience(member="SG", role="trader", operator=TRADER_A), Topic.CERTIFICATES) == {}


def test_one_issuance_is_one_event_for_its_issuer_its_exporter_and_its_destination(rows: Rows) -> None:
    for audience, topic in ((CUSTOMS_CN, Topic.CERTIFICATES), (TRADER_CN_A, Topic.CERTIFICATES),
                            (CUSTOMS_SG, Topic.DESTINED)):  # fmt: skip
        matched = rows.matched(audience, topic)
        assert "cn1-issued" in matched
        assert "cn1-destined" not in matched
    assert "cn1-destined" not in rows.matched(CUSTOMS_SG, *Topic)


def test_destined_certificates_and_what_happens_to_them_later(rows: Rows) -> None:
    assert set(rows.matched(CUSTOMS_CN, Topic.DESTINED)) == {"sg1-issued", "sg1a-drawn-by-cn", "sg1a-suspended"}
    assert set(rows.matched(CUSTOMS_SG, Topic.DESTINED)) == {
        "cn1-issued", "cn1a-delivered", "cn1a-drawn-by-sg", "cn1b-revoked", "my1-issued", "my1a-drawn-by-sg",
    }  # fmt: skip


def test_consignments_from_or_to_the_member_and_of_the_party(rows: Rows) -> None:
    assert set(rows.matched(CUSTOMS_CN, Topic.CONSIGNMENTS)) == {"c1-opened", "c1-party-a", "c1-entry"}
    assert set(rows.matched(CUSTOMS_SG, Topic.CONSIGNMENTS)) == {
        "c1-opened", "c1-party-a", "c1-entry", "c2-opened", "c2-party-b", "c2-entry",
    }  # fmt: skip
    assert set(rows.matched(TRADER_CN_A, Topic.CONSIGNMENTS)) == {"c1-opened", "c1-party-a", "c1-entry"}
    checksummed_b = Audience(member="SG", role="trader", account="0x" + "B2" * 20)
    assert set(rows.matched(checksummed_b, Topic.CONSIGNMENTS)) == {"c2-opened", "c2-party-b", "c2-entry"}


def test_aeo_of_the_members_operators_and_of_its_mra_partners(rows: Rows) -> None:
    assert set(rows.matched(CUSTOMS_CN, Topic.AEO)) == {
        "cn-certifies-a", "cn-certifies-b", "sg-certifies", "sg-suspends-a-sg-op",
    }  # fmt: skip
    assert set(rows.matched(Audience(member="MY", role="admin"), Topic.AEO)) == {"my-certifies"}
    assert set(rows.matched(TRADER_CN_A, Topic.AEO)) == {"cn-certifies-a"}


def test_mras_the_member_is_a_party_of_and_alerts_of_every_member(rows: Rows) -> None:
    assert set(rows.matched(CUSTOMS_CN, Topic.MRAS)) == {"cn-proposes-sg", "sg-accepts-cn"}
    assert set(rows.matched(Audience(member="MY", role="customs"), Topic.MRAS)) == {"my-proposes-sg"}
    assert set(rows.matched(Audience(member="TH", role="admin"), Topic.ALERTS)) == {"sg-alert"}


def test_an_event_under_several_topics_comes_once_in_order_and_pages(rows: Rows) -> None:
    everything = rows.matched(CUSTOMS_SG, *Topic)
    assert everything["cn1-issued"] is Topic.DESTINED  # SG's only through its destination
    assert everything["sg1-issued"] is Topic.CERTIFICATES  # first of the two topics it is under
    ids = sorted(rows.labels)
    with Session(rows.engine) as session:
        first = matching_events(session, audience=CUSTOMS_SG, topics=frozenset(Topic), after_id=0, limit=3)
        rest = matching_events(session, audience=CUSTOMS_SG, topics=frozenset(Topic), after_id=first[-1][0].id,
                               limit=100)  # fmt: skip
    paged = [rows.labels[e.id] for e, _ in first + rest]
    assert paged == [rows.labels[i] for i in ids if rows.labels[i] in everything]
    assert len(first) == 3


def test_trader_keys_never_have_member_topics() -> None:
    assert allowed_topics(TRADER_CN_A) == {Topic.CERTIFICATES, Topic.CONSIGNMENTS, Topic.AEO}
    for topic in (Topic.DESTINED, Topic.MRAS, Topic.ALERTS):
        with pytest.raises(TopicNotAllowed, match=f"a trader key may not subscribe to {topic.value}; it may have: aeo"):
            check_topics(TRADER_CN_A, [topic])
    no_operator = Audience(member="CN", role="trader", account=ACCOUNT_A)
    with pytest.raises(TopicNotAllowed, match="may have: consignments"):
        check_topics(no_operator, [Topic.CERTIFICATES])
    assert allowed_topics(Audience(member="CN", role="auditor")) == frozenset()
    assert allowed_topics(Audience(member="CN", role="issuer")) == {Topic.CERTIFICATES}
    assert allowed_topics(CUSTOMS_CN) == frozenset(Topic)


def test_matching_refuses_a_topic_the_key_may_not_have(rows: Rows) -> None:
    with pytest.raises(TopicNotAllowed):
        rows.matched(TRADER_CN_A, Topic.ALERTS)


def test_audiences_are_checked() -> None:
    assert {role.value for role in ApiRole} == KNOWN_ROLES
    assert Audience(member=" cn ", role="customs").member == "CN"
    for bad in ({"member": "C N", "role": "customs"}, {"member": "CN", "role": "root"},
                {"member": "CN", "role": "trader", "operator": "not an id!"},
                {"member": "CN", "role": "trader", "operator": "0x" + operator_hash("CN", TRADER_A).hex()},
                {"member": "CN", "role": "trader", "account": "0x1234"}):  # fmt: skip
        with pytest.raises(ValidationError):
            Audience(**bad)


def test_bodies_are_json_stable_and_link_to_the_object(rows: Rows) -> None:
    with Session(rows.engine) as session:
        matched = matching_events(session, audience=CUSTOMS_CN, topics=frozenset(Topic), after_id=0, limit=100)
        found = {rows.labels[e.id]: (e, t) for e, t in matched}
        event, topic = found["cn1a-drawn-by-sg"]
        body = delivery_body(event, topic, base_url="https://cn.example/api/")
        assert json.loads(json.dumps(body)) == body
        assert body == delivery_body(event, topic, base_url="https://cn.example/api/")
        assert body["type"] == "certificates.certificate-utilized"
        assert body["block"] == {"number": event.block_number, "hash": "0x" + event.block_hash.hex(),
                                 "time": "2026-11-30T00:55:06Z"}  # fmt: skip
        assert body["data"]["memberId"] == "SG"
        assert body["data"]["certType"] == "certificate-of-origin"
        assert body["data"]["amount"] == "1.5"
        assert body["link"] == (
            "https://cn.example/api/certificates/status?root=0x" + h("cn1").hex() + "&leaf=0x" + h("cn1a").hex()
            + "&type=certificate-of-origin"
        )  # fmt: skip
        assert event_key(event) == f"31337:0x{h('tx-cn1a-drawn-by-sg').hex()}:0"
        issued = delivery_body(*found["cn1-issued"], base_url=None)
        assert (issued["data"]["memberId"], issued["data"]["destination"]) == ("CN", "SG")  # the batch's one event
        mra, topic = found["sg-accepts-cn"]
        assert delivery_body(mra, topic, base_url=None)["link"] is None
        assert delivery_body(mra, topic, base_url="http://x")["link"] == "http://x/mras?member=SG"
        assert delivery_body(mra, topic, base_url=None)["type"] == "mras.mra-accepted"
        alert, topic = found["sg-alert"]
        assert delivery_body(alert, topic, base_url="http://x")["link"] == "http://x/alerts/7"
