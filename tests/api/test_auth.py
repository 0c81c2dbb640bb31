"""Who may call what: keys bound to an organisation and a role, checked on every protected route."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import Api, assert_problem

PROTECTED = [
    ("GET", "/certificates/issuances"),
    ("POST", "/certificates/issuances"),
    ("POST", "/certificates/hide"),
    ("POST", "/certificates/revoke"),
    ("POST", "/certificates/utilize"),
    ("GET", "/aeo/certifications"),
    ("POST", "/aeo/certifications"),
    ("GET", "/mras"),
    ("POST", "/mras"),
    ("GET", "/consortium/members"),
    ("POST", "/accreditations"),
    ("GET", "/audit/events"),
    ("GET", "/metrics"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_routes_need_a_key(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path)
    assert_problem(response, 401, "unauthenticated", "needs an API key")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("Bearer nonsense", "malformed"),
        ("Bearer szk_0000000000000000_" + "0" * 64, "unknown API key"),
        ("Basic dXNlcjpwYXNz", "needs an API key"),
    ],
)
def test_malformed_unknown_and_foreign_scheme_keys_are_refused(api: Api, header: str, fragment: str) -> None:
    response = api.client.get("/consortium/members", headers={"Authorization": header})
    assert_problem(response, 401, "unauthenticated", fragment)


def test_a_revoked_key_is_refused_from_the_next_request(api: Api) -> None:
    headers = api.headers("CN", "trader")
    assert api.client.get("/consortium/members", headers=headers).status_code == 200
    key_id = api.token("CN", "trader").split("_")[1]
    api.keys.revoke(key_id)
    assert_problem(api.client.get("/consortium/members", headers=headers), 401, "unauthenticated", "revoked")


def test_a_key_of_another_organisation_cannot_act_on_this_service(api: Api) -> None:
    response = api.client.get("/consortium/members", headers=api.headers("SG", "admin"))
    assert_problem(response, 403, "forbidden", "acts for CN", "key of SG")
    response = api.client.post(
        "/aeo/certifications",
        json={"operator": "USCI:91310000MA1FL8XQ30", "tier": "advanced"},
        headers=api.headers("SG", "customs"),
    )
    assert_problem(response, 403, "forbidden", "key of SG")


@pytest.mark.parametrize(
    ("method", "path", "role", "body"),
    [
        ("POST", "/certificates/issuances", "customs", {"documents": [{}]}),
        ("POST", "/aeo/certifications", "issuer", {"operator": "USCI:1", "tier": "general"}),
        ("POST", "/mras", "admin", {"partner": "SG"}),
        ("POST", "/accreditations", "customs", {"account": "0x" + "11" * 20, "role": "auditor", "name": "X"}),
        ("GET", "/audit/events", "admin", None),
        ("GET", "/metrics", "trader", None),
        ("GET", "/certificates/issuances", "trader", None),
        ("GET", "/aeo/certifications?operator=USCI:1&certified_by=CN", "trader", None),
        ("GET", "/me", "auditor", None),
        ("GET", "/me/certificates", "customs", None),
    ],
)
def test_a_key_of_the_wrong_role_is_refused(
    api: Api, method: str, path: str, role: str, body: dict[str, object] | None
) -> None:
    response = api.client.request(method, path, json=body, headers=api.headers("CN", role))
    assert_problem(response, 403, "forbidden", f"the {role} role may not")


def test_a_service_for_no_organisation_answers_public_routes_only(services: Callable[..., Api]) -> None:
    public = services(None)
    assert public.client.get("/health").status_code == 200
    response = public.client.get("/consortium/members", headers=public.headers("CN", "admin"))
    assert_problem(response, 403, "forbidden", "public routes only")


def test_the_openapi_document_declares_the_bearer_scheme(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "szk_<key id>_<secret>",
        "description": "An API key made with `sanzhi apikey create`, bound to one organisation and role.",
    }
    assert "security" not in document["paths"]["/certificates/verify"]["post"]
    assert document["paths"]["/certificates/revoke"]["post"]["security"] == [{"ApiKey": []}]
