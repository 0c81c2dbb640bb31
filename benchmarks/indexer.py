"""Indexer benchmark: catch-up speed over a chain with many events, and audit query latency
over an index of a million events written directly (benchmarks.audit_queries).

Plain functions, so other benchmarks (the service's) can call them: `evidence_chain` (a fresh
node with evidence events anchored in bulk), `catch_up_rate` / `median_catch_up` (catch-ups
into empty indexes), `benchmark_postgres` (a throwaway server), and `run_indexer_benchmark`
for `sanzhi bench index`.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import create_engine, text

from benchmarks.audit_queries import audit_benchmark
from benchmarks.common import dev_chain, open_consignments
from ledger.connect import build_client
from ledger.errors import LedgerError
from ledger.evidence.consignment import consignment_id
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.index import Follower, make_engine, upgrade
from ledger.index.db import parse_url
from ledger.parallel import worker_count
from ledger.settings import LedgerSettings

BATCH_CONSIGNMENTS = 20  # consignments per appendEvents transaction
GAS_PER_BATCH = 6_000_000
RUNS = 3  # catch-ups per database, the median reported


class CatchUp(BaseModel):
    events: int
    blocks: int
    seconds: float
    events_per_s: float


class IndexerBenchmark(BaseModel):
    indexer_events: int
    indexer_events_per_s: float
    indexer_events_per_s_postgres: float
    audit_events: int
    audit_samples: int
    audit_p50_ms_sqlite: float
    audit_p99_ms_sqlite: float
    audit_p50_ms_postgres: float
    audit_p99_ms_postgres: float
    audit_p99_ms_by_query_sqlite: dict[str, float]
    audit_p99_ms_by_query_postgres: dict[str, float]
    cpus: int


# ---------------------------------------------------------------- catch-up


@contextmanager
def evidence_chain(*, consignments: int, events: int, port: int, workdir: Path | None) -> Iterator[LedgerSettings]:
    """A fresh node with the development consortium and `consignments` x `events` evidence
    entries anchored in bulk (one trade key, pipelined); stopped on exit."""
    with dev_chain(prefix="sanzhi-bench-index-", port=port, workdir=workdir) as chain:
        settings = chain.settings
        trader = build_client(settings, "cn-trader")
        binding = EvidenceRegistryBinding(trader)
        append = binding.codec.function("appendEvents")
        ids = [consignment_id(f"6CN9144010012345678-SG-{n:06d}") for n in range(consignments)]
        open_consignments(trader, ids)
        calls = []
        for start in range(0, consignments, BATCH_CONSIGNMENTS):
            batch = [
                EvidenceEntry(
                    consignment=consignment,
                    event_hash=hashlib.sha256(consignment + seq.to_bytes(2, "big")).digest(),
                    step=1 + seq % 6,
                    event_type=0,
                    cid=b"\x01\x55\x12\x20" + hashlib.sha256(consignment + b"doc").digest(),
                ).as_tuple()
                for consignment in ids[start : start + BATCH_CONSIGNMENTS]
                for seq in range(events)
            ]
            calls.append({"to": binding.address, "data": append.call_data(batch)})
        trader.wait_many(trader.send_batch(calls, gas=GAS_PER_BATCH))
        yield settings


def catch_up_rate(*, settings: LedgerSettings, database_url: str) -> CatchUp:
    """One catch-up from the deployment block into an empty index at `database_url`."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        client = build_client(settings)
        report = Follower(client=client, engine=engine).catch_up()
    finally:
        engine.dispose()
    if report.events == 0:
        raise LedgerError("the benchmark chain has no events to index")
    return CatchUp(
        events=report.events,
        blocks=report.checkpoint - report.start_block,
        seconds=report.seconds,
        events_per_s=round(report.events / report.seconds, 1),
    )


def median_catch_up(*, settings: LedgerSettings, database_urls: list[str]) -> CatchUp:
    """The median of catch-ups into each of `database_urls` (empty indexes): one run on a
    machine shared with other work says little."""
    runs = sorted(
        (catch_up_rate(settings=settings, database_url=url) for url in database_urls), key=lambda r: r.seconds
    )
    return runs[len(runs) // 2]


# ---------------------------------------------------------------- PostgreSQL


@contextmanager
def benchmark_postgres(workdir: Path | None) -> Iterator[str]:
    """A throwaway PostgreSQL server (PyPI pgserver, a development dependency) and its URL."""
    base = Path(tempfile.mkdtemp(prefix="sanzhi-bench-pg-", dir=workdir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, at pgserver's import, on XDG_RUNTIME_DIR
        try:
            from pgserver.postgres_server import get_server
        except ImportError:
            raise LedgerError("the benchmark needs PostgreSQL: pass --postgres-url or install pgserver") from None
        server = get_server(base / "data", cleanup_mode="delete")
    try:
        yield parse_url(server.get_uri()).render_as_string(hide_password=False)
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def _postgres_database(server_url: str, name: str) -> str:
    """A fresh database `name` on the server at `server_url`."""
    admin = create_engine(parse_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parse_url(server_url).set(database=name).render_as_string(hide_password=False)


def run_indexer_benchmark(
    *,
    consignments: int,
    events_per_consignment: int,
    audit_events: int,
    samples: int,
    port: int,
    postgres_url: str | None = None,
    workdir: Path | None = None,
) -> IndexerBenchmark:
    """Catch-up into SQLite and PostgreSQL over one evidence chain; audit latency on both."""
    with (
        tempfile.TemporaryDirectory(prefix="sanzhi-bench-sql-", dir=workdir) as tmp,
        _postgres_server(postgres_url, workdir) as server,
    ):
        with evidence_chain(
            consignments=consignments, events=events_per_consignment, port=port, workdir=workdir
        ) as settings:
            sqlite_catch_up = median_catch_up(
                settings=settings, database_urls=[f"sqlite:///{tmp}/catch-up-{n}.sqlite" for n in range(RUNS)]
            )
            postgres_catch_up = median_catch_up(
                settings=settings,
                database_urls=[_postgres_database(server, f"sanzhi_bench_catch_up_{n}") for n in range(RUNS)],
            )
        sqlite = audit_benchmark(database_url=f"sqlite:///{tmp}/audit.sqlite", events=audit_events, samples=samples)
        postgres = audit_benchmark(
            database_url=_postgres_database(server, "sanzhi_bench_audit"), events=audit_events, samples=samples
        )
    return IndexerBenchmark(
        indexer_events=sqlite_catch_up.events,
        indexer_events_per_s=sqlite_catch_up.events_per_s,
        indexer_events_per_s_postgres=postgres_catch_up.events_per_s,
        audit_events=audit_events,
        audit_samples=sqlite.samples,
        audit_p50_ms_sqlite=sqlite.p50_ms,
        audit_p99_ms_sqlite=sqlite.p99_ms,
        audit_p50_ms_postgres=postgres.p50_ms,
        audit_p99_ms_postgres=postgres.p99_ms,
        audit_p99_ms_by_query_sqlite=sqlite.p99_ms_by_query,
        audit_p99_ms_by_query_postgres=postgres.p99_ms_by_query,
        cpus=worker_count(),
    )


@contextmanager
def _postgres_server(url: str | None, workdir: Path | None) -> Iterator[str]:
    if url:
        yield url
        return
    with benchmark_postgres(workdir) as started:
        yield started
