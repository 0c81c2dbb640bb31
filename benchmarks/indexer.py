"""Indexer benchmark: catch-up speed over a chain with many events, and audit query latency
over an index of a million events written directly (the query is what is measured).

Plain functions, so other benchmarks (the service's) can call them: `catch_up_rate` (a fresh
node, evidence events anchored in bulk, then one catch-up), `write_synthetic_index` and
`audit_latencies` (any engine), and `run_indexer_benchmark` for `sanzhi bench index`.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine, text

from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode
from ledger.errors import LedgerError
from ledger.evidence.consignment import consignment_id
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.index import AuditFilter, Follower, make_engine, search, upgrade
from ledger.index.db import parse_url
from ledger.index.state import BLOCKS, EVENTS
from ledger.parallel import worker_count
from ledger.settings import LedgerSettings

BATCH_CONSIGNMENTS = 20  # consignments per appendEvents transaction
GAS_PER_BATCH = 6_000_000
PAGE = 50  # what an auditor's first page shows
WRITE_CHUNK = 20_000


class CatchUp(BaseModel):
    events: int
    blocks: int
    seconds: float
    events_per_s: float


class AuditLatency(BaseModel):
    events: int
    samples: int
    p50_ms: float
    p99_ms: float
    p99_ms_by_query: dict[str, float]


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


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------- catch-up


@contextmanager
def evidence_chain(*, consignments: int, events: int, port: int, workdir: Path | None) -> Iterator[LedgerSettings]:
    """A fresh node with the development consortium and `consignments` x `events` evidence
    entries anchored in bulk (one trade key, pipelined); stopped on exit."""
    with tempfile.TemporaryDirectory(prefix="sanzhi-bench-index-", dir=workdir) as tmp:
        settings = LedgerSettings(data_dir=Path(tmp) / "data")
        node = EmbeddedNode(settings.data_dir, port=port)
        node.start()
        try:
            deploy_dev(
                rpc_client_for=lambda p: build_client(settings, p),
                deployments_dir=settings.resolved_deployments_dir,
                data_dir=settings.data_dir,
            )
            trader = build_client(settings, "cn-trader")
            binding = EvidenceRegistryBinding(trader)
            append = binding.codec.function("appendEvents")
            ids = [consignment_id(f"6CN9144010012345678-SG-{n:06d}") for n in range(consignments)]
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
        finally:
            node.stop()


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


# ---------------------------------------------------------------- audit queries


@dataclass(frozen=True)
class SyntheticIndex:
    """What exists in a synthetic index, for queries that find something."""

    events: int
    first_time: int
    last_time: int
    members: tuple[str, ...]
    actors: list[bytes]
    leaves: list[bytes]
    operators: list[bytes]


MEMBERS = ("CN", "SG", "TH", "MY", "VN", "ID", "PH", "KR", "JP", "AU")
EVENTS_PER_BLOCK = 10
BLOCK_SECONDS = 6  # a million events: 100,000 blocks, about a week


def write_synthetic_index(engine: Engine, *, events: int, seed: int = 2026) -> SyntheticIndex:
    """`events` realistic events (half evidence, a third certificates, the rest AEO and
    consortium) written straight into an empty, migrated index, then ANALYZEd."""
    rng = random.Random(seed)
    actors = [rng.randbytes(20) for _ in range(500)]
    leaves = [rng.randbytes(32) for _ in range(max(events // 10, 10))]
    roots = [rng.randbytes(32) for _ in range(max(events // 200, 5))]
    operators = [rng.randbytes(32) for _ in range(max(events // 10, 10))]
    consignments = [rng.randbytes(32) for _ in range(max(events // 10, 10))]
    start = 1_767_225_600  # 2026-01-01T00:00Z
    blocks = -(-events // EVENTS_PER_BLOCK)
    with engine.begin() as connection:
        for first in range(0, blocks, WRITE_CHUNK // EVENTS_PER_BLOCK):
            numbers = range(first, min(first + WRITE_CHUNK // EVENTS_PER_BLOCK, blocks))
            connection.execute(
                BLOCKS.insert(),
                [
                    {"number": n, "hash": rng.randbytes(32), "parent_hash": b"\0" * 32, "time": start + n * BLOCK_SECONDS}
                    for n in numbers
                ],
            )
            rows = []
            for n in numbers:
                for log_index in range(min(EVENTS_PER_BLOCK, events - n * EVENTS_PER_BLOCK)):
                    rows.append(_synthetic_event(rng, n, log_index, start + n * BLOCK_SECONDS, actors, leaves, roots,
                                                 operators, consignments))  # fmt: skip
            connection.execute(EVENTS.insert(), rows)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return SyntheticIndex(
        events=events,
        first_time=start,
        last_time=start + (blocks - 1) * BLOCK_SECONDS,
        members=MEMBERS,
        actors=actors,
        leaves=leaves,
        operators=operators,
    )


def _synthetic_event(
    rng: random.Random,
    block: int,
    log_index: int,
    when: int,
    actors: list[bytes],
    leaves: list[bytes],
    roots: list[bytes],
    operators: list[bytes],
    consignments: list[bytes],
) -> dict[str, object]:
    kind = rng.random()
    member = MEMBERS[min(int(rng.expovariate(0.5)), len(MEMBERS) - 1)]  # a few members do most
    row: dict[str, object] = dict.fromkeys(
        ("signers", "partner", "cert_root", "cert_leaf", "number_key", "successor_leaf", "operator", "account",
         "role", "scope", "consignment")
    )  # fmt: skip
    row.update(
        chain_id=31337,
        block_number=block,
        block_hash=hashlib.sha256(block.to_bytes(8, "big")).digest(),
        block_time=when,
        tx_hash=hashlib.sha256(block.to_bytes(8, "big") + log_index.to_bytes(4, "big")).digest(),
        log_index=log_index,
        contract_address=b"\x11" * 20,
        actor=rng.choice(actors),
        organisation=member,
    )
    if kind < 0.5:
        row.update(contract="EvidenceRegistry", event="EvidenceAppended", consignment=rng.choice(consignments),
                   args={"seq": rng.randrange(1, 20), "step": rng.randrange(1, 7), "cid": "0x" + "ab" * 36})  # fmt: skip
    elif kind < 0.85:
        leaf, root = rng.choice(leaves), rng.choice(roots)
        name = rng.choice(("CertificatesIssued", "CertificateUtilized", "CertificateUtilized", "CertificateRevoked"))
        row.update(contract="CertificateRegistry", event=name, cert_root=root, args={"root": "0x" + root.hex()})
        if name != "CertificatesIssued":
            row.update(cert_leaf=leaf, number_key=hashlib.sha256(leaf).digest())
    elif kind < 0.99:
        name = rng.choice(("OperatorCertified", "OperatorSuspended", "OracleNonceUsed"))
        row.update(contract="AeoRegistry", event=name, operator=rng.choice(operators), args={"tier": 2, "reason": 6})
    else:
        row.update(contract="Consortium", event="Accredited", account=rng.choice(actors), role=b"\x01" * 32,
                   scope=b"\0" * 32, args={"memberId": member})  # fmt: skip
    return row


def audit_latencies(engine: Engine, index: SyntheticIndex, *, samples: int = 200, seed: int = 7) -> AuditLatency:
    """First pages of 50 for a mix of auditors' questions: a member's events in one day, a
    certificate's, an operator's, an account's; latency of the library call, in ms."""
    rng = random.Random(seed)
    day = 86_400
    from datetime import UTC, datetime

    def when(t: int) -> datetime:
        return datetime.fromtimestamp(t, tz=UTC)

    def organisation_day() -> AuditFilter:
        start = rng.randrange(index.first_time, max(index.last_time - day, index.first_time + 1))
        return AuditFilter(organisation=rng.choice(index.members[:4]), since=when(start), until=when(start + day))

    kinds = {
        "organisation_and_day": organisation_day,
        "certificate": lambda: AuditFilter(certificate="0x" + rng.choice(index.leaves).hex()),
        "operator": lambda: AuditFilter(operator="0x" + rng.choice(index.operators).hex()),
        "actor": lambda: AuditFilter(actor="0x" + rng.choice(index.actors).hex()),
    }
    for make in kinds.values():  # warm the caches the way a running service has them
        for _ in range(5):
            search(engine=engine, filters=make(), limit=PAGE)
    by_kind: dict[str, list[float]] = {name: [] for name in kinds}
    for _ in range(samples):
        for name, make in kinds.items():
            filters = make()
            started = time.perf_counter()
            page = search(engine=engine, filters=filters, limit=PAGE)
            by_kind[name].append((time.perf_counter() - started) * 1000)
            if name != "organisation_and_day" and not page.items:
                raise LedgerError(f"a benchmark {name} query found nothing")
    everything = [ms for values in by_kind.values() for ms in values]
    return AuditLatency(
        events=index.events,
        samples=len(everything),
        p50_ms=round(statistics.median(everything), 3),
        p99_ms=round(_percentile(everything, 0.99), 3),
        p99_ms_by_query={name: round(_percentile(values, 0.99), 3) for name, values in by_kind.items()},
    )


