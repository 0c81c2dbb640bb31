"""`sanzhi bench aeo`: a cold AEO feed of N operators on a fresh node, gas, recognition latency.

The node is the embedded anvil (one block per transaction) in a temporary data directory;
CN's oracle quorum is set to 2 and two oracles (cn-oracle, cn-oracle-2) run the feed at the
same time, as two processes of one machine would, meeting in the shared outbox; the second
only signs (`--sign-only`), so one account sends every transaction. (On the automining dev
node, two accounts pipelining full-block transactions at once can leave one unmined until
the next transaction arrives; a Besu network mines on its block interval instead.)
"""

from __future__ import annotations

import os
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from benchmarks.common import dev_chain, percentile
from ledger.aeo import AeoRegistryBinding, MraBinding, recognized
from ledger.aeo.changes import AeoChange
from ledger.aeo.codes import ChangeKind, Status, operator_hash, parse_tiers
from ledger.aeo.registry import evidence_hash
from ledger.chain.contract import ContractBinding
from ledger.connect import build_client
from ledger.settings import LedgerSettings
from oracles.aeo_diff import read_certifications
from oracles.aeo_feed import AeoFeed, FeedOptions, FeedReport, outbox_path
from oracles.outbox import Outbox

RECOGNITION_SAMPLES = 1000
ORACLES = ("cn-oracle", "cn-oracle-2")


class CertifyGas(BaseModel):
    oracle_batch_per_certification: float
    oracle_batch_size: int
    admin_batch_per_certification: float
    single: int


class AeoBenchmark(BaseModel):
    operators: int
    oracles: int
    quorum: int
    converge_seconds: float
    operators_per_second: float
    transactions: int
    certify_gas: CertifyGas
    recognized_p50_ms: float
    recognized_p99_ms: float
    recognized_samples: int
    duplicate_run_seconds: float
    duplicate_run_transactions: int
    cpus: int


def write_export(path: Path, count: int) -> list[str]:
    """A CSV export of `count` active advanced-tier operators."""
    ids = [f"USCI:9131BENCH{i:07d}" for i in range(count)]
    lines = ["operator_id,name,tier,valid_from,valid_until,status,reason,evidence"]
    lines += [f"{op},Operator {i},advanced,2025-01-01,2028-01-01,active,,audit-{i}" for i, op in enumerate(ids)]
    path.write_text("\n".join(lines) + "\n")
    return ids


def run_aeo_benchmark(*, operators: int, port: int = 0) -> AeoBenchmark:
    with dev_chain(prefix="sanzhi-bench-aeo-", port=port) as chain:
        return _measure(chain.settings, chain.root, operators)


def _measure(settings: LedgerSettings, root: Path, operators: int) -> AeoBenchmark:
    admin = build_client(settings, "cn-admin")
    ContractBinding(admin, "AeoRegistry").transact("setOracleQuorum", len(ORACLES))
    source = root / "aeo-cn.csv"
    ids = write_export(source, operators)
    feeds = [
        AeoFeed(
            client=build_client(settings, p),
            outbox=Outbox(outbox_path(settings)),
            options=FeedOptions(submit=i == 0, quorum_wait_seconds=0 if i else 30),
        )
        for i, p in enumerate(ORACLES)
    ]

    started = time.perf_counter()
    with ThreadPoolExecutor(len(feeds)) as pool:
        reports = list(pool.map(lambda f: f.run(str(source)), feeds))
    reader = build_client(settings)
    hashes = [operator_hash("CN", op) for op in ids]
    current = read_certifications(reader, "CN", hashes)
    converge = time.perf_counter() - started
    if any(c.status is not Status.ACTIVE for c in current):
        raise AssertionError("the chain does not match the export after the feed")

    t0 = time.perf_counter()
    duplicate = feeds[0].run(str(source))
    duplicate_seconds = time.perf_counter() - t0

    gas = _certify_gas(settings, reports)
    latencies = _recognition_latencies(settings, ids)
    return AeoBenchmark(
        operators=operators,
        oracles=len(feeds),
        quorum=len(ORACLES),
        converge_seconds=round(converge, 2),
        operators_per_second=round(operators / converge, 1),
        transactions=sum(r.transactions for r in reports),
        certify_gas=gas,
        recognized_p50_ms=round(statistics.median(latencies), 2),
        recognized_p99_ms=round(percentile(latencies, 0.99), 2),
        recognized_samples=len(latencies),
        duplicate_run_seconds=round(duplicate_seconds, 2),
        duplicate_run_transactions=duplicate.transactions,
        cpus=os.cpu_count() or 1,
    )


def _certify_gas(settings: LedgerSettings, reports: list[FeedReport]) -> CertifyGas:
    changes = sum(r.done_changes for r in reports if r.transactions)
    gas_used = sum(r.gas_used for r in reports)
    registry = AeoRegistryBinding(build_client(settings, "cn-customs"))
    single = registry.certify(
        member="CN", operator="USCI:9131SINGLE0000001", tier="advanced", evidence="audit-single"
    ).gas_used
    batch = [
        AeoChange(
            kind=ChangeKind.CERTIFY,
            operator=operator_hash("CN", f"USCI:9131ADMIN{i:07d}"),
            tier=2,
            valid_from=1735689600,
            valid_until=1830297600,
            evidence_hash=evidence_hash(f"audit-admin-{i}"),
        )
        for i in range(100)
    ]
    admin_batch = registry.apply_changes(batch).gas_used
    return CertifyGas(
        oracle_batch_per_certification=round(gas_used / max(changes, 1), 1),
        oracle_batch_size=FeedOptions().batch_size,
        admin_batch_per_certification=round(admin_batch / len(batch), 1),
        single=single,
    )


def _recognition_latencies(settings: LedgerSettings, ids: list[str]) -> list[float]:
    mask = parse_tiers("general,advanced")
    MraBinding(build_client(settings, "cn-customs")).propose(
        member="CN", partner="SG", tiers_recognised_by_member=mask, tiers_recognised_by_partner=mask
    )
    MraBinding(build_client(settings, "sg-customs")).accept(
        member="SG",
        partner="CN",
        tiers_recognised_by_proposer=mask,
        tiers_recognised_by_partner=mask,
        effective_from=None,
    )
    reader = build_client(settings)
    sample = random.Random(2026).sample(ids, min(RECOGNITION_SAMPLES, len(ids)))
    recognized(client=reader, operator=sample[0], certified_by="CN", recognised_by="SG")  # warm up
    latencies = []
    for op in sample:
        t0 = time.perf_counter()
        result = recognized(client=reader, operator=op, certified_by="CN", recognised_by="SG")
        latencies.append((time.perf_counter() - t0) * 1000)
        if not result.recognized:
            raise AssertionError(f"{op} is not recognised: {result.reasons}")
    return latencies
