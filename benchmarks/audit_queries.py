"""Audit query latency over a large index written directly (the query is what is measured):
a mix of auditors' questions, first pages of 50, through the library's `search`."""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Engine, text

from benchmarks.common import percentile
from ledger.errors import LedgerError
from ledger.index import AuditFilter, make_engine, search, upgrade
from ledger.index.state import BLOCKS, EVENTS

PAGE = 50  # what an auditor's first page shows
WRITE_CHUNK = 20_000
MEMBERS = ("CN", "SG", "TH", "MY", "VN", "ID", "PH", "KR", "JP", "AU")
EVENTS_PER_BLOCK = 10
BLOCK_SECONDS = 6  # a million events: 100,000 blocks, about a week
START = 1_767_225_600  # 2026-01-01T00:00Z
DAY = 86_400
WARM_UP = 50  # queries of each kind before measuring
_NULLABLE: tuple[str, ...] = ("signers", "partner", "cert_root", "cert_leaf", "number_key", "successor_leaf")
_NULLABLE += ("operator", "account", "role", "scope", "consignment")


class AuditLatency(BaseModel):
    events: int
    samples: int
    p50_ms: float
    p99_ms: float
    p99_ms_by_query: dict[str, float]


@dataclass(frozen=True)
class SyntheticIndex:
    """What exists in a synthetic index, so that the sampled queries find something."""

    events: int
    last_time: int
    actors: list[bytes]
    leaves: list[bytes]
    operators: list[bytes]


@dataclass
class _Pools:
    rng: random.Random
    actors: list[bytes]
    leaves: list[bytes]
    roots: list[bytes]
    operators: list[bytes]
    consignments: list[bytes]


def _event(pools: _Pools, block: int, log_index: int) -> dict[str, object]:
    """Half evidence, a third certificates, most of the rest AEO, a few accreditations; a few
    members do most of it."""
    rng = pools.rng
    kind = rng.random()
    member = MEMBERS[min(int(rng.expovariate(0.5)), len(MEMBERS) - 1)]
    row: dict[str, object] = dict.fromkeys(_NULLABLE)
    row.update(
        chain_id=31337,
        block_number=block,
        block_hash=hashlib.sha256(block.to_bytes(8, "big")).digest(),
        block_time=START + block * BLOCK_SECONDS,
        tx_hash=hashlib.sha256(block.to_bytes(8, "big") + log_index.to_bytes(4, "big")).digest(),
        log_index=log_index,
        contract_address=b"\x11" * 20,
        actor=rng.choice(pools.actors),
        organisation=member,
    )
    if kind < 0.5:
        args = {"seq": rng.randrange(1, 20), "step": rng.randrange(1, 7), "cid": "0x" + "ab" * 36}
        row.update(contract="EvidenceRegistry", event="EvidenceAppended", consignment=rng.choice(pools.consignments))
        row.update(args=args)
    elif kind < 0.85:
        leaf, root = rng.choice(pools.leaves), rng.choice(pools.roots)
        name = rng.choice(("CertificatesIssued", "CertificateUtilized", "CertificateUtilized", "CertificateRevoked"))
        row.update(contract="CertificateRegistry", event=name, cert_root=root, args={"root": "0x" + root.hex()})
        if name != "CertificatesIssued":
            row.update(cert_leaf=leaf, number_key=hashlib.sha256(leaf).digest())
    elif kind < 0.99:
        name = rng.choice(("OperatorCertified", "OperatorSuspended", "OracleNonceUsed"))
        row.update(contract="AeoRegistry", event=name, operator=rng.choice(pools.operators), args={"tier": 2})
    else:
        row.update(contract="Consortium", event="Accredited", account=rng.choice(pools.actors), args={})
        row.update(role=b"\x01" * 32, scope=b"\0" * 32)
    return row


def write_synthetic_index(engine: Engine, *, events: int, seed: int = 2026) -> SyntheticIndex:
    """`events` realistic events written straight into an empty, migrated index (with their
    blocks), then ANALYZEd as a running database would be."""
    rng = random.Random(seed)
    pools = _Pools(
        rng=rng,
        actors=[rng.randbytes(20) for _ in range(500)],
        leaves=[rng.randbytes(32) for _ in range(max(events // 12, 10))],  # about three events each
        roots=[rng.randbytes(32) for _ in range(max(events // 200, 5))],
        operators=[rng.randbytes(32) for _ in range(max(events // 20, 10))],
        consignments=[rng.randbytes(32) for _ in range(max(events // 20, 10))],
    )
    used_leaves: set[bytes] = set()
    used_operators: set[bytes] = set()
    blocks = -(-events // EVENTS_PER_BLOCK)  # the last one may hold fewer
    per_chunk = WRITE_CHUNK // EVENTS_PER_BLOCK
    with engine.begin() as connection:
        for first in range(0, blocks, per_chunk):
            numbers = range(first, min(first + per_chunk, blocks))
            connection.execute(
                BLOCKS.insert(),
                [{"number": n, "hash": rng.randbytes(32), "parent_hash": bytes(32), "time": START + n * BLOCK_SECONDS}
                 for n in numbers],
            )  # fmt: skip
            rows = [
                _event(pools, n, i)
                for n in numbers
                for i in range(min(EVENTS_PER_BLOCK, events - n * EVENTS_PER_BLOCK))
            ]
            connection.execute(EVENTS.insert(), rows)
            used_leaves.update(r["cert_leaf"] for r in rows if isinstance(r["cert_leaf"], bytes))
            used_operators.update(r["operator"] for r in rows if isinstance(r["operator"], bytes))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite":  # as a running index would have, after its writes
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return SyntheticIndex(
        events=events,
        last_time=START + (blocks - 1) * BLOCK_SECONDS,
        actors=pools.actors,
        leaves=sorted(used_leaves),
        operators=sorted(used_operators),
    )


def _queries(index: SyntheticIndex, rng: random.Random) -> dict[str, Callable[[], AuditFilter]]:
    def when(t: int) -> datetime:
        return datetime.fromtimestamp(t, tz=UTC)

    def organisation_and_day() -> AuditFilter:
        start = rng.randrange(START, max(index.last_time - DAY, START + 1))
        return AuditFilter(organisation=rng.choice(MEMBERS[:4]), since=when(start), until=when(start + DAY))

    return {
        "organisation_and_day": organisation_and_day,
        "certificate": lambda: AuditFilter(certificate="0x" + rng.choice(index.leaves).hex()),
        "operator": lambda: AuditFilter(operator="0x" + rng.choice(index.operators).hex()),
        "actor": lambda: AuditFilter(actor="0x" + rng.choice(index.actors).hex()),
    }


def audit_latencies(engine: Engine, index: SyntheticIndex, *, samples: int = 200, seed: int = 7) -> AuditLatency:
    """`samples` first pages of each kind of question; latency of the library call, in ms."""
    warm = _queries(index, random.Random(seed + 1))
    for make in warm.values():  # other questions first, as a running service has had them
        for _ in range(WARM_UP):
            search(engine=engine, filters=make(), limit=PAGE)
    queries = _queries(index, random.Random(seed))
    by_kind: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(samples):
        for name, make in queries.items():
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
        p99_ms=round(percentile(everything, 0.99), 3),
        p99_ms_by_query={name: round(percentile(values, 0.99), 3) for name, values in by_kind.items()},
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
