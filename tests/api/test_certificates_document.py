"""The verify answers say what the certificate says (`document`, hidden fields in place), give
quantities as decimal strings with their unit, and name a document that was never issued."""

from __future__ import annotations

import json

from ledger.certificates.quantities import format_quantity
from ledger.certificates.wrapped import parse_wrapped
from tests.support import Api, assert_problem, issue_via_api, sample_documents


def test_verify_answers_with_the_document(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    data = certificate["data"]
    body = api.client.post("/certificates/verify", json=certificate).json()
    document = body["document"]
    assert document["type"] == "certificate-of-origin"
    assert document["certificate_number"] == data["certificate_number"]
    assert document["exporter"]["name"] == data["exporter"]["name"]
    assert document["consignee"]["name"] == data["importer"]["name"]
    assert document["origin"] == {"code": "CN", "name": "China"}
    assert document["destination"] == {"code": "SG", "name": "Singapore"}
    assert [(g["hs_code"], g["quantity"], g["unit"]) for g in document["goods"]] == [
        (i["hs_code"], i["quantity"], i["unit_code"]) for i in data["items"]
    ]
    assert document["invoice"] == data["invoice"]
    assert (document["issue_date"], document["expiry_date"]) == (data["issue_date"], data["expiry_date"])
    unit = data["items"][0]["unit_code"]
    issued_for = format_quantity(parse_wrapped(certificate).proof.quantity)
    assert body["quantity"] == {"value": issued_for, "unit": unit}
    assert body["remaining"] == {"value": issued_for, "unit": unit}


def test_hidden_fields_are_hidden_in_place_in_the_answer(api: Api) -> None:
    [certificate, _] = issue_via_api(api)
    hide = {"certificate": certificate, "fields": ["importer", "items.0.quantity", "exporter.address.city"]}
    hidden = api.client.post("/certificates/hide", json=hide, headers=api.headers("CN", "trader")).json()
    body = api.client.post("/certificates/verify", json=hidden).json()
    assert body["valid"] is True
    document = body["document"]
    assert document["consignee"] == {"hidden": True}
    assert document["goods"][0]["quantity"] == {"hidden": True}
    assert document["goods"][0]["unit"] == certificate["data"]["items"][0]["unit_code"]
    assert document["exporter"]["address"]["city"] == {"hidden": True}
    assert document["exporter"]["address"]["line"] == certificate["data"]["exporter"]["address"]["line"]


def test_batch_answers_carry_each_document(api: Api) -> None:
    certificates = issue_via_api(api, 3)
    body = api.client.post("/certificates/verify/batch", json={"certificates": certificates}).json()
    numbers = [r["document"]["certificate_number"] for r in body["results"]]
    assert numbers == [c["data"]["certificate_number"] for c in certificates]


def test_a_document_never_issued_is_one_422_of_its_own(api: Api) -> None:
    [document] = sample_documents(1)
    answer = api.client.post("/certificates/verify", json=document)
    problem = assert_problem(answer, 422, "not-issued", "the request body is a certificate of origin")
    assert "errors" not in problem
    upload = {"file": ("sample.json", json.dumps(document).encode(), "application/json")}
    assert_problem(
        api.client.post("/certificates/verify", files=upload), 422, "not-issued", "sample.json is a certificate"
    )
    [certificate] = issue_via_api(api, 1)
    batch = api.client.post("/certificates/verify/batch", json={"certificates": [certificate, document]})
    assert_problem(batch, 422, "not-issued", "certificates.1 is a certificate of origin that has not been issued")
    # anything else keeps its own error
    assert_problem(api.client.post("/certificates/verify", json={**document, "items": []}), 422, "invalid-document")
