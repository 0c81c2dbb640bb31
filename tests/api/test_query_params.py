"""Every route of the API refuses a query parameter it does not take: 422 problem+json naming it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import offline_app


def api_paths(app: FastAPI, method: str) -> list[str]:
    """The paths of the API document with an operation of `method` (every API route is in it; the
    portal's pages and /docs are not)."""
    return [path for path, operations in app.openapi()["paths"].items() if method in operations]


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return offline_app(tmp_path)  # the check runs before any route's own work: no node needed


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_get_route_refuses_an_unknown_query_parameter(app: FastAPI, client: TestClient) -> None:
    paths = api_paths(app, "get")
    assert len(paths) > 10, "the walk finds the API's routes"
    for path in paths:
        response = client.get(concrete(path), params={"orgn": "CN"})
        assert response.status_code == 422, path
        assert response.headers["content-type"] == "application/problem+json", path
        problem = response.json()
        assert problem["code"] == "unknown-query-parameter", path
        assert problem["path"] == "orgn"
        assert "orgn" in problem["detail"]


def test_other_methods_refuse_them_too(app: FastAPI, client: TestClient) -> None:
    paths = api_paths(app, "post")
    assert paths
    for path in paths:
        response = client.post(concrete(path), params={"dry_rn": "1"})
        assert response.status_code == 422, path
        assert response.json()["code"] == "unknown-query-parameter", path


def test_the_refusal_names_every_unknown_parameter_and_what_the_route_takes(client: TestClient) -> None:
    response = client.get("/audit/events", params={"orgn": "CN", "evnt": "CertificatesIssued", "limit": "5"})
    problem = response.json()
    assert response.status_code == 422
    assert problem["path"] == "evnt, orgn"
    assert "it takes" in problem["detail"]
    assert "limit" in problem["detail"]
    assert "org" in problem["detail"].split("it takes", 1)[1]


def test_declared_parameters_pass_the_check(client: TestClient) -> None:
    # a known parameter reaches the route (which here finds no node: not a 422 about the query)
    response = client.get(
        "/aeo/recognition", params={"operator": "USCI:1", "certified_by": "CN", "recognised_by": "SG"}
    )
    assert response.json().get("code") != "unknown-query-parameter"
    assert client.get("/health").status_code != 422


def test_portal_pages_ignore_unknown_parameters(client: TestClient) -> None:
    response = client.get("/", params={"lang": "en", "utm_source": "mail"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
