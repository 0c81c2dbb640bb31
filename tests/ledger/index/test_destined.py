"""What is destined to a member, from the index: the issuance row names the batch's destination
(the `partner` column), and a member's list holds its own batches only, page by page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ledger.certificates.wrapped import read_wrapped
from ledger.index.destined import destined_certificates
from ledger.index.errors import InvalidCursor
from ledger.index.follower import Follower
from tests.support import Chain, issue_sample_certificates


def issue_batch(chain: Chain, work: Path, seed: int, count: int = 2) -> str:
    """Issue `count` certificates of origin from CN to SG; the batch root."""
    paths = issue_sample_certificates(
        chain.client("cn-issuer"), work / f"docs{seed}", work / f"out{seed}", chain.data_dir, count, seed
    )
    return read_wrapped(paths[0]).proof.root


def test_the_issuance_row_names_the_destination(chain: Chain, index_db: Engine, tmp_path: Path) -> None:
    root = issue_batch(chain, tmp_path, seed=61)
    Follower(client=chain.client(), engine=index_db).catch_up()
    with index_db.connect() as connection:
        found = connection.execute(
            text("SELECT event, organisation, partner FROM chain_events WHERE cert_root = :root ORDER BY log_index"),
            {"root": bytes.fromhex(root[2:])},
        ).all()
    assert [tuple(row) for row in found] == [("CertificatesIssued", "CN", "SG"), ("CertificatesDestined", "CN", "SG")]


def test_a_member_lists_what_is_destined_to_it_and_nothing_else(chain: Chain, index_db: Engine, tmp_path: Path) -> None:
    roots = [issue_batch(chain, tmp_path, seed=seed, count=seed - 60) for seed in (62, 63, 64)]
    Follower(client=chain.client(), engine=index_db).catch_up()
    with index_db.connect() as connection:
        first = destined_certificates(connection, member="sg", limit=2)
        assert [b.root for b in first.items] == [roots[2], roots[1]]  # newest first
        assert first.next_cursor is not None
        rest = destined_certificates(connection, member="SG", cursor=first.next_cursor, limit=2)
        assert [b.root for b in rest.items] == [roots[0]]
        assert rest.next_cursor is None
        batch = rest.items[0]
        assert (batch.type, batch.count, batch.destination, batch.issuing_member) == (
            "certificate-of-origin",
            2,
            "SG",
            "CN",
        )
        assert batch.issuer.name
        assert batch.issuer.member_id == "CN"
        assert batch.delivered == []
        # CN issued them: nothing is destined to CN, and SG's cursor answers no other question
        assert destined_certificates(connection, member="CN").items == []
        with pytest.raises(InvalidCursor):
            destined_certificates(connection, member="CN", cursor=first.next_cursor)
