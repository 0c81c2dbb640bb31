"""The public certificate routes: verify (JSON, upload, VC, batch), status; and hiding fields."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ledger.certificates.quantities import format_quantity
from ledger.certificates.vc import to_credential
from ledger.certificates.wrapped import parse_wrapped
from tests.support import Api, assert_problem, issue_via_api


def fragments(body: dict[str, object]) -> dict[str, str]:
    return {f["name"]: f["status"] for f in body["fragments"]}  # type: ignore[attr-defined, index]


def test_verify_a_json_body(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    response = api.client.post("/certificates/verify", json=certificate)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True
    assert set(fragments(body).values()) == {"VALID"}
    assert body["certificate_number"] == certificate["data"]["certificate_number"]


def test_verify_an_uploaded_file_and_a_vc(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    upload = {"file": ("certificate.json", json.dumps(certificate).encode(), "application/json")}
    response = api.client.post("/certificates/verify", files=upload)
    assert response.status_code == 200, response.text
    assert response.json()["valid"] is True
    credential = to_credential(parse_wrapped(certificate))
    response = api.client.post("/certificates/verify", json=credential)
    assert response.status_code == 200, response.text
    assert response.json()["valid"] is True


def test_a_tampered_certificate_is_invalid_not_an_error(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    tampered = copy.deepcopy(certificate)
    tampered["data"]["exporter"]["name"] = "Someone Else Ltd"
    body = api.client.post("/certificates/verify", json=tampered).json()
    assert body["valid"] is False
    assert fragments(body)["INTEGRITY"] == "INVALID"


def test_a_repeated_key_is_refused_rather_than_read_one_way(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    text = json.dumps(certificate)
    doubled = text.replace('"version": 2,', '"version": 2, "version": 1,', 1)
    response = api.client.post("/certificates/verify", content=doubled, headers={"content-type": "application/json"})
    assert_problem(response, 422, "invalid-json", 'duplicate key "version"')
    upload = {"file": ("c.json", doubled.encode(), "application/json")}
    assert_problem(api.client.post("/certificates/verify", files=upload), 422, "invalid-json", "duplicate key")


def test_deep_nesting_and_malformed_bodies_are_clean_refusals(api: Api) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    response = api.client.post("/certificates/verify", content=deep, headers={"content-type": "application/json"})
    assert_problem(response, 422, "invalid-json", "nested deeper than 64")
    response = api.client.post("/certificates/verify", content="{", headers={"content-type": "application/json"})
    assert_problem(response, 422, "invalid-json", "invalid JSON")
    response = api.client.post("/certificates/verify", json={"version": 2})
    assert_problem(response, 422, "invalid-document")
    response = api.client.post("/certificates/verify", content="x", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "unsupported-media-type")
    response = api.client.post("/certificates/verify", files={"other": ("a", b"{}")})
    assert_problem(response, 422, "invalid-input", "form field 'file'")


def test_batch_verify_counts_outcomes_in_request_order(api: Api) -> None:
    certificates = issue_via_api(api, 3)
    tampered = copy.deepcopy(certificates[1])
    tampered["data"]["certificate_number"] = "CN2026FAKE"
    response = api.client.post("/certificates/verify/batch", json={"certificates": [certificates[0], tampered,
                                                                                    certificates[2]]})  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["valid"], body["invalid"], body["undecided"]) == (2, 1, 0)
    assert [r["valid"] for r in body["results"]] == [True, False, True]


def test_batch_verify_is_capped(services: Callable[..., Api]) -> None:
    api = services("CN", max_batch_verify=2)
    certificates = issue_via_api(api, 3)
    response = api.client.post("/certificates/verify/batch", json={"certificates": certificates})
    assert_problem(response, 422, "invalid-input", "at most 2 certificates")


def test_status_of_a_certificate_and_its_quantity_drawn(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    wrapped = parse_wrapped(certificate)
    query = {"root": wrapped.proof.root, "leaf": "0x" + wrapped.leaf.hex(), "type": "certificate-of-origin"}
    body = api.client.get("/certificates/status", params=query).json()
    assert (body["status"], body["issuer_member"], body["utilized"]) == ("valid", "CN", None)
    numbered = api.client.get(
        "/certificates/status", params={**query, "number": certificate["data"]["certificate_number"]}
    )
    assert numbered.json()["utilized"] == {"value": "0", "unit": None}  # the ledger keeps no unit
    unknown = api.client.get("/certificates/status", params={**query, "root": "0x" + "12" * 32})
    assert_problem(unknown, 404, "not-found")
    malformed = api.client.get("/certificates/status", params={**query, "leaf": "0x12"})
    assert_problem(malformed, 422, "invalid-request", "leaf")


def test_hide_fields_keeps_the_certificate_valid(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    body = {"certificate": certificate, "fields": ["exporter.address", "items.0.description"]}
    response = api.client.post("/certificates/hide", json=body, headers=api.headers("CN", "trader"))
    assert response.status_code == 200, response.text
    hidden = response.json()
    assert "address" not in hidden["data"]["exporter"]
    assert hidden["hidden"] == sorted(hidden["hidden"])
    assert api.client.post("/certificates/verify", json=hidden).json()["valid"] is True


def test_hide_refuses_unknown_fields_and_altered_certificates(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    headers = api.headers("CN", "trader")
    response = api.client.post("/certificates/hide", json={"certificate": certificate, "fields": ["nope"]},
                               headers=headers)  # fmt: skip
    assert_problem(response, 422, "invalid-input", "no visible field")
    altered = copy.deepcopy(certificate)
    altered["data"]["origin_country"] = "SG"
    response = api.client.post("/certificates/hide", json={"certificate": altered, "fields": ["exporter"]},
                               headers=headers)  # fmt: skip
    assert_problem(response, 422, "invalid-input", "does not verify")


def test_text_with_a_lone_surrogate_is_refused_but_escaped_pairs_are_text(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    text = json.dumps(certificate)
    number = certificate["data"]["certificate_number"]
    lone = text.replace(number, number + "\\ud800", 1)
    for route in ("/certificates/verify", "/certificates/verify/batch"):
        body = lone if route.endswith("verify") else '{"certificates": [' + lone + "]}"
        response = api.client.post(route, content=body, headers={"content-type": "application/json"})
        assert_problem(response, 422, "invalid-json", "lone surrogate", "certificate_number")
    upload = api.client.post("/certificates/verify", files={"file": ("c.json", lone.encode())})
    assert_problem(upload, 422, "invalid-json", "lone surrogate")
    paired = text.replace(number, number + "\\ud83d\\ude00", 1)
    response = api.client.post("/certificates/verify", content=paired, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["fragments"][0]["status"] == "INVALID"  # the number changed: integrity fails


def test_concurrent_verifications_each_get_their_own_verdict(api: Api) -> None:
    certificates = issue_via_api(api, 6)
    tampered = copy.deepcopy(certificates[0])
    tampered["data"]["certificate_number"] = "CN2026FAKE"
    requests = [*certificates, tampered] * 4

    def verify(certificate: dict[str, object]) -> dict[str, object]:
        response = api.client.post("/certificates/verify", json=certificate)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(verify, requests))
    for sent, answer in zip(requests, answers, strict=True):
        wrapped = parse_wrapped(sent)
        assert answer["root"] == wrapped.proof.root
        assert answer["certificate_number"] == sent["data"]["certificate_number"]  # type: ignore[index]
        assert answer["valid"] is (sent is not tampered)
        if sent is not tampered:
            assert answer["leaf"] == "0x" + wrapped.leaf.hex()
            assert answer["remaining"] == {"value": format_quantity(wrapped.proof.quantity), "unit": wrapped.unit}
    reads = api.client.app.state.context.coalesced_reads().reads
    assert 0 < reads <= 24  # the tampered copies need no read
