"""What a wrapped certificate says (ledger.certificates.document_view): both document types under
one vocabulary, quantities as the document states them, hidden fields marked where they were."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ledger.certificates.document_view import (
    HIDDEN,
    CertificateOfOriginView,
    Hidden,
    PhytosanitaryView,
    document_view,
)
from ledger.certificates.quantities import UnitQuantity, format_quantity, parse_quantity
from ledger.certificates.wrapped import (
    WrappedCertificate,
    check_integrity,
    hide,
    parse_certificate_data,
    wrap_documents,
)
from ledger.documents.samples import generate_samples
from ledger.errors import InvalidInput, NotIssued
from tests.support import CHAIN_ID, ISSUER, REGISTRY_ADDRESS, certificate_of_origin, co_data

TODAY = dt.date(2026, 12, 1)


def _wrapped(document: Any) -> WrappedCertificate:
    [batch] = wrap_documents([document], issuer=ISSUER, registry=REGISTRY_ADDRESS, chain_id=CHAIN_ID, batch_size=10)
    return batch.certificates[0]


def _phyto() -> WrappedCertificate:
    [document] = generate_samples("phytosanitary-certificate", 1, 5, today=TODAY, origin="CN", destination="SG")
    return _wrapped(document)


def _view(wrapped: WrappedCertificate) -> Any:
    assert check_integrity(wrapped).valid  # only a certificate that still verifies is worth reading
    view = document_view(wrapped.type, wrapped.data)
    assert view is not None
    return view


def test_a_certificate_of_origin_reads_as_its_parties_route_goods_and_dates() -> None:
    view = _view(_wrapped(certificate_of_origin()))
    assert isinstance(view, CertificateOfOriginView)
    assert view.type == "certificate-of-origin"
    assert view.certificate_number == "CN2026RCEP00000001"
    assert view.exporter.name == "广东华美进出口有限公司"
    assert view.consignee.name == "บริษัท สยามอะกริฟู้ด จำกัด"
    assert (view.origin.code, view.origin.name) == ("CN", "China")
    assert (view.destination.code, view.destination.name) == ("TH", "Thailand")
    assert [(g.hs_code, g.quantity, g.unit) for g in view.goods] == [
        ("090111", "12.5", "KGM"),
        ("0901210000", "0.125", "KGM"),
    ]
    assert (view.invoice.number, view.invoice.date) == ("INV-001", dt.date(2026, 1, 2))
    assert (view.issue_date, view.expiry_date) == (dt.date(2026, 1, 3), dt.date(2027, 1, 3))
    assert view.issuer.name == "中华人民共和国海关总署"
    assert view.producer is not None
    assert view.producer.name == "شركة الخليج للتجارة"


def test_a_large_quantity_is_a_plain_decimal_string_with_its_unit() -> None:
    data = co_data()
    data["items"] = [{**data["items"][0], "quantity": "112679.765", "unit_code": "LTR"}]
    body = json.loads(_view(_wrapped(certificate_of_origin(items=data["items"]))).model_dump_json())
    assert (body["goods"][0]["quantity"], body["goods"][0]["unit"]) == ("112679.765", "LTR")


def test_a_phytosanitary_certificate_uses_the_same_names() -> None:
    wrapped = _phyto()
    view = _view(wrapped)
    assert isinstance(view, PhytosanitaryView)
    assert view.exporter.name == wrapped.data["consignor"]["name"]
    assert view.consignee.name == wrapped.data["consignee"]["name"]
    assert (view.origin.code, view.destination.code) == ("CN", "SG")
    assert view.destination.name == "Singapore"
    assert [g.botanical_name for g in view.goods] == [i["botanical_name"] for i in wrapped.data["items"]]
    assert [g.quantity for g in view.goods] == [i["quantity"] for i in wrapped.data["items"]]
    assert view.goods[0].place_of_origin.country.code == "CN"


def test_hidden_fields_are_marked_in_place_at_every_depth() -> None:
    wrapped = hide(
        _wrapped(certificate_of_origin()),
        ["importer", "exporter.address.city", "items.1.quantity", "invoice.date", "expiry_date"],
    )
    view = _view(wrapped)
    assert view.consignee == HIDDEN  # a whole party
    assert view.exporter.address.city == HIDDEN  # three levels down
    assert view.exporter.address.line == "天河区华夏路8号"
    assert view.goods[1].quantity == HIDDEN  # one field of a goods line
    assert view.goods[1].hs_code == "0901210000"
    assert (view.invoice.number, view.invoice.date) == ("INV-001", HIDDEN)
    assert view.expiry_date == HIDDEN
    body = json.loads(view.model_dump_json())
    assert body["consignee"] == {"hidden": True}
    assert body["goods"][1]["quantity"] == {"hidden": True}
    assert body["exporter"]["address"]["city"] == {"hidden": True}
    assert "hidden_fields" not in body


def test_a_hidden_goods_line_keeps_its_place_and_hidden_lists_are_hidden_whole() -> None:
    certificate = _wrapped(certificate_of_origin())
    view = _view(hide(certificate, ["items.0"]))
    assert view.goods[0] == HIDDEN
    assert view.goods[1].hs_code == "0901210000"
    assert _view(hide(certificate, ["items"])).goods == HIDDEN
    phyto = _view(hide(_phyto(), ["consignor", "items.0.place_of_origin.country"]))
    assert phyto.exporter == HIDDEN
    assert phyto.goods[0].place_of_origin.country == HIDDEN


def test_an_absent_optional_field_is_null_not_hidden() -> None:
    view = _view(_wrapped(certificate_of_origin(remarks=None, producer=None)))
    assert view.remarks is None
    assert view.producer is None
    assert not isinstance(view.issuer.identifier, Hidden)


def test_a_view_of_the_json_answer_reads_back_as_the_same_view() -> None:
    view = _view(hide(_wrapped(certificate_of_origin()), ["importer", "items.0"]))
    assert CertificateOfOriginView.model_validate_json(view.model_dump_json()) == view


def test_data_that_is_no_document_of_its_type_has_no_view() -> None:
    assert document_view("certificate-of-origin", {"exporter": "not a party"}) is None
    assert document_view("bill-of-lading", dict(co_data())) is None


def test_a_plain_document_is_named_as_not_issued() -> None:
    with pytest.raises(NotIssued) as caught:
        parse_certificate_data(co_data(), source="sample.json")
    assert caught.value.message.startswith("sample.json is a certificate of origin that has not been issued")
    phyto = _phyto()
    with pytest.raises(NotIssued, match="phytosanitary certificate"):
        parse_certificate_data(phyto.to_document().model_dump(mode="json"), source="p.json")
    with pytest.raises(InvalidInput) as other:  # anything else keeps its own error
        parse_certificate_data({**co_data(), "items": []}, source="broken.json")
    assert not isinstance(other.value, NotIssued)


@pytest.mark.parametrize("thousandths", [1, 999, 1000, 12_500, 70_392_469, 10_750_000_000, 123_456_789_012_345])
def test_format_quantity_reads_back_with_parse_quantity(thousandths: int) -> None:
    text = format_quantity(thousandths)
    assert "," not in text
    assert "E" not in text
    assert parse_quantity(text) == thousandths


def test_a_quantity_reads_with_its_unit_exactly_whatever_its_size() -> None:
    huge = 2**256 - 1  # the largest leaf quantity: digits, not a Decimal rounded to its context
    assert str(UnitQuantity.of(huge, "KGM")) == f"{str(huge)[:-3]}.{str(huge)[-3:]} KGM"
    assert str(UnitQuantity.of(12_500, None)) == "12.5"  # no unit known: the number alone
