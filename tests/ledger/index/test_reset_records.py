"""The issuer's records of certificate numbers belong to one chain: after a reset (a new genesis,
the same contracts at the same addresses), the old chain's certificates are kept on disk but no
longer answer audits, and their numbers may be issued again on the new chain."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.wrapped import read_wrapped
from ledger.documents import document_model
from ledger.errors import InvalidInput
from ledger.index import Follower, import_numbers, import_wrapped
from ledger.index.audit import certificate_history
from ledger.index.errors import CertificateNotFound
from ledger.index.issuer_records import RECORDS
from tests.support import ResettableChain, index_engine, issue_sample_certificates

CO = "certificate-of-origin"


@pytest.fixture
def resettable(tmp_path: Path) -> Iterator[tuple[ResettableChain, Engine]]:
    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    chain = ResettableChain(tmp_path / "node", url)
    engine = index_engine(url)
    chain.start()
    try:
        yield chain, engine
    finally:
        chain.stop()
        engine.dispose()


def _issue(chain: ResettableChain, where: Path) -> tuple[Path, str, str]:
    """One certificate (the same number on every chain); its file, number and batch root."""
    [path] = issue_sample_certificates(
        chain.client("cn-issuer"), where / "docs", where / "out", chain.settings.data_dir, 1, seed=5
    )
    wrapped = read_wrapped(path)
    return path, str(wrapped.data[document_model(CO).number_field]), wrapped.proof.root


def _index(chain: ResettableChain, engine: Engine, files: list[Path], *, rebuild: bool = False) -> None:
    """What `sanzhi index [--rebuild] --issued ...` does."""
    Follower(client=chain.client(), engine=engine).catch_up(rebuild=rebuild)
    import_numbers(engine=engine, numbers=IssuedNumbers(numbers_path(chain.settings.data_dir)))
    import_wrapped(engine=engine, paths=files)


def test_the_old_chains_certificates_leave_audit_answers(
    resettable: tuple[ResettableChain, Engine], tmp_path: Path
) -> None:
    chain, engine = resettable
    old_file, number, old_root = _issue(chain, tmp_path / "old")
    _index(chain, engine, [old_file])
    assert [r.root for r in certificate_history(engine=engine, number=number).records] == [old_root]

    chain.reset()
    # the same number on the new chain is a new certificate: the old chain's record does not refuse it
    new_file, again, new_root = _issue(chain, tmp_path / "new")
    assert again == number
    assert new_root != old_root
    _index(chain, engine, [old_file, new_file], rebuild=True)  # the operator names both directories

    history = certificate_history(engine=engine, number=number)
    assert [r.root for r in history.records] == [new_root]
    assert [i.event for i in history.items] == ["CertificatesIssued"]
    # nothing recorded is lost: the old chain's record stays, in the issuer's file and the index
    assert len(IssuedNumbers(numbers_path(chain.settings.data_dir)).recorded()) == 2
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(RECORDS)).scalar_one() == 2


def test_after_a_reset_the_old_number_is_not_found(resettable: tuple[ResettableChain, Engine], tmp_path: Path) -> None:
    chain, engine = resettable
    old_file, number, _ = _issue(chain, tmp_path / "old")
    _index(chain, engine, [old_file])
    chain.reset()
    _index(chain, engine, [old_file], rebuild=True)  # `sanzhi index --rebuild --issued` with the old directory
    with pytest.raises(CertificateNotFound, match=number):
        certificate_history(engine=engine, number=number)


def test_numbers_recorded_before_they_named_their_chain(
    resettable: tuple[ResettableChain, Engine], tmp_path: Path
) -> None:
    """An issuer file of an older sanzhi keeps numbers by chain id and registry only: they still
    refuse a second issue and answer audits where the chain has their batch, and nowhere else."""
    chain, engine = resettable
    _, number, root = _issue(chain, tmp_path / "old")
    path = numbers_path(chain.settings.data_dir)
    with closing(sqlite3.connect(path)) as db, db:  # as an older sanzhi wrote it
        db.execute("INSERT INTO issued_numbers SELECT chain_id, registry, member, cert_type, number, root, "
                   "recorded_at FROM chain_numbers")  # fmt: skip
        db.execute("DELETE FROM chain_numbers")
    _index(chain, engine, [])
    assert [r.root for r in certificate_history(engine=engine, number=number).records] == [root]
    with pytest.raises(InvalidInput, match="already issued"):
        _issue(chain, tmp_path / "again")

    chain.reset()
    _, again, new_root = _issue(chain, tmp_path / "new")  # the old chain's batch is not on this one
    assert again == number
    _index(chain, engine, [], rebuild=True)
    assert [r.root for r in certificate_history(engine=engine, number=number).records] == [new_root]
