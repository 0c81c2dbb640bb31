"""Accreditation through the service: by the organisation's admin key, for the organisation only."""

from __future__ import annotations

from collections.abc import Callable

from ledger.devnet.consortium import dev_address
from tests.support import Api, assert_problem

NEW_ACCOUNT = "0x" + "5a" * 20


def test_accredit_and_withdraw_an_account(api: Api) -> None:
    headers = api.headers("CN", "admin")
    body = {"account": NEW_ACCOUNT, "role": "auditor"}
    granted = api.client.post("/accreditations", json={**body, "name": "Ningbo Audit Partners"}, headers=headers)
    assert granted.status_code == 200, granted.text
    assert (granted.json()["accreditation"]["member_id"], granted.json()["accreditation"]["active"]) == ("CN", True)
    shown = api.client.get("/accreditations", params=body, headers=api.headers("CN", "trader")).json()
    assert shown["active"] is True
    twice = api.client.post("/accreditations", json={**body, "name": "Again"}, headers=headers)
    assert assert_problem(twice, 409, "contract-revert")["revert"] == "ConsortiumAlreadyAccredited"
    withdrawn = api.client.post("/accreditations/withdraw", json=body, headers=headers)
    assert withdrawn.json()["accreditation"]["active"] is False


def test_issuers_are_accredited_per_type(api: Api) -> None:
    headers = api.headers("CN", "admin")
    untyped = api.client.post("/accreditations", json={"account": NEW_ACCOUNT, "role": "issuer", "name": "CCPIT"},
                              headers=headers)  # fmt: skip
    assert_problem(untyped, 422, "invalid-input", "per certificate type")
    phyto = {"account": NEW_ACCOUNT, "role": "issuer", "type": "phytosanitary-certificate", "name": "CCPIT"}
    typed = api.client.post("/accreditations", json=phyto, headers=headers)
    assert typed.json()["accreditation"]["certificate_type"] == "phytosanitary-certificate"


def test_another_members_accounts_are_not_the_organisations_to_manage(api: Api, services: Callable[..., Api]) -> None:
    sg_issuer = dev_address("sg-issuer")
    body = {"account": sg_issuer, "role": "issuer", "type": "certificate-of-origin"}
    refused = api.client.post("/accreditations/withdraw", json=body, headers=api.headers("CN", "admin"))
    assert_problem(refused, 403, "forbidden", "accredited by SG")
    refused = api.client.post("/accreditations", json={**body, "role": "auditor", "type": None, "name": "Look-alike"},
                              headers=api.headers("CN", "admin"))  # fmt: skip
    assert_problem(refused, 403, "forbidden", "accredited by SG")
    sg = services("SG")
    still = sg.client.get("/accreditations", params=body, headers=sg.headers("SG", "trader")).json()
    assert still["active"] is True


def test_members_are_listed_with_pagination(api: Api) -> None:
    headers = api.headers("CN", "trader")
    first = api.client.get("/consortium/members", params={"limit": 1}, headers=headers).json()
    second = api.client.get("/consortium/members", params={"limit": 1, "cursor": first["next_cursor"]},
                            headers=headers).json()  # fmt: skip
    assert [m["id"] for m in first["items"] + second["items"]] == ["CN", "SG"]
    assert second["next_cursor"] is None
    assert_problem(api.client.get("/consortium/members", params={"limit": 0}, headers=headers), 422,
                   "invalid-request", "limit")  # fmt: skip


def test_answers_name_each_address_with_the_member_that_vouches_for_it(api: Api, services: Callable[..., Api]) -> None:
    members = api.client.get("/consortium/members", headers=api.headers("CN", "trader")).json()["items"]
    assert [m["admin_name"] for m in members] == [
        "General Administration of Customs of China (CN) admin",
        "Singapore Customs (SG) admin",
    ]
    sg = services("SG")
    body = {"account": NEW_ACCOUNT, "role": "trade"}
    granted = sg.client.post("/accreditations", json={**body, "name": "Lion City Logistics"},
                             headers=sg.headers("SG", "admin")).json()["accreditation"]  # fmt: skip
    assert (granted["account_name"], granted["member_name"]) == (
        "Lion City Logistics, accredited by SG",
        "Singapore Customs",
    )
    shown = api.client.get("/accreditations", params=body, headers=api.headers("CN", "trader")).json()
    assert shown["account_name"] == "Lion City Logistics, accredited by SG"  # CN's service shows SG's vouching
    withdrawn = sg.client.post("/accreditations/withdraw", json=body, headers=sg.headers("SG", "admin")).json()
    assert withdrawn["accreditation"]["account_name"] is None  # released: nobody vouches for it now


def test_a_name_that_cannot_be_set_is_a_problem_naming_the_field(api: Api) -> None:
    headers = api.headers("CN", "admin")
    body = {"account": NEW_ACCOUNT, "role": "trade"}
    missing = api.client.post("/accreditations", json=body, headers=headers)
    assert_problem(missing, 422, "invalid-request", "name")
    bidi = api.client.post("/accreditations", json={**body, "name": "Evil\u202eCorp"}, headers=headers)
    assert assert_problem(bidi, 422, "invalid-input", "U+202E")["path"] == "name"
    long = api.client.post("/accreditations", json={**body, "name": "宁" * 22}, headers=headers)
    assert assert_problem(long, 422, "invalid-input", "66 bytes")["path"] == "name"
    assert api.client.get("/accreditations", params=body, headers=headers).json()["active"] is False
