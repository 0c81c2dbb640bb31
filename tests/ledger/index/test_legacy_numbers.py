"""Numbers an issuer recorded before numbers were limited to ASCII letters, digits and - / .
are still imported into the index (nothing recorded is lost), while lookups refuse such
spellings and fold full-width ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.certificates.numbers import IssuedNumbers
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.chain.identity import deployment_identity
from ledger.documents.certificate_numbers import InvalidCertificateNumber
from ledger.index.follower import Follower
from ledger.index.issuer_records import RECORDS, import_numbers, records_by_number
from tests.support import Chain, index_database


def test_a_number_recorded_before_the_rule_is_imported_as_it_was(
    session_chain: Chain, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    registry = CertificateRegistryBinding(session_chain.client())
    numbers = IssuedNumbers(tmp_path / "numbers.sqlite")
    legacy = "\u0421N2026LEGACY"  # a Cyrillic first letter, canonical by the old rule
    numbers.record(
        chain=deployment_identity(session_chain.client()),
        chain_id=session_chain.client().chain_id,
        registry=registry.contract.address,
        member="CN",
        cert_type="certificate-of-origin",
        entries=[(legacy, "0x" + "cd" * 32), ("CN2026NEW", "0x" + "ce" * 32)],
    )
    with index_database("sqlite", request, tmp_path) as engine:
        Follower(client=session_chain.client(), engine=engine).catch_up()
        report = import_numbers(engine=engine, numbers=numbers)
        assert report.recorded == 2
        with engine.connect() as connection:
            kept = {row.number for row in connection.execute(RECORDS.select())}
            assert {legacy, "CN2026NEW"} <= kept
            wide = "".join(chr(ord(c) + 0xFEE0) for c in "cn2026new")
            assert [r.number for r in records_by_number(connection, wide)] == ["CN2026NEW"]
            with pytest.raises(InvalidCertificateNumber, match="U\\+0421 CYRILLIC CAPITAL LETTER ES"):
                records_by_number(connection, legacy)
