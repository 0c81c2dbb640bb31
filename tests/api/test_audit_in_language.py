"""A number issued through the service is found by the auditor at once (no `sanzhi index`), and
the audit answers name events, steps and reasons in the reader's language where asked."""

from __future__ import annotations

import csv
import datetime as dt
import io

from ledger.certificates.wrapped import parse_wrapped
from ledger.evidence import EventType, Step, new_event
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, assert_problem, sample_documents


def index_now(chain: Chain, api: Api) -> None:
    """What the service's follower does on each poll."""
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def test_a_number_issued_through_the_service_is_found_and_labelled(chain: Chain, api: Api) -> None:
    index_now(chain, api)  # the service's follower has made the index
    issued = api.client.post(
        "/certificates/issuances", json={"documents": sample_documents(1, seed=43)}, headers=api.headers("CN", "issuer")
    )
    assert issued.status_code == 201, issued.text
    number = parse_wrapped(issued.json()["certificates"][0]).data["certificate_number"]
    auditor = api.headers("CN", "auditor")
    # the number is known as soon as the issuance answered: an empty page, not "not found"
    known = api.client.get("/audit/events", params={"certificate": number}, headers=auditor)
    assert known.status_code == 200, known.text
    index_now(chain, api)  # the follower's next poll brings the event
    page = api.client.get("/audit/events", params={"certificate": number, "lang": "zh"}, headers=auditor).json()
    [event] = page["items"]
    assert event["event"] == "CertificatesIssued"
    assert event["event_label"] == "签发证书"
    plain = api.client.get("/audit/events", params={"certificate": number}, headers=auditor).json()
    assert plain["items"][0]["event_label"] is None  # no language asked: the code alone

    exported = api.client.get("/audit/events.csv", params={"certificate": number, "lang": "zh"}, headers=auditor)
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["event"] == "CertificatesIssued"
    assert row["event_label"] == "签发证书"
    english = api.client.get("/audit/events.csv", params={"certificate": number}, headers=auditor)
    assert next(csv.DictReader(io.StringIO(english.text)))["event_label"] == "Certificates issued"
    assert_problem(
        api.client.get("/audit/events.csv", params={"lang": "fr"}, headers=auditor), 422, "invalid-request", "lang"
    )


def test_the_timeline_names_its_steps_and_submitters(api: Api) -> None:
    ucr = "6CN9144010012345678-SG-000092"
    at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    event = new_event(EventType.OBJECT, Step.LOADING, at, epcs=["urn:epc:id:sscc:0614141.9090909092"]).to_json()
    trader = api.headers("CN", "trader")
    assert api.client.post("/consignments", json={"ucr": ucr, "destination": "SG"}, headers=trader).status_code == 201
    assert api.client.post(f"/consignments/{ucr}/events", json=event, headers=trader).status_code == 200
    zh = api.client.get(f"/consignments/{ucr}/timeline", params={"lang": "zh"}, headers=trader).json()
    [entry] = zh["entries"]
    assert (entry["step"], entry["step_label"]) == ("loading", "装货")
    assert entry["submitter_name"]["member_id"] == "CN"
    assert entry["submitter_name"]["label"] == "宁波远洋贸易 Ningbo Ocean Trading Co., accredited by CN"
    assert entry["cid"] is None  # no document named
    plain = api.client.get(f"/consignments/{ucr}/timeline", headers=trader).json()
    assert plain["entries"][0]["step_label"] is None
    assert_problem(
        api.client.get(f"/consignments/{ucr}/timeline", params={"lang": "xx"}, headers=trader), 422, "invalid-request"
    )
