from __future__ import annotations

import pytest

from ledger.errors import InvalidInput
from ledger.evidence import canonical_ucr, consignment_id
from ledger.hashing.keccak import keccak256


def test_the_id_is_keccak_of_the_canonical_ucr() -> None:
    assert consignment_id("6CN913100-INV2026001") == keccak256(b"6CN913100-INV2026001")
    assert consignment_id("  6cn913100-inv2026001\n") == consignment_id("6CN913100-INV2026001")
    assert consignment_id("6CN913100-INV2026001") != consignment_id("6CN913100-INV2026002")
    assert len(consignment_id("9GB123456789000-1234")) == 32


@pytest.mark.parametrize(
    ("ucr", "canonical"),
    [
        ("9GB123456789000-1234", "9GB123456789000-1234"),
        ("6sg199912345K/2026.001", "6SG199912345K/2026.001"),
        ("0CN12", "0CN12"),
        ("6CN" + "A" * 32, "6CN" + "A" * 32),
    ],
)
def test_accepted_spellings(ucr: str, canonical: str) -> None:
    assert canonical_ucr(ucr) == canonical


@pytest.mark.parametrize(
    ("ucr", "reason"),
    [
        ("", "year digit"),
        ("   ", "year digit"),
        ("CN913100-INV1", "year digit"),
        ("6C", "year digit"),
        ("6CN1", "year digit"),  # no exporter id and reference
        ("6CN 913100 INV1", "year digit"),
        ("6CN-913100", "year digit"),
        ("6CN913100_INV1", "year digit"),
        ("6XX913100-INV1", "XX is not an ISO 3166-1 country code"),
        ("6CN" + "A" * 33, "longer than 35"),
        ("6CN91310\uff10-INV1", "only ASCII"),  # a fullwidth zero
        ("6ÇN913100-INV1", "only ASCII"),
    ],
)
def test_junk_is_refused_with_the_reason(ucr: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as caught:
        consignment_id(ucr)
    assert caught.value.path == "ucr"
    assert "\n" not in str(caught.value)
