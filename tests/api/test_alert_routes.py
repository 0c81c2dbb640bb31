"""Alerts through the service: published, extended and withdrawn by the organisation's customs
for its own alerts only; read by member staff keys, never by traders or anonymously."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tests.support import Api, Chain, assert_problem


def later(chain: Chain, days: int) -> str:
    now = int(chain.client().w3.eth.get_block("latest")["timestamp"])
    return (dt.datetime.fromtimestamp(now, tz=dt.UTC) + dt.timedelta(days=days)).isoformat()


def publish(api: Api, chain: Chain, org: str = "CN", **changes: object) -> dict[str, object]:
    body = {"severity": "high", "scope": {"hs": ["0306"], "destinations": ["SG"]}, "until": later(chain, 20), **changes}
    response = api.client.post("/alerts", json=body, headers=api.headers(org, "customs"))
    assert response.status_code == 201, response.text
    found: dict[str, object] = response.json()
    return found


def test_publish_extend_withdraw_and_list(api: Api, chain: Chain) -> None:
    alert = publish(api, chain)
    assert (alert["member"], alert["member_name"], alert["severity"]) == (
        "CN", "General Administration of Customs of China", "high",
    )  # fmt: skip
    assert alert["publisher_name"]["label"] == "宁波海关 Ningbo Customs, accredited by CN"  # type: ignore[index]
    headers = api.headers("CN", "customs")
    extended = api.client.post(f"/alerts/{alert['id']}/extend", json={"until": later(chain, 40)}, headers=headers)
    assert extended.status_code == 200, extended.text
    assert len(extended.json()["extensions"]) == 1
    assert extended.json()["until"] == extended.json()["extensions"][0]["until"]
    page = api.client.get("/alerts", headers=api.headers("CN", "auditor")).json()
    assert [(a["id"], a["tx_hash"]) for a in page["items"]] == [(alert["id"], alert["tx_hash"])]
    assert alert["tx_hash"] is not None
    withdrawn = api.client.post(f"/alerts/{alert['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert api.client.get("/alerts", headers=headers).json()["items"] == []
    every = api.client.get("/alerts", params={"all": "true"}, headers=headers).json()["items"]
    assert [a["withdrawn_at"] is not None for a in every] == [True]
    again = api.client.post(f"/alerts/{alert['id']}/withdraw", headers=headers)
    assert_problem(again, 409, "contract-revert", "was withdrawn at")


def test_another_members_customs_is_refused(api: Api, chain: Chain, services: Callable[..., Api]) -> None:
    alert = publish(api, chain)
    sg = services("SG")
    for action, body in (("withdraw", None), ("extend", {"until": later(chain, 40)})):
        response = sg.client.post(f"/alerts/{alert['id']}/{action}", json=body, headers=sg.headers("SG", "customs"))
        assert_problem(response, 403, "alert-not-owner", f"alert {alert['id']} is CN's", "you act for SG")
    # a CN key on SG's service is another organisation's key
    response = sg.client.post(f"/alerts/{alert['id']}/withdraw", headers=sg.headers("CN", "customs"))
    assert_problem(response, 403, "forbidden")


def test_who_may_read_and_write(api: Api, chain: Chain) -> None:
    assert_problem(api.client.get("/alerts"), 401, "unauthenticated")
    assert_problem(api.client.get("/alerts", headers=api.headers("CN", "trader")), 403, "forbidden", "trader")
    body = {"severity": "low", "scope": {}, "until": later(chain, 1)}
    for role in ("issuer", "admin", "auditor", "oracle", "trader"):
        response = api.client.post("/alerts", json=body, headers=api.headers("CN", role))
        assert_problem(response, 403, "forbidden", "needs: customs")
    assert api.client.get("/alerts", headers=api.headers("CN", "oracle")).status_code == 200
    assert_problem(api.client.get("/alerts/999", headers=api.headers("CN", "auditor")), 404, "alert-not-found")


@pytest.mark.parametrize(
    ("changes", "status", "code", "fragment"),
    [
        ({"scope": {"hs": ["3"]}}, 422, "invalid-input", "'3' is not an HS code"),
        ({"scope": {"ports_of_loading": ["NINGBO"]}}, 422, "invalid-input", "'NINGBO' is not a UN/LOCODE"),
        ({"scope": {"origins": ["ZZ"]}}, 422, "unknown-member", "ZZ has never been a member"),
        ({"scope": {"hs": ["0306"], "colour": "red"}}, 422, "invalid-request", "colour"),
        ({"severity": "urgent"}, 422, "invalid-request", "severity"),
        ({"until": "2020-01-01T00:00:00Z"}, 422, "invalid-input", "is not after"),
        ({"reason_cid": "bafkreiabc"}, 422, "invalid-request", "reason_cid"),
    ],
)
def test_bad_input_is_one_problem(
    api: Api, chain: Chain, changes: dict[str, object], status: int, code: str, fragment: str
) -> None:
    body = {"severity": "high", "scope": {"hs": ["0306"]}, "until": later(chain, 5), **changes}
    response = api.client.post("/alerts", json=body, headers=api.headers("CN", "customs"))
    assert_problem(response, status, code, fragment)
