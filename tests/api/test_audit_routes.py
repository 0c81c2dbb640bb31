"""Audit routes: auditor keys only; 503 until something is indexed; then answered from the index."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.certificates.wrapped import parse_wrapped
from ledger.devnet.consortium import dev_address
from ledger.index.db import open_index
from ledger.index.follower import Follower
from ledger.settings import LedgerSettings
from tests.support import Api, Chain, assert_problem, sample_documents

ROUTES = ["/audit/events?organisation=CN", "/audit/certificates/history?leaf=0x" + "ab" * 32,
          "/audit/operators/OP-1/history", "/audit/accreditations", "/audit/mras",
          "/audit/events.csv"]  # fmt: skip


@pytest.mark.parametrize("path", ROUTES)
def test_audit_needs_an_auditor_and_an_index(api: Api, path: str) -> None:
    assert_problem(api.client.get(path), 401, "unauthenticated")
    assert_problem(api.client.get(path, headers=api.headers("CN", "issuer")), 403, "forbidden", "auditor")
    response = api.client.get(path, headers=api.headers("CN", "auditor"))
    assert_problem(response, 503, "index-unavailable")


def test_audit_parameters_are_checked_first(api: Api) -> None:
    response = api.client.get("/audit/certificates/history?leaf=0x12", headers=api.headers("CN", "auditor"))
    assert_problem(response, 422, "invalid-request", "leaf")


def index_now(chain: Chain, api: Api) -> None:
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()


def test_an_auditor_finds_who_issued_and_who_withdrew(chain: Chain, api: Api) -> None:
    issued = api.client.post(
        "/certificates/issuances", json={"documents": sample_documents(2, seed=41)}, headers=api.headers("CN", "issuer")
    )
    assert issued.status_code == 201, issued.text
    index_now(chain, api)
    auditor = api.headers("CN", "auditor")
    page = api.client.get("/audit/events?organisation=CN&event=CertificatesIssued", headers=auditor)
    assert page.status_code == 200, page.text
    [event] = page.json()["items"]
    assert event["actor"] == dev_address("cn-issuer")
    wrapped = parse_wrapped(issued.json()["certificates"][0])
    query = f"leaf=0x{wrapped.leaf.hex()}&root={wrapped.proof.root}"
    history = api.client.get(f"/audit/certificates/history?{query}", headers=auditor).json()
    assert [e["event"] for e in history["items"]] == ["CertificatesIssued"]
    accreditations = api.client.get(f"/audit/accreditations?account={dev_address('cn-issuer')}", headers=auditor)
    assert {e["event"] for e in accreditations.json()["items"]} == {"Accredited", "AccountNamed"}
    exported = api.client.get("/audit/events.csv?organisation=CN&event=CertificatesIssued", headers=auditor)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1
    assert_problem(api.client.get("/audit/events?cursor=nonsense", headers=auditor), 422, "invalid-cursor")
    assert_problem(
        api.client.get("/audit/certificates/history?number=XX0000", headers=auditor), 404, "certificate-not-found"
    )


def test_an_auditor_can_name_any_operator_the_aeo_routes_take(chain: Chain, api: Api) -> None:
    """An operator id is up to 128 characters at every door: the audit routes once refused over
    80 what the AEO routes certify."""
    operator = "USCI:" + "9" * 123
    certified = api.client.get(
        f"/aeo/certifications?operator={operator}&certified_by=CN", headers=api.headers("CN", "customs")
    )
    assert certified.status_code == 200, certified.text
    index_now(chain, api)
    auditor = api.headers("CN", "auditor")
    for path in (
        f"/audit/events?operator={operator}&certified_by=CN",
        f"/audit/operators/{operator}/history?certified_by=CN",
    ):
        answer = api.client.get(path, headers=auditor)
        assert answer.status_code == 200, (path, answer.text)
