"""Every body and query field takes only values of its own type: a number is no time, a boolean
no quantity or integer, a fraction no integer, and a number no text. Each is a 422 problem naming
the field, before the route reads the chain (the app here has no node behind it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import assert_problem, offline_app

OPERATOR = "USCI:91310000MA1FL8XQ30"
ACCOUNT = "0x" + "ab" * 20


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(offline_app(tmp_path), raise_server_exceptions=False) as client:
        yield client


def key(client: TestClient, role: str) -> dict[str, str]:
    keys = client.app.state.context.keys  # type: ignore[attr-defined]
    account = ACCOUNT if role == "trader" else None
    created = keys.create(organisation="CN", role=role, label=f"strict {role}", account=account)
    return {"Authorization": f"Bearer {created.token}"}


BODIES: list[tuple[str, str, str, dict[str, Any], str]] = [
    # (role, method, path, body, the field at fault)
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "expires_at": 0}, "expires_at"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "expires_at": 0.5}, "expires_at"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "expires_at": "1790000000"}, "expires_at"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "batch_size": True}, "batch_size"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "batch_size": 8.5}, "batch_size"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "batch_size": "8"}, "batch_size"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "deliver": 1}, "deliver"),
    ("issuer", "POST", "/certificates/issuances", {"documents": [{}], "deliver": "true"}, "deliver"),
    (
        "customs",
        "POST",
        "/aeo/certifications",
        {"operator": OPERATOR, "tier": "general", "valid_until": 0},
        "valid_until",
    ),
    ("customs", "POST", "/aeo/certifications", {"operator": OPERATOR, "tier": 2}, "tier"),
    ("customs", "POST", "/aeo/certifications/suspend", {"operator": OPERATOR, "effective_at": 0.5}, "effective_at"),
    ("customs", "POST", "/mras", {"partner": "SG", "effective_from": 1}, "effective_from"),
    ("customs", "POST", "/alerts", {"severity": "high", "scope": {}, "until": 0}, "until"),
    ("customs", "POST", "/consignments/6CN9144010012345678-SG-000777/void", {"reason": 7}, "reason"),
    ("admin", "POST", "/accreditations", {"account": ACCOUNT, "role": "issuer", "name": 12}, "name"),
]


@pytest.mark.parametrize(("role", "method", "path", "body", "field"), BODIES)
def test_a_body_field_of_another_type_is_refused(
    client: TestClient, role: str, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    response = client.request(method, path, json=body, headers=key(client, role))
    problem = assert_problem(response, 422, "invalid-request")
    assert problem["path"].split(".")[-1] == field, problem


def test_a_quantity_must_be_text_not_a_boolean_or_number(client: TestClient) -> None:
    headers = key(client, "customs")
    for quantity in (False, 12, 1.5):
        body = {"certificate": {}, "declaration": "SG-IMP-1", "quantity": quantity}
        problem = assert_problem(
            client.post("/certificates/utilize", json=body, headers=headers), 422, "invalid-request"
        )
        assert any(e["loc"][-1] == "quantity" for e in problem["errors"]), problem


def test_a_webhook_secrets_grace_is_an_iso_duration_or_whole_seconds(client: TestClient) -> None:
    headers = key(client, "admin")
    response = client.post("/subscriptions/sub_" + "a2" * 12 + "/rotate", json={"grace": 0.5}, headers=headers)
    assert assert_problem(response, 422, "invalid-request")["path"].endswith("grace")


QUERIES: list[tuple[str, str, dict[str, str], str]] = [
    ("auditor", "/alerts", {"at": "0"}, "at"),
    ("auditor", "/alerts", {"at": "0.5"}, "at"),
    ("auditor", "/alerts", {"at": "2026-01-01"}, "at"),
    ("auditor", "/alerts", {"limit": "1.0"}, "limit"),
    ("auditor", "/audit/events", {"limit": "true"}, "limit"),
    (
        "auditor",
        "/aeo/recognition",
        {"operator": OPERATOR, "certified_by": "CN", "recognised_by": "SG", "at": "1790000000"},
        "at",
    ),
]


@pytest.mark.parametrize(("role", "path", "params", "field"), QUERIES)
def test_a_query_value_of_another_type_is_refused(
    client: TestClient, role: str, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params, headers=key(client, role))
    problem = assert_problem(response, 422, "invalid-request")
    assert problem["path"].split(".")[-1] == field, problem


@pytest.mark.parametrize("at", ["2026-12-01T08:00:00Z", "2026-12-01T16:00:00+08:00", "2026-12-01T08:00:00"])
def test_an_iso_time_is_still_read(client: TestClient, at: str) -> None:
    response = client.get("/alerts", params={"at": at}, headers=key(client, "auditor"))
    assert response.status_code != 422, response.text
