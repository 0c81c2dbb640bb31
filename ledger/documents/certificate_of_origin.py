"""Certificate of origin for preferential trade (RCEP, ACFTA Form E, ...).

Field descriptions name the WCO Data Model and UN/CEFACT (eCert / CII) equivalents.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field, field_validator

from ledger.documents.certificate_numbers import CertificateNumber
from ledger.documents.common import (
    Authority,
    CountryCode,
    Date,
    Document,
    HsCode,
    LocationCode,
    Model,
    Party,
    QuantifiedItem,
    ShortText,
    Text,
    expiry_not_before_issue,
)
from ledger.json_types import JsonInteger


class TradeAgreement(StrEnum):
    """Agreements whose certificates of origin sanzhi anchors."""

    RCEP = "RCEP"
    ACFTA_FORM_E = "ACFTA-FORM-E"
    ATIGA_FORM_D = "ATIGA-FORM-D"
    AANZFTA = "AANZFTA"
    AKFTA_FORM_AK = "AKFTA-FORM-AK"
    CPTPP = "CPTPP"
    CHAFTA = "CHAFTA"
    NON_PREFERENTIAL = "NON-PREFERENTIAL"


class Transport(Model):
    """How and by what route the goods travel (WCO DM: BorderTransportMeans, Loading/Unloading)."""

    mode_code: JsonInteger = Field(
        ge=0,
        le=9,
        description="UN/ECE Rec 19 mode (1 sea, 2 rail, 3 road, 4 air, ...); WCO DM: BorderTransportMeans.ModeCode",
    )
    conveyance_name: ShortText | None = Field(
        default=None, description="Vessel or flight name; WCO DM: BorderTransportMeans.Name"
    )
    conveyance_reference: ShortText | None = Field(
        default=None,
        description="Voyage or flight number; WCO DM: BorderTransportMeans.JourneyID",
    )
    departure_date: Date | None = Field(default=None, description="WCO DM: BorderTransportMeans.DepartureDateTime")
    loading_location: LocationCode = Field(description="WCO DM: LoadingLocation.ID (UN/LOCODE)")
    discharge_location: LocationCode = Field(description="WCO DM: UnloadingLocation.ID (UN/LOCODE)")


class OriginGoodsItem(QuantifiedItem):
    """One line of originating goods (WCO DM: GovernmentAgencyGoodsItem)."""

    hs_code: HsCode = Field(description="WCO DM: Classification.ID (HS); UN/CEFACT: ID")
    description: Text = Field(description="WCO DM: Commodity.Description; UN/CEFACT: TradeProduct.Description")
    origin_criterion: ShortText = Field(
        description="Origin conferring criterion, e.g. WO, PE, CTH, RVC40; UN/CEFACT: OriginCriteriaCode"
    )
    marks: ShortText | None = Field(
        default=None, description="Marks and numbers on packages; WCO DM: Packaging.MarksNumbersID"
    )


class InvoiceReference(Model):
    """The commercial invoice the certificate refers to (WCO DM: InvoiceID / AdditionalDocument)."""

    number: ShortText = Field(description="WCO DM: Invoice.ID")
    date: Date = Field(description="WCO DM: Invoice.IssueDateTime")


class CertificateOfOrigin(Document):
    """A certificate of origin under a trade agreement."""

    doc_type: ClassVar[str] = "certificate-of-origin"
    issuing_country_fields: ClassVar[tuple[str, ...]] = ("issuing_authority.country", "exporter.address.country")
    importing_country_field: ClassVar[str] = "destination_country"

    certificate_number: CertificateNumber = Field(
        description="WCO DM: AdditionalDocument.ID; UN/CEFACT: ExchangedDocument.ID"
    )
    trade_agreement: TradeAgreement = Field(
        description="Agreement under which origin is certified; UN/CEFACT: TradeAgreement.ID"
    )
    exporter: Party = Field(description="WCO DM: Exporter; UN/CEFACT: ExporterTradeParty")
    producer: Party | None = Field(default=None, description="WCO DM: Manufacturer; UN/CEFACT: ManufacturerTradeParty")
    importer: Party = Field(
        description="Importer or consignee; WCO DM: Importer / Consignee; UN/CEFACT: ImporterTradeParty"
    )
    origin_country: CountryCode = Field(description="WCO DM: Origin.CountryCode; UN/CEFACT: OriginTradeCountry")
    destination_country: CountryCode = Field(
        description="WCO DM: Destination.CountryCode; UN/CEFACT: DestinationTradeCountry"
    )
    transport: Transport
    items: list[OriginGoodsItem] = Field(min_length=1, max_length=999)
    invoice: InvoiceReference
    issuing_authority: Authority = Field(description="UN/CEFACT: IssuerTradeParty")
    issue_date: Date = Field(description="UN/CEFACT: ExchangedDocument.IssueDateTime")
    expiry_date: Date | None = Field(default=None, description="Last day the certificate may be claimed")
    remarks: Text | None = Field(default=None, description="UN/CEFACT: IncludedNote")

    _expiry_after_issue = field_validator("expiry_date")(expiry_not_before_issue)
