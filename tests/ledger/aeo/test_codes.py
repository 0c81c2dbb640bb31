"""AEO vocabulary: operator ids, tiers, reason codes, ISO 8601 times (no chain needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from eth_utils.crypto import keccak

from ledger.aeo.codes import (
    operator_hash,
    parse_reason,
    parse_tier,
    parse_tiers,
    reason_name,
    tiers_of_mask,
)
from ledger.errors import InvalidInput
from ledger.reasons import Reason, reason_code
from ledger.reasons import reason_name as certificate_reason_name
from ledger.timestamps import parse_time


def test_operator_hash_is_keccak_of_member_and_canonical_id() -> None:
    expected = keccak(text="CN:USCI:91310000MA1FL8XQ30")
    assert operator_hash("CN", "USCI:91310000MA1FL8XQ30") == expected
    assert operator_hash("cn", " usci:9131 0000MA1FL8XQ30 ") == expected
    assert operator_hash("SG", "USCI:91310000MA1FL8XQ30") != expected
    assert operator_hash("CN", "0x" + expected.hex()) == expected
    with pytest.raises(InvalidInput, match="is not an operator id"):
        operator_hash("CN", "bad id!")


def test_reason_codes_by_name_or_number() -> None:
    assert [parse_reason(r) for r in ("fraud", "clerical-error", "NON_COMPLIANCE", "8", 99, "unspecified")] == [
        1, 2, 6, 8, 99, 0,
    ]  # fmt: skip
    assert (reason_name(9), reason_name(1234)) == ("expired", "1234")
    with pytest.raises(InvalidInput, match="unknown reason 'boredom'; one of unspecified, fraud"):
        parse_reason("boredom")
    with pytest.raises(InvalidInput, match="between 0 and 65535"):
        parse_reason("65536")


def test_certificates_and_aeo_share_one_reason_vocabulary() -> None:
    """One name, one number, whichever registry it is for (the table in docs/formats.md)."""
    shared = ("fraud", "clerical-error", "non-compliance", "under-investigation", "other")
    assert [parse_reason(name) for name in shared] == [reason_code(name) for name in shared] == [1, 2, 6, 7, 99]
    assert parse_reason("investigation") == reason_code("under-investigation")  # the old AEO name still reads
    assert [reason_code(n) for n in ("superseded", "issued-in-error", "withdrawn-by-exporter")] == [3, 4, 5]
    numbers = [int(r) for r in Reason]
    assert len(numbers) == len(set(numbers))
    for r in Reason:
        assert certificate_reason_name(int(r)) == reason_name(int(r)) == r.slug
        assert parse_reason(r.slug) == int(r)
    assert (certificate_reason_name(1234), reason_code("7")) == ("1234", 7)
    with pytest.raises(InvalidInput, match="unspecified"):
        reason_code("unspecified")  # a certificate change needs a reason (the contract refuses 0)
    with pytest.raises(InvalidInput, match="unknown reason 'whim'"):
        reason_code("whim")
    formats = (Path(__file__).resolve().parents[3] / "docs" / "formats.md").read_text()
    for r in Reason:
        assert f"| {int(r)} | `{r.slug}` |" in formats


def test_tiers_and_masks() -> None:
    assert (parse_tier("advanced"), parse_tier("15")) == (2, 15)
    assert parse_tiers("general, advanced") == 0b110
    assert tiers_of_mask(parse_tiers("1,2,7")) == ["general", "advanced", "tier-7"]
    for bad in ("0", "16", "gold"):
        with pytest.raises(InvalidInput):
            parse_tier(bad)


def test_times_are_iso_8601_read_as_utc() -> None:
    assert parse_time("2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_time("2026-01-31T08:00:00+08:00") == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_time("2026-01-31T08:00:00Z") == datetime(2026, 1, 31, 8, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="is not an ISO 8601 time"):
        parse_time("31/01/2026")
    with pytest.raises(InvalidInput, match="before 1970"):
        parse_time("1969-12-31")
