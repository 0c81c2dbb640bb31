"""Evidence chains through the service: consignments opened by the organisation's traders or
customs, trade events from parties and either side's customs, decisions from the organisation's
oracle, timelines and proof bundles for any key; refusals as problem+json."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from ledger.chain.deployments import load_deployment
from ledger.evidence import BTT_DECLARATION, EventType, Step, new_event
from ledger.evidence.bundle import BundleTrust, read_bundle, verify_bundle
from ledger.evidence.event_hash import event_hash
from tests.support import Api, Chain, assert_problem, dev_trader

UCR = "6CN9144010012345678-SG-000901"
TO_VN = "6CN9144010012345678-VN-000901"  # CN to a country outside the consortium
SSCC = "urn:epc:id:sscc:0614141.9090909090"
T = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)


def loading(n: int = 0) -> dict[str, Any]:
    event = new_event(EventType.OBJECT, Step.LOADING, T + dt.timedelta(minutes=n), epcs=[SSCC])
    return event.to_json()


def lane(member: str, color: str) -> dict[str, Any]:
    event = new_event(
        EventType.OBJECT, Step.RISK_LANE, T + dt.timedelta(hours=1), epcs=[SSCC],
        extensions={"riskLane": {"lane": color, "ruleSetHash": "0x" + "ab" * 32, "reasons": []}},
        biz_transactions=[(BTT_DECLARATION, f"urn:sanzhi:declaration:{member}:D-1")],
    )  # fmt: skip
    return event.to_json()


def open_(api: Api, role: str = "trader", ucr: str = UCR, destination: str = "SG", **extra: Any) -> Any:
    body = {"ucr": ucr, "destination": destination, **extra}
    return api.client.post("/consignments", json=body, headers=api.headers("CN", role))


def append(api: Api, org: str = "CN", role: str = "trader", n: int = 0, ucr: str = UCR) -> Any:
    return api.client.post(f"/consignments/{ucr}/events", json=loading(n), headers=api.headers(org, role))


def test_a_trader_opens_with_parties_and_any_key_reads_the_standing(api: Api) -> None:
    sg_trader = dev_trader("SG")
    opened = open_(api, parties=[{"account": sg_trader.lower(), "role": "consignee"}])
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert (body["origin"], body["destination"], body["opener"], body["open"], body["opening"]) == (
        "CN", "SG", dev_trader("CN"), True, 1,
    )  # fmt: skip
    assert body["tx_hash"].startswith("0x")
    assert {(p["account"], p["role"]) for p in body["parties"]} == {
        (dev_trader("CN"), "opener"), (sg_trader, "consignee"),
    }  # fmt: skip
    shown = api.client.get(f"/consignments/{UCR.lower()}", headers=api.headers("CN", "auditor"))
    assert shown.status_code == 200, shown.text
    view = shown.json()
    assert view["ucr"] == UCR
    assert [c["kind"] for c in view["changes"]] == ["opened", "party-added", "party-added"]
    assert all(c["by"] == dev_trader("CN") and c["at"].endswith("Z") for c in view["changes"])
    trader_cn = "宁波远洋贸易 Ningbo Ocean Trading Co., accredited by CN"
    assert view["opener_name"] == trader_cn
    assert {p["account_name"] for p in view["parties"]} == {trader_cn, "Lion City Logistics Pte Ltd, accredited by SG"}
    assert {c["by_name"] for c in view["changes"]} == {trader_cn}
    again = assert_problem(open_(api), 409, "contract-revert")
    assert again["revert"] == "EvidenceRegistryAlreadyOpened"


def test_only_parties_and_customs_append(api: Api) -> None:
    assert open_(api, role="customs").status_code == 201
    refused = assert_problem(append(api), 403, "contract-revert")
    assert refused["revert"] == "EvidenceRegistryNotAParty"
    added = api.client.post(f"/consignments/{UCR}/parties", json={"account": dev_trader("CN"), "role": "carrier"},
                            headers=api.headers("CN", "customs"))  # fmt: skip
    assert added.status_code == 200, added.text
    assert (dev_trader("CN"), "carrier") in {(p["account"], p["role"]) for p in added.json()["parties"]}
    appended = append(api)
    assert appended.status_code == 200, appended.text
    assert (appended.json()["entries"], appended.json()["first_seq"]) == (1, 1)
    removed = api.client.delete(f"/consignments/{UCR}/parties/{dev_trader('CN')}", headers=api.headers("CN", "customs"))
    assert removed.status_code == 200, removed.text
    assert dev_trader("CN") not in [p["account"] for p in removed.json()["parties"]]
    assert assert_problem(append(api, n=1), 403, "contract-revert")["revert"] == "EvidenceRegistryNotAParty"


def test_either_sides_customs_append_and_the_timeline_shows_sides(api: Api, services: Callable[..., Api]) -> None:
    assert open_(api).status_code == 201
    sg = services("SG")
    for n, (service, org, role) in enumerate(((api, "CN", "trader"), (api, "CN", "customs"), (sg, "SG", "customs"))):
        response = append(service, org, role, n=n)
        assert response.status_code == 200, response.text
    shown = sg.client.get(f"/consignments/{UCR}/timeline", headers=sg.headers("SG", "auditor"))
    assert shown.status_code == 200, shown.text
    timeline = shown.json()
    assert timeline["intact"]
    assert timeline["problems"] == []
    assert timeline["head_seq"] == 3
    assert [(e["seq"], e["member"], e["side"], e["step"]) for e in timeline["entries"]] == [
        (1, "CN", "party", "loading"), (2, "CN", "export", "loading"), (3, "SG", "import", "loading"),
    ]  # fmt: skip
    first = timeline["entries"][0]
    assert first["submitter"] == dev_trader("CN")
    assert first["event_hash"] == event_hash(loading(0)).ni
    assert first["recorded_at"].endswith("Z")
    assert first["tx_hash"].startswith("0x")
    assert first["link"].startswith("0x")


def test_customs_void_and_appends_after_are_refused(api: Api) -> None:
    assert open_(api).status_code == 201
    forbidden = api.client.post(f"/consignments/{UCR}/void", json={"reason": "x"}, headers=api.headers("CN", "trader"))
    assert_problem(forbidden, 403, "forbidden", "needs: customs")
    voided = api.client.post(f"/consignments/{UCR}/void", json={"reason": "wrong-party"},
                             headers=api.headers("CN", "customs"))  # fmt: skip
    assert voided.status_code == 200, voided.text
    assert (voided.json()["open"], voided.json()["parties"]) == (False, [])
    assert_problem(append(api), 422, "invalid-input", "not open: it was voided")
    view = api.client.get(f"/consignments/{UCR}", headers=api.headers("CN", "trader")).json()
    assert view["changes"][-1]["kind"] == "voided"
    assert view["changes"][-1]["reason"] == "wrong-party"


def test_the_oracle_decides_once(api: Api) -> None:
    assert open_(api).status_code == 201
    oracle = api.headers("CN", "oracle")
    first = api.client.post(f"/consignments/{UCR}/decisions", json=lane("CN", "green"), headers=oracle)
    assert first.status_code == 200, first.text
    second = api.client.post(f"/consignments/{UCR}/decisions", json=lane("CN", "red"), headers=oracle)
    assert_problem(second, 422, "invalid-input", "already decided")
    by_trader = api.client.post(f"/consignments/{UCR}/decisions", json=lane("CN", "red"),
                                headers=api.headers("CN", "trader"))  # fmt: skip
    assert_problem(by_trader, 403, "forbidden", "needs: oracle")
    trade_step = api.client.post(f"/consignments/{UCR}/decisions", json=loading(), headers=oracle)
    assert_problem(trade_step, 422, "invalid-input", "not a customs decision")
    decision_as_event = api.client.post(f"/consignments/{UCR}/events", json=lane("CN", "red"),
                                        headers=api.headers("CN", "customs"))  # fmt: skip
    assert_problem(decision_as_event, 422, "invalid-input", "customs decision")
    entries = api.client.get(f"/consignments/{UCR}/timeline", headers=oracle).json()["entries"]
    assert [(e["step"], e["side"], e["declaration"] is not None) for e in entries] == [("risk-lane", "export", True)]


def test_a_third_member_decides_nothing(api: Api, services: Callable[..., Api]) -> None:
    assert open_(api, ucr=TO_VN, destination="VN").status_code == 201
    sg = services("SG")
    response = sg.client.post(f"/consignments/{TO_VN}/decisions", json=lane("SG", "red"),
                              headers=sg.headers("SG", "oracle"))  # fmt: skip
    assert_problem(response, 422, "invalid-input", "neither the origin", "nor the destination")
    refused = append(sg, "SG", "customs", ucr=TO_VN)
    assert assert_problem(refused, 403, "contract-revert")["revert"] == "EvidenceRegistryNotAParty"


def test_the_bundle_downloads_and_verifies(api: Api, chain: Chain) -> None:
    assert open_(api).status_code == 201
    assert append(api).status_code == 200
    response = api.client.get(f"/consignments/{UCR}/bundle", headers=api.headers("CN", "auditor"))
    assert response.status_code == 200, response.text
    assert f'filename="{UCR}.bundle.json"' in response.headers["content-disposition"]
    made = read_bundle(response.content, source="download")
    assert made.format == "sanzhi-evidence-bundle/3"
    assert len(made.entries) == 1
    record = load_deployment(chain.settings.resolved_deployments_dir, made.chain_id)
    assert record is not None
    trust = BundleTrust(chain_id=record.chain_id, consortium=record.contracts["Consortium"].address,
                        registry=record.contracts["EvidenceRegistry"].address)  # fmt: skip
    report = verify_bundle(made, trusted_block_hash=str(made.head_proof.header.hash), trust=trust)
    assert (report.ucr, report.entries) == (UCR, 1)


def test_refusals_are_problems(api: Api) -> None:
    assert_problem(api.client.post("/consignments", json={"ucr": UCR, "destination": "SG"}), 401, "unauthenticated")
    assert_problem(open_(api, role="auditor"), 403, "forbidden", "needs: trader, customs")
    assert_problem(open_(api, surprise=1), 422, "invalid-request", "surprise")
    assert_problem(open_(api, ucr="not a ucr"), 422, "invalid-input", "is not a UCR")
    assert_problem(open_(api, destination="CN"), 422, "invalid-input", "crosses a border")
    reader = api.headers("CN", "auditor")
    assert_problem(api.client.get("/consignments/6XX-nope/timeline", headers=reader), 422, "invalid-request")
    assert_problem(api.client.get(f"/consignments/{UCR}", headers=reader), 404, "not-found", UCR)
    assert_problem(api.client.get(f"/consignments/{UCR}/bundle", headers=reader), 404, "not-found")
    # a trader key of another account than the service's trader signer
    other = {"ucr": UCR, "destination": "SG"}
    headers = api.headers("CN", "trader", account=dev_trader("SG"))
    assert_problem(api.client.post("/consignments", json=other, headers=headers), 403, "forbidden", dev_trader("SG"))
    assert open_(api).status_code == 201
    events = f"/consignments/{UCR}/events"
    trader = api.headers("CN", "trader")
    assert_problem(api.client.post(events, content=b"x", headers={**trader, "Content-Type": "text/plain"}), 415,
                   "unsupported-media-type")  # fmt: skip
    assert_problem(api.client.post(events, json={"type": "ObjectEvent"}, headers=trader), 422, "invalid-document")
    assert_problem(api.client.post(events, json=[loading()], headers=trader), 422, "invalid-input")
    assert_problem(api.client.post(events, content=b'{"a":1,"a":2}', headers={**trader,
                   "Content-Type": "application/json"}), 422, "invalid-json")  # fmt: skip


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("6XX-nope", "year digit, country, exporter id, reference"),
        ("6XX9144010012345678-SG-000777", "XX is not an ISO 3166-1 country code"),
        ("6CN9144010012345678-SG-00077\u0410", "only ASCII letters, digits and - . /"),  # a Cyrillic A
        ("6CN9144010012345678-SG-" + "7" * 40, "longer than 35 characters"),
    ],
)
def test_a_ucr_in_a_path_is_refused_in_words_not_with_the_pattern(api: Api, path: str, words: str) -> None:
    """The pattern the document states lists every country code: a reader is told what is
    wrong with the UCR instead of being shown a thousand characters of it."""
    body = assert_problem(
        api.client.get(f"/consignments/{path}/timeline", headers=api.headers("CN", "auditor")),
        422, "invalid-request", words,
    )  # fmt: skip
    assert len(body["detail"]) < 200, body["detail"]
    assert all("pattern" not in e["msg"] for e in body["errors"])
