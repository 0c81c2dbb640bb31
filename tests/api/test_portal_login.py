"""The portal's auditor login on the service: the service's own organisation's auditor keys only,
as on the API's /audit routes."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api


def _sign_in(api: Api, token: str) -> int:
    response = api.client.post("/login?lang=en", data={"api_key": token}, follow_redirects=False)
    return int(response.status_code)


def test_an_auditor_of_the_service_organisation_signs_in(api: Api) -> None:
    assert _sign_in(api, api.token("CN", "auditor")) == 303
    assert api.client.get("/audit?lang=en", follow_redirects=False).status_code != 303


def test_an_auditor_key_of_another_organisation_is_refused(api: Api) -> None:
    # the key store holds it (an operator made it out for SG by mistake): the API refuses it,
    # and so must the portal, at login and when a cookie carrying it comes back
    token = api.token("SG", "auditor")
    assert api.client.get("/audit/events", headers=api.headers("SG", "auditor")).status_code == 403
    assert _sign_in(api, token) == 401
    api.client.cookies.set("sanzhi_auditor", token)
    response = api.client.get("/audit?lang=en", follow_redirects=False)
    assert (response.status_code, response.headers["location"].split("?")[0]) == (303, "/login")


def test_a_service_for_no_organisation_admits_no_auditor(services: Callable[..., Api]) -> None:
    public = services(None)
    assert _sign_in(public, public.token("CN", "auditor")) == 401


def test_other_roles_of_the_organisation_are_refused(api: Api) -> None:
    assert _sign_in(api, api.token("CN", "issuer")) == 401
