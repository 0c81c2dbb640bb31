"""Shared test data for the document-layer tests (a module, not a conftest: others own that)."""

from __future__ import annotations

import copy
from typing import Any

from ledger.documents import Document, parse_document

ISSUER_ADDRESS = "0x" + "11" * 20
REGISTRY_ADDRESS = "0x" + "22" * 20
CHAIN_ID = 31337

CO_DATA: dict[str, Any] = {
    "certificate_number": "CN2026RCEP00000001",
    "trade_agreement": "RCEP",
    "exporter": {
        "name": "广东华美进出口有限公司",
        "identifier": "CN9144010012345678",
        "address": {"line": "天河区华夏路8号", "city": "广州", "postcode": "510623", "country": "CN"},
    },
    "importer": {
        "name": "บริษัท สยามอะกริฟู้ด จำกัด",
        "address": {"line": "99 ถนนสุขุมวิท", "city": "กรุงเทพมหานคร", "country": "TH"},
    },
    "producer": {
        "name": "شركة الخليج للتجارة",
        "address": {"line": "شارع الشيخ زايد", "city": "دبي", "country": "AE"},
    },
    "origin_country": "CN",
    "destination_country": "TH",
    "transport": {
        "mode_code": 1,
        "conveyance_name": "COSCO SHIPPING ARIES",
        "conveyance_reference": "024E",
        "loading_location": "CNCAN",
        "discharge_location": "THBKK",
    },
    "items": [
        {
            "hs_code": "090111",
            "description": 'Coffee beans "grade A" / 咖啡豆\n',
            "quantity": "12.50",
            "unit_code": "KGM",
            "origin_criterion": "WO",
        },
        {
            "hs_code": "0901210000",
            "description": "Roasted coffee",
            "quantity": "0.125",
            "unit_code": "KGM",
            "origin_criterion": "RVC40",
        },
    ],
    "invoice": {"number": "INV-001", "date": "2026-01-02"},
    "issuing_authority": {"name": "中华人民共和国海关总署", "country": "CN"},
    "issue_date": "2026-01-03",
    "expiry_date": "2027-01-03",
}


def co_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CO_DATA)
    data.update(changes)
    return data


def certificate_of_origin(**changes: Any) -> Document:
    return parse_document("certificate-of-origin", co_data(**changes))


def fixed_salts(n: int) -> bytes:
    """Deterministic 'random' bytes for known-answer vectors."""
    return bytes(i % 251 for i in range(n))
