"""A trader key's own view (/me ...): two traders of CN, each seeing its own certificates,
consignments and AEO status and nothing of the other's, whatever the request says."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.index.issuer_records import import_wrapped
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, assert_problem, dev_trader, sample_documents

OPERATOR_A = "USCI:91330200MA2AAAAA1"
OPERATOR_B = "USCI:91330200MA2BBBBB2"
UCR_A = "6CN91330200-A-000001"
UCR_B = "6CN91330200-B-000002"


def trader(api: Api, account: str, operator: str | None) -> dict[str, str]:
    created = api.keys.create(organisation="CN", role="trader", label="party", account=account, operator=operator)
    return {"Authorization": f"Bearer {created.token}"}


def index_now(chain: Chain, api: Api) -> None:
    """Follow the chain and import the issuer's wrapped certificates, as the service's index does."""
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    engine = open_index(settings)
    Follower(client=chain.client(), engine=engine).catch_up()
    import_wrapped(engine=engine, paths=sorted((chain.data_dir / "api" / "issuances").glob("*/wrapped")))


def issued_amount(document: dict[str, Any]) -> dict[str, str]:
    total = sum(Decimal(str(item["quantity"])) for item in document["items"])
    return {"amount": format(total.normalize(), "f"), "unit": document["items"][0]["unit_code"]}


def test_each_trader_sees_its_own_certificates_and_who_drew_on_them(
    chain: Chain, api: Api, services: Callable[..., Api]
) -> None:
    documents = sample_documents(3, seed=61)
    for document, exporter in zip(documents, (OPERATOR_A, OPERATOR_B, " usci:91330200ma2aaaaa1 "), strict=True):
        document["exporter"]["identifier"] = exporter
    issued = api.client.post("/certificates/issuances", json={"documents": documents},
                             headers=api.headers("CN", "issuer"))  # fmt: skip
    assert issued.status_code == 201, issued.text
    sg = services("SG")
    drawn = sg.client.post(
        "/certificates/utilize",
        json={"certificate": issued.json()["certificates"][0], "declaration": "SG-IMP-77", "quantity": "1.5"},
        headers=sg.headers("SG", "customs"),
    )
    assert drawn.status_code == 200, drawn.text
    index_now(chain, api)
    a, b = trader(api, dev_trader("CN"), OPERATOR_A), trader(api, dev_trader("SG"), OPERATOR_B)

    mine = api.client.get("/me/certificates", headers=a)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    numbers = [documents[2]["certificate_number"], documents[0]["certificate_number"]]  # newest first
    assert [c["number"] for c in items] == numbers
    first = items[1]
    assert (first["status"], first["importing_member"], first["issued"]) == ("valid", "SG", issued_amount(documents[0]))
    unit = documents[0]["items"][0]["unit_code"]
    assert first["drawn"] == {"amount": "1.5", "unit": unit}
    [drawing] = first["drawings"]
    assert (drawing["member"], drawing["quantity"], drawing["at"][-1]) == ("SG", {"amount": "1.5", "unit": unit}, "Z")
    assert items[0]["drawn"]["amount"] == "0"
    assert items[0]["drawings"] == []

    theirs = api.client.get("/me/certificates", params={"operator": OPERATOR_A, "exporter": OPERATOR_A}, headers=b)
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
    opened = api.client.post("/consignments", json={"ucr": UCR_A, "destination": "SG"},
                             headers=api.headers("CN", "trader"))  # fmt: skip
    assert opened.status_code == 201, opened.text
    a_id = opened.json()["consignment"]
    body = {"ucr": UCR_B, "destination": "SG", "parties": [{"account": dev_trader("SG"), "role": "consignee"}]}
    other = api.client.post("/consignments", json=body, headers=api.headers("CN", "customs"))
    assert other.status_code == 201, other.text
    b_id = other.json()["consignment"]
    a, b = trader(api, dev_trader("CN"), OPERATOR_A), trader(api, dev_trader("SG"), OPERATOR_B)

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
        assert api.client.get(f"/consignments/{UCR_A}{suffix}", headers=a).status_code == 200
        refused = api.client.get(f"/consignments/{UCR_A}{suffix}", headers=b)
        unknown = api.client.get(f"/consignments/6CN91330200-X-000009{suffix}", headers=b)
        assert_problem(refused, 404, "not-found", f"consignment {UCR_A} not found")
        assert_problem(unknown, 404, "not-found", "consignment 6CN91330200-X-000009 not found")


def test_each_trader_sees_its_own_aeo_status_and_recognitions(api: Api, services: Callable[..., Api]) -> None:
    customs = api.headers("CN", "customs")
    certified = api.client.post("/aeo/certifications", json={"operator": OPERATOR_A, "tier": "advanced"},
                                headers=customs)  # fmt: skip
    assert certified.status_code == 200, certified.text
    sg = services("SG")
    assert api.client.post("/mras", json={"partner": "SG", "tiers": "advanced"}, headers=customs).status_code == 200
    accepted = sg.client.post("/mras/CN/accept", json={"tiers": "advanced"}, headers=sg.headers("SG", "customs"))
    assert accepted.status_code == 200, accepted.text
    a, b = trader(api, dev_trader("CN"), OPERATOR_A), trader(api, dev_trader("SG"), OPERATOR_B)

    mine = api.client.get("/me/aeo", params={"operator": OPERATOR_B}, headers=a).json()
    assert (mine["operator"], mine["certification"]["status"], mine["certification"]["certified_by"]) == (
        OPERATOR_A, "active", "CN")  # fmt: skip
    assert [(r["recognised_by"], r["recognized"]) for r in mine["recognitions"]] == [("SG", True)]
    theirs = api.client.get("/me/aeo", headers=b).json()
    assert (theirs["operator"], theirs["certification"]["status"]) == (OPERATOR_B, "none")
    assert [(r["recognised_by"], r["recognized"]) for r in theirs["recognitions"]] == [("SG", False)]
    me = api.client.get("/me", headers=a).json()
    assert (me["member"], me["account"], me["operator"], me["missing"]) == ("CN", dev_trader("CN"), OPERATOR_A, [])
