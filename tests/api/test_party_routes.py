"""A trader key's own view (/me ...): two traders of CN, each seeing its own certificates,
consignments and AEO status and nothing of the other's, whatever the request says."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.support import (
    PARTY_OPERATOR_A,
    PARTY_OPERATOR_B,
    PARTY_UCR_A,
    Api,
    Chain,
    assert_problem,
    certify_a_and_agree_with_sg,
    dev_trader,
    issue_and_draw,
    open_consignments,
    trader,
)


def issued_amount(document: dict[str, Any]) -> dict[str, str]:
    total = sum(Decimal(str(item["quantity"])) for item in document["items"])
    return {"value": format(total.normalize(), "f"), "unit": document["items"][0]["unit_code"]}


def test_each_trader_sees_its_own_certificates_and_who_drew_on_them(
    chain: Chain, api: Api, services: Callable[..., Api]
) -> None:
    documents, _ = issue_and_draw(chain, api, services)
    a, b = trader(api, dev_trader("CN"), PARTY_OPERATOR_A), trader(api, dev_trader("SG"), PARTY_OPERATOR_B)

    mine = api.client.get("/me/certificates", headers=a)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    numbers = [documents[2]["certificate_number"], documents[0]["certificate_number"]]  # newest first
    assert [c["number"] for c in items] == numbers
    first = items[1]
    assert (first["status"], first["importing_member"], first["issued"]) == ("valid", "SG", issued_amount(documents[0]))
    unit = documents[0]["items"][0]["unit_code"]
    assert first["drawn"] == {"value": "1.5", "unit": unit}
    [drawing] = first["drawings"]
    assert (drawing["member"], drawing["quantity"], drawing["at"][-1]) == ("SG", {"value": "1.5", "unit": unit}, "Z")
    assert items[0]["drawn"]["value"] == "0"
    assert items[0]["drawings"] == []

    theirs = api.client.get(
        "/me/certificates", params={"operator": PARTY_OPERATOR_A, "exporter": PARTY_OPERATOR_A}, headers=b
    )
    assert [c["number"] for c in theirs.json()["items"]] == [documents[1]["certificate_number"]]

    page = api.client.get("/me/certificates", params={"limit": 1}, headers=a).json()
    assert [c["number"] for c in page["items"]] == numbers[:1]
    assert page["next_cursor"]
    rest = api.client.get("/me/certificates", params={"limit": 1, "cursor": page["next_cursor"]}, headers=a).json()
    assert ([c["number"] for c in rest["items"]], rest["next_cursor"]) == (numbers[1:], None)


def test_a_key_without_an_operator_is_told_how_to_fix_it(api: Api) -> None:
    key = trader(api, dev_trader("CN"), None)
    me = api.client.get("/me", headers=key).json()
    assert me["operator"] is None
    assert any("--operator" in m for m in me["missing"])
    for path in ("/me/certificates", "/me/aeo"):
        assert_problem(api.client.get(path, headers=key), 409, "operator-not-named", "--operator SCHEME:ID")
    assert api.client.get("/me/consignments", headers=key).status_code == 200  # the account is enough for these
    assert_problem(api.client.get("/me"), 401, "unauthenticated")


def test_each_trader_sees_its_own_consignments_and_no_other_timeline(api: Api) -> None:
    a_id, b_id = open_consignments(api)
    a, b = trader(api, dev_trader("CN"), PARTY_OPERATOR_A), trader(api, dev_trader("SG"), PARTY_OPERATOR_B)

    [mine] = api.client.get("/me/consignments", headers=a).json()["items"]
    assert (mine["consignment"], mine["role"], mine["origin"], mine["open"]) == (a_id, "opener", "CN", True)
    [theirs] = api.client.get("/me/consignments", headers=b).json()["items"]
    assert (theirs["consignment"], theirs["role"]) == (b_id, "consignee")

    timeline = api.client.get(mine["timeline"], headers=a)
    assert timeline.status_code == 200, timeline.text
    assert (timeline.json()["consignment"], timeline.json()["intact"]) == (a_id, True)
    never = "0x" + "ee" * 32
    for consignment in (b_id, never):  # another's and one that does not exist look alike
        refused = api.client.get(f"/me/consignments/{consignment}/timeline", headers=a)
        assert_problem(refused, 404, "not-found", f"consignment {consignment} among this party's not found")
    assert_problem(api.client.get("/me/consignments/0x12/timeline", headers=a), 422, "invalid-input")
    for suffix in ("", "/timeline", "/bundle"):  # the UCR routes too: B is no party of A's consignment
        assert api.client.get(f"/consignments/{PARTY_UCR_A}{suffix}", headers=a).status_code == 200
        refused = api.client.get(f"/consignments/{PARTY_UCR_A}{suffix}", headers=b)
        unknown = api.client.get(f"/consignments/6CN91330200-X-000009{suffix}", headers=b)
        assert_problem(refused, 404, "not-found", f"consignment {PARTY_UCR_A} not found")
        assert_problem(unknown, 404, "not-found", "consignment 6CN91330200-X-000009 not found")


def test_each_trader_sees_its_own_aeo_status_and_recognitions(api: Api, services: Callable[..., Api]) -> None:
    certify_a_and_agree_with_sg(api, services)
    a, b = trader(api, dev_trader("CN"), PARTY_OPERATOR_A), trader(api, dev_trader("SG"), PARTY_OPERATOR_B)

    mine = api.client.get("/me/aeo", params={"operator": PARTY_OPERATOR_B}, headers=a).json()
    assert (mine["operator"], mine["certification"]["status"], mine["certification"]["certified_by"]) == (
        PARTY_OPERATOR_A, "active", "CN")  # fmt: skip
    assert [(r["recognised_by"], r["recognized"]) for r in mine["recognitions"]] == [("SG", True)]
    theirs = api.client.get("/me/aeo", headers=b).json()
    assert (theirs["operator"], theirs["certification"]["status"]) == (PARTY_OPERATOR_B, "none")
    assert [(r["recognised_by"], r["recognized"]) for r in theirs["recognitions"]] == [("SG", False)]
    me = api.client.get("/me", headers=a).json()
    assert (me["member"], me["account"], me["operator"], me["missing"]) == (
        "CN",
        dev_trader("CN"),
        PARTY_OPERATOR_A,
        [],
    )
