"""Building blocks shared by the document models: validated codes, quantities, parties."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from ledger.documents.countries import ISO_3166_ALPHA2, UPPER_COUNTRY_PATTERN
from ledger.documents.decimal_text import (
    MAX_QUANTITY_DIGITS,
    MAX_QUANTITY_TEXT,
    MAX_WHOLE_DIGITS,
    POSITIVE_QUANTITY_PATTERN,
    QUANTITY_DECIMALS,
    quantity_problem,
)
from ledger.errors import InvalidInput

QUANTITY_SCALE = 1000
"""Utilization quantities are whole thousandths of the unit (so `1.5 KGM` is 1500)."""


def _check_unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates cannot be hashed the same everywhere
        raise ValueError("text is not valid Unicode (lone surrogate)") from exc
    return value


def _check_country(value: str) -> str:
    if value not in ISO_3166_ALPHA2:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def _format_decimal(value: Decimal) -> str:
    """Fixed notation without trailing zeros, so "10.50", "10.5" and "1.05E+1" hash alike."""
    text = str(value)
    if "E" in text or "e" in text:
        text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


Text = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_check_unicode)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=256), AfterValidator(_check_unicode)]
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    AfterValidator(_check_country),
    Field(
        description="ISO 3166-1 alpha-2 country code (upper case).",
        examples=["CN"],
        json_schema_extra={"pattern": UPPER_COUNTRY_PATTERN},  # the codes themselves, as _check_country reads them
    ),
]
HsCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{6,10}$"),
    Field(description="Harmonized System code, 6 to 10 digits, no dots.", examples=["090111"]),
]
UnitCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9]{2,3}$"),
    Field(description="UN/ECE Recommendation 20 unit code, e.g. KGM, TNE, LTR, C62, MTK."),
]
LocationCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$"),
    Field(description="UN/LOCODE, e.g. CNSHA, SGSIN."),
]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_text(value: object) -> object:
    """A document's date as written: YYYY-MM-DD (RFC 3339's full-date), nothing else; pydantic
    alone would also take a number as seconds since 1970, or a date and time at midnight."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a date: write YYYY-MM-DD, e.g. 2026-11-20")
    if not isinstance(value, str | dt.date) or isinstance(value, dt.datetime):
        raise ValueError("a date is text such as 2026-11-20, not a number")
    return value


Date = Annotated[dt.date, BeforeValidator(_date_text)]
"""A calendar date, written YYYY-MM-DD."""


def _quantity_text(value: object) -> object:
    """A document's quantity as written: an ASCII decimal string, or a JSON integer; a JSON
    float is refused, as its text (1e3 or 1000.0) is gone by the time it is read."""
    if isinstance(value, str):
        problem = quantity_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return Decimal(value)
    if isinstance(value, bool | float):
        raise ValueError(f'{value!r} is not a quantity: write it as a decimal string, e.g. "12.5"')
    return value


Quantity = Annotated[
    Decimal,
    Field(
        gt=0,
        decimal_places=QUANTITY_DECIMALS,
        max_digits=MAX_QUANTITY_DIGITS,
        description="Positive, at most 3 decimals, ASCII digits.",
    ),
    BeforeValidator(_quantity_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": POSITIVE_QUANTITY_PATTERN, "maxLength": MAX_QUANTITY_TEXT},
                {"type": "integer", "minimum": 1, "maximum": 10**MAX_WHOLE_DIGITS - 1},
            ],
            "description": "Positive, at most 3 decimals and 15 digits before the point: an ASCII decimal string "
            '(e.g. "12.5") or a whole number.',
        }
    ),
    PlainSerializer(_format_decimal, return_type=str, when_used="json"),
]


def expiry_not_before_issue(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """Field validator for `expiry_date`: never before `issue_date` (declared earlier)."""
    issued = info.data.get("issue_date")
    if value is not None and isinstance(issued, dt.date) and value < issued:
        raise ValueError(f"expiry date {value} is before the issue date {issued}")
    return value


class Model(BaseModel):
    """Base of every document model: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Model):
    """A postal address (WCO DM: Address; UN/CEFACT: TradeAddress)."""

    line: Text = Field(description="WCO DM: Address.Line; UN/CEFACT: LineOne")
    city: ShortText = Field(description="WCO DM: Address.CityName; UN/CEFACT: CityName")
    postcode: ShortText | None = Field(default=None, description="WCO DM: Address.PostcodeID; UN/CEFACT: PostcodeCode")
    country: CountryCode = Field(description="WCO DM: Address.CountryCode; UN/CEFACT: CountryID")


class Party(Model):
    """A trade party (WCO DM: Exporter/Importer/...; UN/CEFACT: TradeParty)."""

    name: Text = Field(description="WCO DM: <Party>.Name; UN/CEFACT: Name")
    identifier: ShortText | None = Field(
        default=None,
        description="Operator id such as a TIN or AEO number (WCO DM: <Party>.ID; UN/CEFACT: ID)",
    )
    address: Address


class Authority(Model):
    """The authority that issues a certificate (UN/CEFACT: IssuerTradeParty / IssuerSPSParty)."""

    name: Text = Field(description="UN/CEFACT: Name")
    country: CountryCode = Field(description="UN/CEFACT: CountryID of the issuing authority")
    identifier: ShortText | None = Field(default=None, description="UN/CEFACT: ID")


class QuantifiedItem(Model):
    """A goods or commodity line with a quantity in a Rec 20 unit."""

    quantity: Quantity
    unit_code: UnitCode


class Document(Model):
    """A document type sanzhi can anchor; `doc_type` is its registry slug."""

    doc_type: ClassVar[str]
    # Dotted paths of the fields the ledger binds a certificate to: its number (unique per
    # issuing member and type), the countries that must be the issuing member's own, and the
    # importing country, whose customs alone may draw on the certificate.
    number_field: ClassVar[str] = "certificate_number"
    issuing_country_fields: ClassVar[tuple[str, ...]]
    importing_country_field: ClassVar[str]
    items: Sequence[QuantifiedItem]

    @property
    def utilization_quantity(self) -> int:
        """Total quantity of the items in thousandths of their (single, shared) unit."""
        return utilization_of(self.items)


def field_at(data: Any, path: str) -> Any:
    """The value at a dotted path of JSON data, or None where it is absent (or hidden)."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def utilization_of(items: Sequence[QuantifiedItem]) -> int:
    """Sum of the items' quantities in thousandths; InvalidInput when units differ."""
    first_unit = items[0].unit_code
    total = Decimal(0)
    for index, item in enumerate(items):
        if item.unit_code != first_unit:
            raise InvalidInput(
                f"all items must share one unit code to be utilized; item 0 uses "
                f"{first_unit}, this one {item.unit_code}",
                path=f"items.{index}.unit_code",
            )
        total += item.quantity
    return int(total * QUANTITY_SCALE)
