"""Issuing, lifecycle and utilization through the service, with the object-level refusals:
only what the organisation issued, only what was imported into it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from ledger.certificates.quantities import format_quantity
from ledger.certificates.wrapped import parse_wrapped
from tests.support import Api, assert_problem, issue_via_api, sample_documents


def test_issue_returns_the_wrapped_certificates_and_keeps_them(api: Api) -> None:
    documents = sample_documents(3)
    response = api.client.post(
        "/certificates/issuances", json={"documents": documents, "batch_size": 2}, headers=api.headers("CN", "issuer")
    )
    assert response.status_code == 201, response.text
    issuance = response.json()
    assert [b["count"] for b in issuance["batches"]] == [2, 1]
    numbers = [c["data"]["certificate_number"] for c in issuance["certificates"]]
    assert numbers == [d["certificate_number"] for d in documents]
    again = api.client.get(f"/certificates/issuances/{issuance['issuance_id']}", headers=api.headers("CN", "auditor"))
    assert again.json() == issuance


def test_issuances_are_listed_page_by_page_for_the_organisation_only(api: Api, services: Callable[..., Api]) -> None:
    for seed in (1, 2, 3):
        issue_via_api(api, 1, seed=seed)
    headers = api.headers("CN", "issuer")
    first = api.client.get("/certificates/issuances", params={"limit": 2}, headers=headers).json()
    assert len(first["items"]) == 2
    second = api.client.get("/certificates/issuances", params={"limit": 2, "cursor": first["next_cursor"]},
                            headers=headers).json()  # fmt: skip
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    seen = {i["issuance_id"] for i in first["items"] + second["items"]}
    assert len(seen) == 3
    bad = api.client.get("/certificates/issuances", params={"cursor": "bm9wZQ"}, headers=headers)
    assert_problem(bad, 422, "invalid-input", "not a cursor")
    sg = services("SG")
    sg_headers = sg.headers("SG", "issuer")
    assert sg.client.get("/certificates/issuances", headers=sg_headers).json()["items"] == []
    assert_problem(sg.client.get(f"/certificates/issuances/{seen.pop()}", headers=sg_headers), 404, "not-found")


def test_an_invalid_document_stops_the_issuance_and_leaves_nothing(api: Api) -> None:
    documents = sample_documents(2)
    del documents[1]["exporter"]
    response = api.client.post("/certificates/issuances", json={"documents": documents},
                               headers=api.headers("CN", "issuer"))  # fmt: skip
    assert_problem(response, 422, "invalid-input", "document-000001.json", "exporter")
    assert api.client.get("/certificates/issuances", headers=api.headers("CN", "issuer")).json()["items"] == []


def test_a_number_is_issued_once_and_only_for_the_own_jurisdiction(api: Api) -> None:
    issue_via_api(api, 1, seed=5)
    again = api.client.post("/certificates/issuances", json={"documents": sample_documents(1, seed=5)},
                            headers=api.headers("CN", "issuer"))  # fmt: skip
    assert_problem(again, 422, "invalid-input", "already issued")
    foreign = sample_documents(1, seed=6, origin="SG", destination="CN")
    response = api.client.post("/certificates/issuances", json={"documents": foreign},
                               headers=api.headers("CN", "issuer"))  # fmt: skip
    assert_problem(response, 422, "invalid-input", "own jurisdiction")


def _change(api: Api, action: str, body: dict[str, Any], role: str = "issuer") -> Any:
    return api.client.post(f"/certificates/{action}", json=body, headers=api.headers("CN", role))


def test_suspend_reinstate_revoke_and_the_refusals_of_state(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    suspended = _change(api, "suspend", {"certificate": certificate, "reason": "under-investigation"})
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["record"]["status"] == "suspended"
    assert api.client.post("/certificates/verify", json=certificate).json()["valid"] is False
    reinstated = _change(api, "reinstate", {"certificate": certificate}, role="customs")
    assert reinstated.json()["record"]["status"] == "valid"
    revoked = _change(api, "revoke", {"certificate": certificate, "reason": "fraud"}, role="admin")
    assert (revoked.json()["record"]["status"], revoked.json()["record"]["reason"]) == ("revoked", "fraud")
    twice = _change(api, "revoke", {"certificate": certificate, "reason": "fraud"})
    body = assert_problem(twice, 409, "contract-revert", "is revoked")
    assert body["revert"] == "CertificateRegistryInvalidStatus"
    assert_problem(_change(api, "suspend", {"certificate": certificate, "reason": "nonsense"}), 422, "invalid-input")


def test_supersede_needs_both_certificates_to_be_the_organisations(api: Api, services: Callable[..., Api]) -> None:
    [old, new] = issue_via_api(api)
    response = _change(api, "supersede", {"certificate": old, "successor": new})
    assert response.status_code == 200, response.text
    record = response.json()["record"]
    assert (record["status"], record["successor_leaf"]) == ("superseded", _leaf(api, new))
    sg = services("SG")
    foreign = _issue_sg(sg)
    [other, _] = issue_via_api(api, seed=9)
    refused = _change(api, "supersede", {"certificate": other, "successor": foreign})
    assert_problem(refused, 403, "forbidden", "issued by SG")


def _leaf(api: Api, certificate: dict[str, Any]) -> str:
    from ledger.certificates.wrapped import parse_wrapped

    return "0x" + parse_wrapped(certificate).leaf.hex()


def _issue_sg(sg: Api) -> dict[str, Any]:
    documents = sample_documents(1, seed=11, origin="SG", destination="CN")
    response = sg.client.post("/certificates/issuances", json={"documents": documents},
                              headers=sg.headers("SG", "issuer"))  # fmt: skip
    assert response.status_code == 201, response.text
    certificate: dict[str, Any] = response.json()["certificates"][0]
    return certificate


def test_another_members_certificate_cannot_be_changed(api: Api, services: Callable[..., Api]) -> None:
    foreign = _issue_sg(services("SG"))
    for action, body in (("revoke", {"reason": "fraud"}), ("suspend", {"reason": "fraud"}), ("reinstate", {})):
        response = _change(api, action, {"certificate": foreign, **body})
        assert_problem(response, 403, "forbidden", "issued by SG; only SG may change it")
    assert api.client.post("/certificates/verify", json=foreign).json()["valid"] is True


def test_a_certificate_never_issued_or_altered_is_refused(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    altered = copy.deepcopy(certificate)
    altered["data"]["items"][0]["quantity"] = "999999"
    assert_problem(_change(api, "revoke", {"certificate": altered, "reason": "fraud"}), 422, "invalid-input",
                   "does not verify")  # fmt: skip
    elsewhere = copy.deepcopy(certificate)
    elsewhere["proof"]["registry"] = "0x" + "42" * 20
    assert_problem(_change(api, "revoke", {"certificate": elsewhere, "reason": "fraud"}), 422, "invalid-input",
                   "not in a CertificateRegistry the consortium lists")  # fmt: skip


def test_utilize_only_by_the_importing_members_customs(api: Api, services: Callable[..., Api]) -> None:
    [certificate, _] = issue_via_api(api)
    sg = services("SG")
    body = {"certificate": certificate, "declaration": "SG-IMP-1", "quantity": "1.5"}
    drawn = sg.client.post("/certificates/utilize", json=body, headers=sg.headers("SG", "customs"))
    assert drawn.status_code == 200, drawn.text
    unit = certificate["data"]["items"][0]["unit_code"]
    assert drawn.json()["amount"] == {"value": "1.5", "unit": unit}
    total = parse_wrapped(certificate).proof.quantity
    assert drawn.json()["remaining"] == {"value": format_quantity(total - 1500), "unit": unit}
    again = sg.client.post("/certificates/utilize", json={**body, "declaration": " sg-imp-1 "},
                           headers=sg.headers("SG", "customs"))  # fmt: skip
    assert_problem(again, 409, "contract-revert", "already drawn")
    refused = api.client.post("/certificates/utilize", json={**body, "declaration": "CN-1"},
                              headers=api.headers("CN", "customs"))  # fmt: skip
    assert_problem(refused, 403, "forbidden", "import into SG; CN cannot draw on it")
    too_much = sg.client.post("/certificates/utilize", json={**body, "declaration": "SG-2", "quantity": "99999999"},
                              headers=sg.headers("SG", "customs"))  # fmt: skip
    assert_problem(too_much, 409, "contract-revert", "remaining")
    malformed = sg.client.post("/certificates/utilize", json={**body, "quantity": "-1"},
                               headers=sg.headers("SG", "customs"))  # fmt: skip
    assert_problem(malformed, 422, "invalid-request", "quantity")


def test_documents_with_a_lone_surrogate_are_refused_before_anything_is_written(api: Api) -> None:
    documents = sample_documents(1, seed=21)
    body = json.dumps({"documents": documents}).replace('"exporter": {"name": "', '"exporter": {"name": "\\udc00', 1)
    response = api.client.post("/certificates/issuances", content=body,
                               headers={"content-type": "application/json", **api.headers("CN", "issuer")})  # fmt: skip
    assert_problem(response, 422, "invalid-json", "lone surrogate", "exporter.name")
    assert not (api.client.app.state.context.issuances_dir).exists() or not any(  # type: ignore[attr-defined]
        api.client.app.state.context.issuances_dir.iterdir()  # type: ignore[attr-defined]
    )


def test_times_before_1970_are_refused_and_times_without_offset_are_utc(api: Api) -> None:
    headers = api.headers("CN", "issuer")
    documents = sample_documents(1, seed=31)
    ancient = {"documents": documents, "expires_at": "0093-05-10T09:28:19Z"}
    assert_problem(api.client.post("/certificates/issuances", json=ancient, headers=headers), 422,
                   "invalid-request", "before 1970")  # fmt: skip
    naive = {"documents": documents, "expires_at": "2099-01-01T08:00:00"}
    issued = api.client.post("/certificates/issuances", json=naive, headers=headers)
    assert issued.status_code == 201, issued.text
    certificate = issued.json()["certificates"][0]
    query = {"root": certificate["proof"]["root"], "leaf": _leaf(api, certificate)}
    record = api.client.get("/certificates/status", params=query).json()
    assert record["expires_at"] == "2099-01-01T08:00:00Z"
