"""The issuer's records keep each certificate's exporter id, quantity and unit, so the member's
index answers "this exporter's certificates"; records imported before that are completed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from ledger.index.follower import Follower
from ledger.index.issuer_records import RECORDS, exporter_key, import_wrapped
from ledger.index.party_records import certificates_of_exporter
from tests.support import Chain, RecordedActivity, index_database


def test_an_exporters_certificates_and_records_completed_on_a_second_import(
    session_chain: Chain, activity: RecordedActivity, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    certificate = activity.certificates[0]
    exporter = certificate.data["exporter"]["identifier"]
    with index_database("sqlite", request, tmp_path) as engine:
        Follower(client=session_chain.client(), engine=engine).catch_up()
        import_wrapped(engine=engine, paths=[activity.issued_dir])
        spelt_loosely = " " + exporter.lower() + " "
        found = certificates_of_exporter(engine=engine, member="CN", exporter_id=spelt_loosely, offset=0, limit=10)
        mine = [c for c in found.items if c.leaf == "0x" + certificate.leaf.hex()]
        assert len(mine) == 1
        assert found.total == len(found.items)
        assert (mine[0].quantity, mine[0].unit_code) == (
            certificate.proof.quantity,
            certificate.data["items"][0]["unit_code"],
        )
        assert certificates_of_exporter(engine=engine, member="SG", exporter_id=exporter, offset=0, limit=10).total == 0
        assert (
            certificates_of_exporter(engine=engine, member="CN", exporter_id="USCI:NOBODY", offset=0, limit=10).total
            == 0
        )

        with engine.begin() as connection:  # as an index written before exporter ids were kept
            connection.execute(update(RECORDS).values(exporter_id=None, quantity=None, unit_code=None))
        assert certificates_of_exporter(engine=engine, member="CN", exporter_id=exporter, offset=0, limit=10).total == 0
        again = import_wrapped(engine=engine, paths=[activity.issued_dir])
        assert again.recorded > 0
        assert (
            certificates_of_exporter(engine=engine, member="CN", exporter_id=exporter, offset=0, limit=10).total
            == found.total
        )


def test_exporter_ids_compare_as_operator_ids_where_they_are_ones() -> None:
    assert exporter_key(" usci:9131 0000 ") == "USCI:91310000"
    assert exporter_key(" Müller GmbH ") == "Müller GmbH"  # not an operator id: kept as written
