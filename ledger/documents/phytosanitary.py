"""Phytosanitary certificate, named after the UN/CEFACT SPS certificate (ePhyto) schema."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from ledger.documents.certificate_numbers import CertificateNumber
from ledger.documents.common import (
    Authority,
    CountryCode,
    Date,
    Document,
    HsCode,
    Model,
    Party,
    QuantifiedItem,
    ShortText,
    Text,
    expiry_not_before_issue,
)
from ledger.json_types import JsonInteger


class MeansOfConveyance(Model):
    """Declared means of conveyance (SPS: MainCarriageSPSTransportMovement)."""

    mode_code: JsonInteger = Field(ge=0, le=9, description="UN/ECE Rec 19 mode; SPS: ModeCode")
    name: ShortText | None = Field(default=None, description="Vessel or flight; SPS: UsedSPSTransportMeans.Name")


class PlaceOfOrigin(Model):
    """Where the commodity was grown (SPS: OriginSPSCountry / OriginSPSLocation)."""

    country: CountryCode = Field(description="SPS: OriginSPSCountry.ID")
    region: ShortText | None = Field(default=None, description="SPS: OriginSPSLocation.Name")


class Treatment(Model):
    """Disinfestation or disinfection treatment (SPS: AppliedSPSProcess)."""

    type: ShortText = Field(description="e.g. fumigation, heat, cold; SPS: TypeCode")
    chemical: ShortText | None = Field(
        default=None, description="Active ingredient; SPS: ApplicableSPSProcessCharacteristic"
    )
    concentration: ShortText | None = Field(default=None, description="e.g. 48 g/m3")
    duration: ShortText | None = Field(default=None, description="e.g. 24 h")
    temperature: ShortText | None = Field(default=None, description="e.g. 1.1 C")
    date: Date | None = Field(default=None, description="SPS: CompletionSPSPeriod")


class CommodityItem(QuantifiedItem):
    """One plant or plant product line (SPS: IncludedSPSTradeLineItem)."""

    botanical_name: ShortText = Field(description="SPS: ScientificName")
    common_name: ShortText | None = Field(default=None, description="SPS: CommonName")
    description: Text = Field(description="SPS: Description")
    hs_code: HsCode | None = Field(default=None, description="SPS: ApplicableSPSClassification (HS)")
    place_of_origin: PlaceOfOrigin
    packages: ShortText | None = Field(
        default=None,
        description="Number and kind of packages; SPS: PhysicalSPSPackage",
    )


class PhytosanitaryCertificate(Document):
    """A phytosanitary certificate for export (IPPC model, ePhyto)."""

    doc_type: ClassVar[str] = "phytosanitary-certificate"
    issuing_country_fields: ClassVar[tuple[str, ...]] = ("issuing_authority.country", "export_country")
    importing_country_field: ClassVar[str] = "import_country"

    certificate_number: CertificateNumber = Field(description="SPS: SPSExchangedDocument.ID")
    issuing_authority: Authority = Field(description="National plant protection organization; SPS: IssuerSPSParty")
    consignor: Party = Field(description="SPS: ConsignorSPSParty")
    consignee: Party = Field(description="SPS: ConsigneeSPSParty")
    export_country: CountryCode = Field(description="SPS: ExportSPSCountry")
    import_country: CountryCode = Field(description="SPS: ImportSPSCountry")
    point_of_entry: ShortText = Field(description="Declared point of entry; SPS: UnloadingBaseportSPSLocation")
    declared_means_of_conveyance: MeansOfConveyance
    distinguishing_marks: ShortText | None = Field(default=None, description="SPS: PhysicalSPSShippingMarks")
    items: list[CommodityItem] = Field(min_length=1, max_length=999)
    treatments: list[Treatment] = Field(default_factory=list, max_length=20)
    additional_declaration: Text | None = Field(
        default=None, description="SPS: IncludedSPSNote (subject: additional declaration)"
    )
    inspection_date: Date = Field(description="SPS: ExaminationSPSEvent.OccurrenceDateTime")
    place_of_issue: ShortText = Field(description="SPS: IssueSPSLocation.Name")
    authorized_officer: ShortText = Field(description="SPS: SignatorySPSAuthentication.ProviderSPSParty.Name")
    issue_date: Date = Field(description="SPS: SPSExchangedDocument.IssueDateTime")
    expiry_date: Date | None = Field(default=None, description="Validity end, if any")

    _expiry_after_issue = field_validator("expiry_date")(expiry_not_before_issue)
