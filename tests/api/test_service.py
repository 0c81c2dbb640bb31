"""The service as a whole: health, metrics, body and rate limits, problem shape, OpenAPI."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api.main import create_app
from api.settings import ServiceSettings
from ledger.settings import LedgerSettings
from tests.support import Api, assert_problem, issue_via_api


def test_health_reports_the_chain_and_the_deployment(api: Api) -> None:
    body = api.client.get("/health").json()
    assert (body["status"], body["chain_reachable"], body["chain_id"], body["deployment_present"]) == (
        "ok", True, 31337, True)  # fmt: skip
    assert body["organisation"] == "CN"


def test_health_is_503_and_the_routes_are_clean_when_the_node_is_gone(tmp_path: object) -> None:
    from fastapi.testclient import TestClient

    settings = LedgerSettings(
        data_dir=str(tmp_path), rpc_url="http://127.0.0.1:9", database_url=f"sqlite:///{tmp_path}/service.sqlite"
    )  # type: ignore[arg-type]
    with TestClient(create_app(settings, ServiceSettings(organisation="CN"))) as client:
        response = client.get("/health")
        assert response.status_code == 503
        assert (response.json()["status"], response.json()["chain_reachable"]) == ("unavailable", False)
        question = {"operator": "USCI:1", "certified_by": "CN", "recognised_by": "SG"}
        assert_problem(client.get("/aeo/recognition", params=question), 503, "node-not-running")


def test_metrics_count_requests_by_route_template_and_verify_outcomes(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    api.client.post("/certificates/verify", json=certificate)
    api.client.get("/certificates/issuances/nope", headers=api.headers("CN", "auditor"))
    response = api.client.get("/metrics", headers=api.headers("CN", "admin"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'sanzhi_http_requests_total{method="POST",route="/certificates/verify",status="200"} 1.0' in text
    assert 'route="/certificates/issuances/{issuance_id}",status="404"' in text
    assert 'sanzhi_verifications_total{outcome="valid"} 1.0' in text
    head = next(line for line in text.splitlines() if line.startswith("sanzhi_chain_head_block "))
    assert float(head.split()[1]) > 0


def test_a_body_over_the_limit_is_413_however_it_comes(services: Callable[..., Api]) -> None:
    api = services("CN", max_body_bytes=2048)
    big = b'{"certificates": [' + b" " * 4096 + b"]}"
    declared = api.client.post("/certificates/verify/batch", content=big, headers={"content-type": "application/json"})
    assert_problem(declared, 413, "payload-too-large", "4,")

    def chunks():  # type: ignore[no-untyped-def]
        yield big[:1000]
        yield big[1000:]

    streamed = api.client.post("/certificates/verify/batch", content=chunks(),
                               headers={"content-type": "application/json"})  # fmt: skip
    assert_problem(streamed, 413, "payload-too-large", "over the limit of 2,048 bytes")
    upload = api.client.post("/certificates/verify", files={"file": ("c.json", b"x" * 4096)})
    assert_problem(upload, 413, "payload-too-large")


def test_public_routes_are_rate_limited_per_address_with_retry_after(services: Callable[..., Api]) -> None:
    api = services("CN", public_rate=0.01, public_burst=3)
    for _ in range(3):
        assert api.client.get("/health").status_code == 200
    refused = api.client.get("/health")
    assert_problem(refused, 429, "rate-limited", "address testclient")
    assert int(refused.headers["retry-after"]) >= 1
    # a caller with a valid key is limited by its key, not its address
    assert api.client.get("/consortium/members", headers=api.headers("CN", "trader")).status_code == 200


def test_keys_are_rate_limited_each_on_its_own(services: Callable[..., Api]) -> None:
    api = services("CN", key_rate=0.01, key_burst=2)
    trader, auditor = api.headers("CN", "trader"), api.headers("CN", "auditor")
    for _ in range(2):
        assert api.client.get("/consortium/members", headers=trader).status_code == 200
    refused = api.client.get("/consortium/members", headers=trader)
    assert_problem(refused, 429, "rate-limited", "API key")
    assert refused.headers["retry-after"].isdigit()
    assert api.client.get("/consortium/members", headers=auditor).status_code == 200


def test_failed_authentication_counts_against_the_address(services: Callable[..., Api]) -> None:
    api = services("CN", public_rate=0.01, public_burst=2)
    bad = {"Authorization": "Bearer szk_" + "0" * 16 + "_" + "0" * 64}
    for _ in range(2):
        assert_problem(api.client.get("/consortium/members", headers=bad), 401, "unauthenticated")
    assert_problem(api.client.get("/consortium/members", headers=bad), 429, "rate-limited")


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/no/such/route", 404, "not-found"),
    ("DELETE", "/health", 405, "method-not-allowed"),
])  # fmt: skip
def test_routing_errors_are_problems_too(api: Api, method: str, path: str, status: int, code: str) -> None:
    assert_problem(api.client.request(method, path), status, code)


def test_the_openapi_document_is_complete(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    routes = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    served = {(m, r.path) for r in api.client.app.routes for m in getattr(r, "methods", ()) or ()}  # type: ignore[attr-defined]
    served -= {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/redoc"), ("HEAD", "/openapi.json"),
               ("HEAD", "/docs"), ("HEAD", "/redoc"), ("GET", "/docs/oauth2-redirect"),
               ("HEAD", "/docs/oauth2-redirect")}  # fmt: skip
    assert served <= routes
    assert len(routes) >= 28
    schemas = document["components"]["schemas"]
    for name in ("Problem", "WrappedCertificate", "VerifiableCredential", "Verification", "CertificateRecord"):
        assert name in schemas
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            for status, response in operation["responses"].items():
                if int(status) >= 400 and not (path == "/health" and status == "503"):
                    assert response["content"] == {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }, (method, path, status)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in operation["responses"], (method, path)
            if operation.get("security"):
                assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
    verify = document["paths"]["/certificates/verify"]["post"]["requestBody"]["content"]
    assert set(verify) == {"application/json", "multipart/form-data"}
    assert schemas["UtilizeRequest"]["properties"]["quantity"]["examples"] == ["120.5"]


def test_only_the_service_process_freezes_its_start_up_heap(tmp_path: object) -> None:
    import gc

    from fastapi.testclient import TestClient

    settings = LedgerSettings(
        data_dir=str(tmp_path), rpc_url="http://127.0.0.1:9", database_url=f"sqlite:///{tmp_path}/service.sqlite"
    )  # type: ignore[arg-type]
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, ServiceSettings(organisation="CN"))):
            assert gc.get_freeze_count() == 0  # an app inside another program leaves its heap alone
        with TestClient(create_app(settings, ServiceSettings(organisation="CN"), freeze_startup_heap=True)):
            assert gc.get_freeze_count() > 100_000  # what `sanzhi serve` loaded is out of the collector's way
    finally:
        gc.unfreeze()
