"""Issuer records into the index as they are written: what an issuance (command line or
service) calls once its wrapped certificates are on disk, so an auditor finds a number issued a
minute ago without a separate `sanzhi index --issued` run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ledger.chain.client import LedgerClient
from ledger.chain.identity import deployment_identity
from ledger.errors import LedgerError
from ledger.index.db import open_existing_index
from ledger.index.errors import NotIndexed
from ledger.index.issuer_records import import_wrapped
from ledger.settings import LedgerSettings


class IssuedIndexing(BaseModel):
    """Where the new issuer records went: into the index, or why not yet."""

    recorded: int  # new or completed records
    indexed: bool  # False: no index yet, the records wait for `sanzhi index`
    note: str  # one line for the issuer


def record_issued(
    *, settings: LedgerSettings, paths: Sequence[Path], client: LedgerClient, engine: Engine | None = None
) -> IssuedIndexing:
    """Import the wrapped certificates at `paths`, just anchored through `client`, into `engine` (a
    service's open index), else the configured index; with no index yet, nothing is created and
    the note says how the records will get there."""
    owned = engine is None
    try:
        engine = open_existing_index(settings) if engine is None else engine
    except NotIndexed:
        return IssuedIndexing(
            recorded=0,
            indexed=False,
            note="no audit index yet: `sanzhi index` (or `sanzhi serve`, which follows the chain) "
            "records these numbers from the issuer's record when it first runs",
        )
    try:
        report = import_wrapped(engine=engine, paths=paths, chain=deployment_identity(client))
    except (LedgerError, SQLAlchemyError) as exc:  # the certificates are anchored: say, do not fail
        reason = exc.message if isinstance(exc, LedgerError) else type(exc).__name__
        return IssuedIndexing(
            recorded=0, indexed=False, note=f"audit index not updated ({reason}): `sanzhi index --issued` records them"
        )
    finally:
        if owned:
            engine.dispose()
    skipped = f", {report.skipped_count} skipped" if report.skipped_count else ""
    return IssuedIndexing(
        recorded=report.recorded,
        indexed=True,
        note=f"audit index: {report.recorded} certificate number(s) recorded{skipped}",
    )
