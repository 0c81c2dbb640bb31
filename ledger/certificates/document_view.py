"""What a wrapped certificate says, as people read it: parties, route, goods lines and dates of
either document type under one vocabulary, and every field the holder hid marked where it was.

A field is hidden exactly when its key is absent from the certificate's data: a document is
wrapped with every field of its schema present (optional ones as null), and a field can only be
taken out by hiding it, which keeps its hash in the document hash. So the view never relies on the
paths a holder names in `hidden`; a hidden list element is the null its slot keeps.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeAlias, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ledger.documents.countries import country_name
from ledger.ids import CertificateType

T = TypeVar("T")


class Hidden(BaseModel):
    """A field the holder hid: its hash still counts in the certificate, its value is not shown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hidden: Literal[True] = True


HIDDEN = Hidden()
# left to right: the value's own type first, so a shown value costs one validation, not one per member
Shown: TypeAlias = Annotated[T | Hidden, Field(union_mode="left_to_right")]


def _slot(value: Any) -> Any:
    """A list element the holder hid entirely is kept as null in its slot."""
    return HIDDEN if value is None else value


Slot: TypeAlias = Annotated[T | Hidden, Field(union_mode="left_to_right"), BeforeValidator(_slot)]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CountryView(_View):
    """A country by its ISO 3166-1 code and its English name (CLDR)."""

    code: str
    name: str


def _country(value: Any) -> Any:
    return {"code": value, "name": country_name(value)} if isinstance(value, str) else value


Country = Annotated[CountryView, BeforeValidator(_country)]


class AddressView(_View):
    line: Shown[str] = HIDDEN
    city: Shown[str] = HIDDEN
    postcode: Shown[str | None] = HIDDEN
    country: Shown[Country] = HIDDEN


class PartyView(_View):
    """A trade party: exporter, consignee, producer."""

    name: Shown[str] = HIDDEN
    identifier: Shown[str | None] = HIDDEN
    address: Shown[AddressView] = HIDDEN


class AuthorityView(_View):
    """The authority that issued the document."""

    name: Shown[str] = HIDDEN
    country: Shown[Country] = HIDDEN
    identifier: Shown[str | None] = HIDDEN


class InvoiceView(_View):
    number: Shown[str] = HIDDEN
    date: Shown[dt.date] = HIDDEN


class _GoodsLine(_View):
    """What every goods line has: HS code, description, and a quantity (a decimal string as the
    document states it, e.g. "112679.765") in its UN/ECE Rec 20 unit (e.g. "LTR")."""

    hs_code: Shown[str | None] = HIDDEN
    description: Shown[str] = HIDDEN
    quantity: Shown[str] = HIDDEN
    unit: Shown[str] = Field(HIDDEN, validation_alias="unit_code")


class OriginGoodsLine(_GoodsLine):
    origin_criterion: Shown[str] = HIDDEN
    marks: Shown[str | None] = HIDDEN


class PlaceOfOriginView(_View):
    country: Shown[Country] = HIDDEN
    region: Shown[str | None] = HIDDEN


class CommodityLine(_GoodsLine):
    botanical_name: Shown[str] = HIDDEN
    common_name: Shown[str | None] = HIDDEN
    place_of_origin: Shown[PlaceOfOriginView] = HIDDEN
    packages: Shown[str | None] = HIDDEN


class TransportView(_View):
    mode_code: Shown[int] = HIDDEN
    conveyance_name: Shown[str | None] = HIDDEN
    conveyance_reference: Shown[str | None] = HIDDEN
    departure_date: Shown[dt.date | None] = HIDDEN
    loading_location: Shown[str] = HIDDEN
    discharge_location: Shown[str] = HIDDEN


class ConveyanceView(_View):
    mode_code: Shown[int] = HIDDEN
    name: Shown[str | None] = HIDDEN


class TreatmentView(_View):
    type: Shown[str] = HIDDEN
    chemical: Shown[str | None] = HIDDEN
    concentration: Shown[str | None] = HIDDEN
    duration: Shown[str | None] = HIDDEN
    temperature: Shown[str | None] = HIDDEN
    date: Shown[dt.date | None] = HIDDEN


class _DocumentView(_View):
    """What both document types say, by the same names."""

    type: CertificateType
    certificate_number: Shown[str] = HIDDEN
    issuer: Shown[AuthorityView] = Field(HIDDEN, validation_alias="issuing_authority")
    exporter: Shown[PartyView] = HIDDEN
    consignee: Shown[PartyView] = HIDDEN
    origin: Shown[Country] = HIDDEN
    destination: Shown[Country] = HIDDEN
    issue_date: Shown[dt.date] = HIDDEN
    expiry_date: Shown[dt.date | None] = HIDDEN


class CertificateOfOriginView(_DocumentView):
    """A certificate of origin: exporter and consignee are its exporter and importer."""

    type: Literal[CertificateType.CERTIFICATE_OF_ORIGIN]
    trade_agreement: Shown[str] = HIDDEN
    consignee: Shown[PartyView] = Field(HIDDEN, validation_alias="importer")
    producer: Shown[PartyView | None] = HIDDEN
    origin: Shown[Country] = Field(HIDDEN, validation_alias="origin_country")
    destination: Shown[Country] = Field(HIDDEN, validation_alias="destination_country")
    transport: Shown[TransportView] = HIDDEN
    goods: Shown[list[Slot[OriginGoodsLine]]] = Field(HIDDEN, validation_alias="items")
    invoice: Shown[InvoiceView] = HIDDEN
    remarks: Shown[str | None] = HIDDEN


class PhytosanitaryView(_DocumentView):
    """A phytosanitary certificate: exporter and consignee are its consignor and consignee."""

    type: Literal[CertificateType.PHYTOSANITARY_CERTIFICATE]
    exporter: Shown[PartyView] = Field(HIDDEN, validation_alias="consignor")
    origin: Shown[Country] = Field(HIDDEN, validation_alias="export_country")
    destination: Shown[Country] = Field(HIDDEN, validation_alias="import_country")
    point_of_entry: Shown[str] = HIDDEN
    conveyance: Shown[ConveyanceView] = Field(HIDDEN, validation_alias="declared_means_of_conveyance")
    distinguishing_marks: Shown[str | None] = HIDDEN
    goods: Shown[list[Slot[CommodityLine]]] = Field(HIDDEN, validation_alias="items")
    treatments: Shown[list[Slot[TreatmentView]]] = HIDDEN
    additional_declaration: Shown[str | None] = HIDDEN
    inspection_date: Shown[dt.date] = HIDDEN
    place_of_issue: Shown[str] = HIDDEN
    authorized_officer: Shown[str] = HIDDEN


DocumentView = Annotated[CertificateOfOriginView | PhytosanitaryView, Field(discriminator="type")]
_VIEWS: dict[str, type[CertificateOfOriginView] | type[PhytosanitaryView]] = {
    CertificateType.CERTIFICATE_OF_ORIGIN: CertificateOfOriginView,
    CertificateType.PHYTOSANITARY_CERTIFICATE: PhytosanitaryView,
}


def document_view(doc_type: str, data: dict[str, Any]) -> CertificateOfOriginView | PhytosanitaryView | None:
    """The view of a certificate's (possibly partly hidden) data, or None when the type is unknown
    or the data is not a document of its type (then its integrity check says why)."""
    model = _VIEWS.get(doc_type)
    if model is None:
        return None
    try:
        return model.model_validate({**data, "type": doc_type})
    except ValidationError:
        return None
