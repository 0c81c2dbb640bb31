"""GET /certificates/destined: the batches destined to the key's own organisation, for its
customs and admin keys only; another member's key sees its own list, a trader none."""

from __future__ import annotations

from collections.abc import Callable

from ledger.devnet.consortium import dev_address
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, assert_problem, issue_via_api

ROUTE = "/certificates/destined"


def index_now(chain: Chain, api: Api) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def test_the_destinations_customs_sees_what_is_destined_to_it(chain: Chain, services: Callable[..., Api]) -> None:
    cn, sg = services("CN"), services("SG")
    certificates = issue_via_api(cn, count=3, seed=71)
    index_now(chain, cn)
    for role in ("customs", "admin"):
        page = sg.client.get(ROUTE, headers=sg.headers("SG", role))
        assert page.status_code == 200, page.text
        [batch] = page.json()["items"]
        assert batch["root"] == certificates[0]["proof"]["root"]
        assert (batch["destination"], batch["issuing_member"], batch["count"]) == ("SG", "CN", 3)
        assert batch["type"] == "certificate-of-origin"
        assert batch["issuer"]["address"] == dev_address("cn-issuer")
        assert batch["issuer"]["member_id"] == "CN"
        assert batch["delivered"] == []
    # CN issued it: CN's own customs sees nothing destined to CN
    assert cn.client.get(ROUTE, headers=cn.headers("CN", "customs")).json()["items"] == []


def test_only_customs_and_admin_keys_may_ask(chain: Chain, services: Callable[..., Api]) -> None:
    sg = services("SG")
    assert_problem(sg.client.get(ROUTE), 401, "unauthenticated")
    for role in ("trader", "issuer", "auditor", "oracle"):
        assert_problem(sg.client.get(ROUTE, headers=sg.headers("SG", role)), 403, "forbidden", "customs, admin")


def test_odd_paging_is_a_clear_422(chain: Chain, services: Callable[..., Api]) -> None:
    sg = services("SG")
    index_now(chain, sg)
    customs = sg.headers("SG", "customs")
    assert_problem(sg.client.get(f"{ROUTE}?limit=0", headers=customs), 422, "invalid-request", "limit")
    assert_problem(sg.client.get(f"{ROUTE}?cursor=bogus", headers=customs), 422, "invalid-cursor")
    # the member is the key's: asking for another one is refused, not ignored
    assert_problem(sg.client.get(f"{ROUTE}?member=CN", headers=customs), 422, "unknown-query-parameter", "member")


def test_an_issuance_asked_to_deliver_reaches_the_destination(chain: Chain, services: Callable[..., Api]) -> None:
    cn, sg = services("CN"), services("SG")
    certificates = issue_via_api(cn, count=2, seed=72, deliver=True)
    index_now(chain, cn)
    [batch] = sg.client.get(ROUTE, headers=sg.headers("SG", "customs")).json()["items"]
    assert batch["root"] == certificates[0]["proof"]["root"]
    delivered = {d["leaf"] for d in batch["delivered"]}
    assert len(delivered) == 2
    assert all(d["document"].startswith("bafk") for d in batch["delivered"])
    # the issuance record says what reached SG's customs
    [issuance] = cn.client.get("/certificates/issuances", headers=cn.headers("CN", "issuer")).json()["items"]
    record = cn.client.get(f"/certificates/issuances/{issuance['issuance_id']}", headers=cn.headers("CN", "issuer"))
    report = record.json()["delivery"]
    assert {c["status"] for c in report["certificates"]} == {"delivered"}
    assert {c["leaf"] for c in report["certificates"]} == delivered
    assert list(report["recipients"]) == ["SG"]
