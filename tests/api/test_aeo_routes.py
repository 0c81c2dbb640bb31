"""AEO certifications and MRAs through the service: changes by the organisation's customs for
its own operators and arrangements; the recognition question answered publicly."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, assert_problem

OPERATOR = "USCI:91310000MA1FL8XQ30"


def _certify(api: Api, operator: str = OPERATOR, tier: str = "advanced") -> dict[str, object]:
    response = api.client.post("/aeo/certifications", json={"operator": operator, "tier": tier},
                               headers=api.headers("CN", "customs"))  # fmt: skip
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_certify_then_status_history_and_changes(api: Api) -> None:
    certified = _certify(api)
    assert certified["change"] == "certify"
    assert certified["certification"]["certified_by_name"] == "General Administration of Customs of China"  # type: ignore[index]
    headers = api.headers("CN", "customs")
    for action, status in (("suspend", "suspended"), ("reinstate", "active"), ("revoke", "revoked")):
        response = api.client.post(f"/aeo/certifications/{action}", json={"operator": OPERATOR, "reason": "fraud"},
                                   headers=headers)  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.json()["certification"]["status"] == status
    query = {"operator": OPERATOR, "certified_by": "CN"}
    reader = api.headers("CN", "auditor")
    assert api.client.get("/aeo/certifications", params=query, headers=reader).json()["status"] == "revoked"
    page = api.client.get("/aeo/certifications/history", params={**query, "limit": 3}, headers=reader).json()
    assert [s["change"] for s in page["items"]] == ["certify", "suspend", "reinstate"]
    rest = api.client.get("/aeo/certifications/history", params={**query, "cursor": page["next_cursor"]},
                          headers=reader).json()  # fmt: skip
    assert ([s["change"] for s in rest["items"]], rest["next_cursor"]) == (["revoke"], None)
    again = api.client.post("/aeo/certifications/suspend", json={"operator": OPERATOR}, headers=headers)
    body = assert_problem(again, 409, "contract-revert", "cannot suspend")
    assert body["revert"] == "AeoRegistryInvalidTransition"


def test_bad_aeo_input_is_refused_with_the_field(api: Api) -> None:
    headers = api.headers("CN", "customs")
    response = api.client.post("/aeo/certifications", json={"operator": "not an id!", "tier": "advanced"},
                               headers=headers)  # fmt: skip
    assert_problem(response, 422, "invalid-input", "not an operator id")
    response = api.client.post("/aeo/certifications", json={"operator": OPERATOR, "tier": "platinum"},
                               headers=headers)  # fmt: skip
    assert_problem(response, 422, "invalid-input", "unknown tier")
    response = api.client.post("/aeo/certifications", json={"operator": OPERATOR, "tier": "1", "extra": 1},
                               headers=headers)  # fmt: skip
    assert_problem(response, 422, "invalid-request", "extra")


def test_changes_act_for_the_organisation_only(api: Api, services: Callable[..., Api]) -> None:
    """CN's customs certify CN's operators: SG's certification of the same id is untouched."""
    _certify(api)
    sg = services("SG")
    query = {"operator": OPERATOR, "certified_by": "SG"}
    seen = sg.client.get("/aeo/certifications", params=query, headers=sg.headers("SG", "auditor")).json()
    assert (seen["status"], seen["changes"]) == ("none", 0)
    refused = sg.client.post("/aeo/certifications/suspend", json={"operator": OPERATOR},
                             headers=sg.headers("SG", "customs"))  # fmt: skip
    assert_problem(refused, 409, "contract-revert", "SG's certification is none")


def test_recognition_under_an_mra_is_public(api: Api, services: Callable[..., Api]) -> None:
    _certify(api)
    sg = services("SG")
    question = {"operator": OPERATOR, "certified_by": "CN", "recognised_by": "SG"}
    before = api.client.get("/aeo/recognition", params=question).json()
    assert (before["recognized"], before["reasons"]) == (False, ["no-mra"])
    proposed = api.client.post("/mras", json={"partner": "SG", "tiers": "advanced"},
                               headers=api.headers("CN", "customs"))  # fmt: skip
    assert proposed.status_code == 200, proposed.text
    changed_terms = sg.client.post("/mras/CN/accept", json={"tiers": "general"}, headers=sg.headers("SG", "customs"))
    assert_problem(changed_terms, 409, "contract-revert", "accept with exactly these terms")
    accepted = sg.client.post("/mras/CN/accept", json={"tiers": "advanced"}, headers=sg.headers("SG", "customs"))
    assert accepted.status_code == 200, accepted.text
    after = sg.client.get("/aeo/recognition", params=question).json()
    assert after["recognized"] is True
    listed = api.client.get("/mras", params={"member": "CN"}, headers=api.headers("CN", "trader")).json()
    assert [(m["member"], m["partner"], m["in_force"]) for m in listed["items"]] == [("CN", "SG", True)]
    assert [(m["member_name"], m["partner_name"]) for m in listed["items"]] == [
        ("General Administration of Customs of China", "Singapore Customs")
    ]
    assert (after["certified_by_name"], after["recognised_by_name"]) == (
        "General Administration of Customs of China",
        "Singapore Customs",
    )
    suspended = sg.client.post("/mras/CN/suspend", headers=sg.headers("SG", "customs"))
    assert suspended.json()["mra"]["state"]["status"] == "suspended"
    not_suspender = api.client.post("/mras/SG/resume", headers=api.headers("CN", "customs"))
    assert_problem(not_suspender, 403, "contract-revert", "only SG")
    assert api.client.get("/aeo/recognition", params=question).json()["reasons"] == ["mra-not-in-force"]


def test_mra_refusals(api: Api) -> None:
    headers = api.headers("CN", "customs")
    assert_problem(api.client.post("/mras", json={"partner": "CN"}, headers=headers), 422, "invalid-input",
                   "two different members")  # fmt: skip
    assert_problem(api.client.post("/mras/SG/accept", json={"tiers": "general"}, headers=headers), 404,
                   "contract-revert", "no MRA proposal")  # fmt: skip
    assert_problem(api.client.post("/mras/SG/dance", headers=headers), 422, "invalid-request", "action")
    question = {"operator": OPERATOR, "certified_by": "CN", "recognised_by": "SG", "at": "yesterday"}
    assert_problem(api.client.get("/aeo/recognition", params=question), 422, "invalid-request", "at")


def test_recognition_of_an_unknown_member_or_operator_id_is_invalid_input(api: Api) -> None:
    question = {"operator": OPERATOR, "certified_by": "XX", "recognised_by": "SG"}
    assert_problem(api.client.get("/aeo/recognition", params=question), 422, "unknown-member", "XX has never been")
    question = {"operator": OPERATOR, "certified_by": "CN", "recognised_by": "ZZ"}
    assert_problem(api.client.get("/aeo/recognition", params=question), 422, "unknown-member", "ZZ has never been")
    question = {"operator": "not an id!", "certified_by": "CN", "recognised_by": "SG"}
    assert_problem(api.client.get("/aeo/recognition", params=question), 422, "invalid-input", "not an operator id")
