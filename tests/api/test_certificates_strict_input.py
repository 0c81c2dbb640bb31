"""The service reads certificate numbers, quantities, destinations and expiries as the CLI does:
look-alike numbers and non-ASCII quantities refused (422), a full-width number is its ASCII
form, a destination outside the consortium issued with a warning, a past expiry refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import Api, Chain, assert_problem, issue_via_api, sample_documents


def issue(api: Api, documents: list[dict[str, Any]], **options: Any) -> Any:
    return api.client.post(
        "/certificates/issuances", json={"documents": documents, **options}, headers=api.headers("CN", "issuer")
    )


def test_a_lookalike_number_is_refused_naming_the_character(api: Api) -> None:
    [document] = sample_documents(1, seed=41)
    document["certificate_number"] = "\u0421" + document["certificate_number"][1:]
    response = issue(api, [document])
    assert_problem(response, 422, "invalid-input", "U+0421 CYRILLIC CAPITAL LETTER ES")


def test_a_full_width_number_is_its_ascii_form(api: Api) -> None:
    [document] = sample_documents(1, seed=42)
    ascii_number = document["certificate_number"]
    document["certificate_number"] = "".join(chr(ord(c) + 0xFEE0) for c in ascii_number)
    response = issue(api, [document])
    assert response.status_code == 201, response.text
    [certificate] = response.json()["certificates"]
    assert certificate["data"]["certificate_number"] == ascii_number
    proof = certificate["proof"]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in ascii_number)
    for number in (ascii_number, wide):
        status = api.client.get(
            "/certificates/status",
            params={"root": proof["root"], "leaf": _leaf(certificate), "number": number},
        )
        assert status.status_code == 200, status.text
    lookalike = api.client.get(
        "/certificates/status",
        params={"root": proof["root"], "leaf": _leaf(certificate), "number": "\u0421" + ascii_number[1:]},
    )
    assert_problem(lookalike, 422, "invalid-certificate-number", "U+0421")


def _leaf(certificate: dict[str, Any]) -> str:
    from ledger.certificates.wrapped import parse_wrapped

    return "0x" + parse_wrapped(certificate).leaf.hex()


def test_a_destination_outside_the_consortium_is_issued_with_a_warning(api: Api) -> None:
    documents = sample_documents(1, seed=43, destination="MY")
    response = issue(api, documents)
    assert response.status_code == 201, response.text
    [warning] = response.json()["warnings"]
    assert "importing country MY, which is not an active member" in warning
    [certificate] = response.json()["certificates"]
    verified = api.client.post("/certificates/verify", json=certificate)
    assert verified.status_code == 200, verified.text
    assert verified.json()["destined_outside"] is True
    reasons = {f["name"]: f["reason"] for f in verified.json()["fragments"]}
    assert "no member records its utilization" in reasons["UTILIZATION"]


def test_an_issuance_to_members_has_no_warnings(api: Api) -> None:
    response = issue(api, sample_documents(1, seed=44))
    assert response.status_code == 201, response.text
    assert response.json()["warnings"] == []


def test_a_past_expiry_is_refused_in_words(api: Api) -> None:
    response = issue(api, sample_documents(1, seed=45), expires_at="2026-01-01T00:00:00Z")
    assert_problem(response, 422, "expiry-in-past", "the batch expires 2026-01-01 00:00:00 UTC, which is before now")


@pytest.mark.parametrize("quantity", ["1e3", "\u0663", "\uff13", " 1", "1 ", "+1", "1_000"])
def test_utilize_refuses_a_quantity_that_is_not_an_ascii_decimal(
    api: Api, services: Callable[..., Api], quantity: str
) -> None:
    [certificate, _] = issue_via_api(api)
    sg = services("SG")
    body = {"certificate": certificate, "declaration": "SG-IMP-9", "quantity": quantity}
    response = sg.client.post("/certificates/utilize", json=body, headers=sg.headers("SG", "customs"))
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("quantity", ["1e3", "\u0663", " 1"])
def test_a_document_quantity_that_is_not_an_ascii_decimal_is_refused(api: Api, quantity: str) -> None:
    [document] = sample_documents(1, seed=46)
    document["items"][0]["quantity"] = quantity
    assert_problem(issue(api, [document]), 422, "invalid-input", "items.0.quantity", "is not a quantity")


def test_the_audit_index_reads_numbers_the_same_way(chain: Chain, api: Api, tmp_path: Path) -> None:
    from ledger.index.db import open_index
    from ledger.index.follower import Follower
    from ledger.index.issuer_records import import_wrapped
    from ledger.settings import LedgerSettings

    [document] = sample_documents(1, seed=47)
    number = document["certificate_number"]
    issued = issue(api, [document])
    assert issued.status_code == 201, issued.text
    settings = LedgerSettings(data_dir=chain.data_dir, rpc_url=chain.rpc_url, database_url=str(api.keys.engine.url))
    Follower(client=chain.client(), engine=open_index(settings)).catch_up()
    (tmp_path / "co.json").write_text(json.dumps(issued.json()["certificates"][0], ensure_ascii=False))
    assert import_wrapped(engine=open_index(settings), paths=[tmp_path / "co.json"]).recorded == 1
    auditor = api.headers("CN", "auditor")
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number)
    for spelled in (number, number.lower(), wide):
        found = api.client.get("/audit/certificates/history", params={"number": spelled}, headers=auditor)
        assert found.status_code == 200, found.text
        assert [e["event"] for e in found.json()["items"]] == ["CertificatesIssued"]
    lookalike = api.client.get(
        "/audit/certificates/history", params={"number": number[:-1] + "\u200b" + number[-1]}, headers=auditor
    )
    assert_problem(lookalike, 422, "invalid-certificate-number", "U+200B ZERO WIDTH SPACE")
