"""The OpenAPI document states the patterns the service's parsers enforce: every text a stated
pattern admits, the parser behind it accepts (a schema-valid request is never refused for its
spelling), and the document carries those very patterns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from api.main import create_app
from api.party import CONSIGNMENT_ID_PATTERN, parse_consignment_id
from api.schemas.common import Duration
from ledger.aeo.codes import (
    OPERATOR_PATTERN,
    TIER_PATTERN,
    TIERS_PATTERN,
    canonical_operator_id,
    parse_reason,
    parse_tier,
    parse_tiers,
)
from ledger.alerts.models import (
    HS_PREFIX_PATTERN,
    LOCODE_PATTERN,
    OPERATOR_CODE_PATTERN,
    hs_prefix,
    locode,
    operator_code,
)
from ledger.consortium.display_name import DISPLAY_NAME_PATTERN, checked_name
from ledger.documents.certificate_numbers import NUMBER_PATTERN, parse_certificate_number
from ledger.documents.countries import COUNTRY_PATTERN, ISO_3166_ALPHA2
from ledger.errors import InvalidDisplayName, InvalidInput
from ledger.evidence.consignment import UCR_PATTERN, canonical_ucr, ucr_pattern
from ledger.evidence.service import VOID_REASON_PATTERN, void_reason
from ledger.ids import MEMBER_ID_PATTERN, member_id_bytes
from ledger.index.audit import EVENT_NAME_PATTERN, AuditFilter
from ledger.reasons import REASON_PATTERN
from ledger.settings import LedgerSettings
from ledger.store.cid import CIDV1_PATTERN, ContentId
from ledger.webhooks.targets import URL_PATTERN, check_new_target

PARSERS: list[tuple[str, str, Callable[[str], Any]]] = [
    ("ucr", UCR_PATTERN, canonical_ucr),
    ("ucr in a path", ucr_pattern(slash=False, spaces=False), canonical_ucr),
    ("operator", OPERATOR_PATTERN, canonical_operator_id),
    ("tier", TIER_PATTERN, parse_tier),
    ("tiers", TIERS_PATTERN, parse_tiers),
    ("void reason", VOID_REASON_PATTERN, void_reason),
    ("consignment id", CONSIGNMENT_ID_PATTERN, parse_consignment_id),
    ("country", COUNTRY_PATTERN, lambda text: _country(text)),
    ("member id", MEMBER_ID_PATTERN, member_id_bytes),
    ("HS code", HS_PREFIX_PATTERN, hs_prefix),
    ("UN/LOCODE", LOCODE_PATTERN, locode),
    ("pseudonymous operator", OPERATOR_CODE_PATTERN, operator_code),
    ("CIDv1", CIDV1_PATTERN, ContentId.parse),
    ("event name", EVENT_NAME_PATTERN, lambda text: AuditFilter(event=[text])),
    ("certificate number", NUMBER_PATTERN, parse_certificate_number),
    ("AEO reason", REASON_PATTERN, parse_reason),
    ("display name", DISPLAY_NAME_PATTERN, lambda text: _display_name(text)),
    ("webhook URL", URL_PATTERN, lambda text: check_new_target(text, production=False)),
]


def _display_name(text: str) -> None:
    """checked_name, but for what its pattern says it does not state: unassigned code points and
    the 64-byte bound of the name's UTF-8."""
    try:
        checked_name(text)
    except InvalidDisplayName:
        name = unicodedata.normalize("NFC", text).strip()
        if len(name.encode()) <= 64 and all(unicodedata.category(c) != "Cn" for c in name):
            raise


def _country(text: str) -> str:
    # as the consignment routes read a destination (ledger.evidence.service.open_consignment)
    if text.strip().upper() not in ISO_3166_ALPHA2:
        raise InvalidInput(f"{text!r} is not a country", path="destination")
    return text


@pytest.mark.parametrize(("name", "pattern", "parse"), PARSERS, ids=[name for name, _, _ in PARSERS])
def test_the_parser_accepts_what_the_pattern_admits(name: str, pattern: str, parse: Callable[[str], Any]) -> None:
    @settings(max_examples=100, derandomize=True, deadline=None)
    @given(st.from_regex(pattern, fullmatch=True))
    def accepted(text: str) -> None:
        parse(text)

    accepted()


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        (
            UCR_PATTERN,
            ["6AA913100-INV1", "6cn", "6CN9" + "1" * 32, "6CN9 1", "6CN9é1"],
        ),  # no country, short, long, space
        (ucr_pattern(slash=False, spaces=False), ["6CN913100/INV1", " 6CN913100-INV1"]),
        (OPERATOR_PATTERN, ["", "-USCI:1", "USCI:1!", "0" * 129]),
        (TIER_PATTERN, ["0", "16", "expert", "1 1"]),
        (TIERS_PATTERN, ["", ",", "1;2", "general advanced"]),
        (VOID_REASON_PATTERN, ["", "  ", "é", "x" * 33, "a\x1fé"]),
        (CONSIGNMENT_ID_PATTERN, ["0x" + "0" * 63, "0x" + "g" * 64]),
        (COUNTRY_PATTERN, ["XX", "C", "CNN"]),
        (MEMBER_ID_PATTERN, ["", "-CN", "C N"]),
        (HS_PREFIX_PATTERN, ["0", "030", "03061"]),
        (LOCODE_PATTERN, ["CNSH1", "CNSHAA"]),
        (CIDV1_PATTERN, ["b" + "a" * 58, "bafkreih777777777777777777777777777777777777777777777777777"]),
        (EVENT_NAME_PATTERN, ["", "NoSuchEvent"]),
        (URL_PATTERN, ["http://a@b/", "http://b/#x", "http://b:0/", "http://b:65536/", "http://b:/", "http://b/ c"]),
    ],
)
def test_the_patterns_refuse_what_the_parsers_refuse(pattern: str, refused: list[str]) -> None:
    for text in refused:
        assert not re.fullmatch(pattern, text), text


def test_the_document_states_them() -> None:
    document = str(create_app(LedgerSettings()).openapi())
    for name, pattern, _ in PARSERS:
        assert repr(pattern)[1:-1] in document or pattern in document, name


def test_a_duration_in_seconds_may_be_written_as_a_json_number_without_fraction() -> None:
    reader = TypeAdapter(Duration)
    assert reader.validate_python(258.0) == timedelta(seconds=258)
    with pytest.raises(ValueError, match="duration"):
        reader.validate_python(258.5)
