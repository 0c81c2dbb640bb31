"""Two trade parties of CN with records on the session chain, for the /me routes and the
party pages: A (CN's development trader) and B (another account), each with an operator id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.index.issuer_records import import_wrapped
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, dev_trader, sample_documents

OPERATOR_A = "USCI:91330200MA2AAAAA1"
OPERATOR_B = "USCI:91330200MA2BBBBB2"
UCR_A = "6CN91330200-A-000001"
UCR_B = "6CN91330200-B-000002"


def trader_token(api: Api, account: str, operator: str | None) -> str:
    created = api.keys.create(organisation="CN", role="trader", label="party", account=account, operator=operator)
    return created.token


def trader(api: Api, account: str, operator: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {trader_token(api, account, operator)}"}


def index_now(chain: Chain, api: Api) -> None:
    """Follow the chain and import the issuer's wrapped certificates, as the service's index does."""
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    engine = open_index(settings)
    Follower(client=chain.client(), engine=engine).catch_up()
    import_wrapped(engine=engine, paths=sorted((chain.data_dir / "api" / "issuances").glob("*/wrapped")))


def issue_and_draw(chain: Chain, api: Api, services: Callable[..., Api]) -> tuple[list[dict[str, Any]], Any]:
    """Three certificates CN issued (exporters A, B, A spelt loosely); SG's customs draw 1.5 on the first."""
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
    return documents, issued


def open_consignments(api: Api) -> tuple[str, str]:
    """A opens UCR_A; CN's customs open UCR_B naming B as consignee. Their ids."""
    opened = api.client.post("/consignments", json={"ucr": UCR_A, "destination": "SG"},
                             headers=api.headers("CN", "trader"))  # fmt: skip
    assert opened.status_code == 201, opened.text
    body = {"ucr": UCR_B, "destination": "SG", "parties": [{"account": dev_trader("SG"), "role": "consignee"}]}
    other = api.client.post("/consignments", json=body, headers=api.headers("CN", "customs"))
    assert other.status_code == 201, other.text
    return opened.json()["consignment"], other.json()["consignment"]


def certify_a_and_agree_with_sg(api: Api, services: Callable[..., Api]) -> None:
    """CN's customs certify A (advanced); CN and SG agree an MRA for advanced AEOs."""
    customs = api.headers("CN", "customs")
    certified = api.client.post("/aeo/certifications", json={"operator": OPERATOR_A, "tier": "advanced"},
                                headers=customs)  # fmt: skip
    assert certified.status_code == 200, certified.text
    sg = services("SG")
    assert api.client.post("/mras", json={"partner": "SG", "tiers": "advanced"}, headers=customs).status_code == 200
    accepted = sg.client.post("/mras/CN/accept", json={"tiers": "advanced"}, headers=sg.headers("SG", "customs"))
    assert accepted.status_code == 200, accepted.text