def audit_benchmark(*, database_url: str, events: int, samples: int) -> AuditLatency:
    """Write `events` into an empty index at `database_url` and measure the query mix."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        index = write_synthetic_index(engine, events=events)
        return audit_latencies(engine, index, samples=samples)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- PostgreSQL


@contextmanager
def benchmark_postgres(workdir: Path | None) -> Iterator[str]:
    """A throwaway PostgreSQL server (PyPI pgserver, a development dependency) and its URL."""
    import warnings

    base = Path(tempfile.mkdtemp(prefix="sanzhi-bench-pg-", dir=workdir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, at pgserver's import, on XDG_RUNTIME_DIR
        try:
            import pgserver
        except ImportError:
            raise LedgerError("the benchmark needs PostgreSQL: pass --postgres-url or install pgserver") from None
        server = pgserver.get_server(base / "data", cleanup_mode="delete")
    try:
        uri = server.get_uri()
        yield "postgresql+psycopg" + uri.removeprefix("postgresql")
    finally:
        server.cleanup()
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def _postgres_database(server_url: str, name: str) -> str:
    """A fresh database `name` on the server at `server_url`."""
    from sqlalchemy import create_engine

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
            sqlite_catch_up = catch_up_rate(settings=settings, database_url=f"sqlite:///{tmp}/catch-up.sqlite")
            postgres_catch_up = catch_up_rate(
                settings=settings, database_url=_postgres_database(server, "sanzhi_bench_catch_up")
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
