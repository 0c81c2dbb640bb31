"""Evidence benchmark: events anchored per second, gas per event, timeline latency, bundle size
and offline verification time, on a fresh embedded node."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from benchmarks.common import dev_chain, open_consignments, percentile
from ledger.connect import build_client
from ledger.errors import LedgerError
from ledger.evidence import EventType, Step, event_hash, new_event
from ledger.evidence.bundle import BundleTrust, make_bundle, verify_bundle
from ledger.evidence.consignment import consignment_id
from ledger.evidence.entries import EvidenceEntry
from ledger.evidence.registry import CONTRACT, EvidenceRegistryBinding
from ledger.evidence.service import append_events, open_consignment
from ledger.parallel import fork_map, worker_count

BATCH_CONSIGNMENTS = 20  # a transaction carries 20 consignments' events, grouped by consignment
GAS_PER_BATCH = 6_000_000
TIMELINE_SAMPLES = 200
HASH_SAMPLES = 1_000
VERIFY_REPEATS = 25
TRADE_STEPS = (Step.LOADING, Step.DEPARTING, Step.ARRIVING, Step.UNLOADING, Step.RECEIVING, Step.SHIPPING)
T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class EvidenceBenchmark(BaseModel):
    consignments: int
    events_per_consignment: int
    events: int
    transactions: int
    events_per_second: float
    anchor_seconds: float
    lost: int
    duplicated: int
    gas_per_event: float
    hash_events_per_second: float
    timeline_p50_ms: float
    timeline_p99_ms: float
    bundle_bytes: int
    bundle_verify_ms: float
    bundle_verify_with_event_hashes_ms: float
    cpus: int


def _median_ms(run: Callable[[], object], times: int = VERIFY_REPEATS) -> float:
    """The median wall time of `run` over `times` runs, in ms."""
    samples = []
    for _ in range(times):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def _ucr(n: int) -> str:
    return f"6CN9144010012345678-SG-{n:06d}"


def _sample_event(n: int) -> bytes:
    """The GS1 hash of a realistic event (what a party computes before anchoring)."""
    event = new_event(
        EventType.OBJECT,
        TRADE_STEPS[n % len(TRADE_STEPS)],
        T0 + dt.timedelta(seconds=n),
        epcs=[f"urn:epc:id:sscc:0614141.{n:010d}"],
    )
    return event.hash.digest


def run_evidence_benchmark(
    *, consignments: int, events: int, port: int, workdir: Path | None = None
) -> EvidenceBenchmark:
    """Anchor `consignments` x `events` trade events through one trade key, pipelined.

    Anchoring is measured on entries whose event hashes are prepared beforehand; computing GS1
    event hashes (GS1's reference implementation) is measured on its own, on every core.
    """
    started = time.perf_counter()
    hashes = fork_map(_sample_event, range(HASH_SAMPLES))
    hash_rate = HASH_SAMPLES / (time.perf_counter() - started)
    if len(set(hashes)) != HASH_SAMPLES:
        raise LedgerError("distinct sample events hashed alike")
    with dev_chain(prefix="sanzhi-bench-", port=port, workdir=workdir) as chain:
        settings = chain.settings
        trader = build_client(settings, "cn-trader")
        binding = EvidenceRegistryBinding(trader)
        ids = [consignment_id(_ucr(c)) for c in range(consignments)]
        open_consignments(trader, ids)
        calls = []
        append = binding.codec.function("appendEvents")
        for start in range(0, consignments, BATCH_CONSIGNMENTS):
            batch = [
                EvidenceEntry(
                    consignment=consignment,
                    event_hash=hashlib.sha256(consignment + seq.to_bytes(2, "big")).digest(),
                    step=int(TRADE_STEPS[seq % len(TRADE_STEPS)]),
                    event_type=0,
                    cid=b"\x01\x55\x12\x20" + hashlib.sha256(consignment + b"doc").digest(),
                ).as_tuple()
                for consignment in ids[start : start + BATCH_CONSIGNMENTS]
                for seq in range(events)
            ]
            calls.append({"to": binding.address, "data": append.call_data(batch)})
        t0 = time.perf_counter()
        sent = trader.send_batch(calls, gas=GAS_PER_BATCH)
        receipts = trader.wait_many(sent)
        anchor_seconds = time.perf_counter() - t0
        if any(r["status"] != 1 for r in receipts):
            raise LedgerError("a benchmark batch failed")
        total = consignments * events
        heads = binding.heads(ids)
        lost = sum(max(0, events - h.seq) for h in heads)
        duplicated = sum(max(0, h.seq - events) for h in heads)
        gas = sum(int(r["gasUsed"]) for r in receipts) / total

        reader = EvidenceRegistryBinding(build_client(settings))
        latencies = []
        for consignment in random.Random(2026).sample(ids, min(TIMELINE_SAMPLES, len(ids))):
            t = time.perf_counter()
            recorded = reader.recorded(consignment)
            latencies.append((time.perf_counter() - t) * 1000)
            if len(recorded) != events:
                raise LedgerError(f"timeline of a benchmark consignment has {len(recorded)} entries")

        ucr = "6CN9144010012345678-SG-BUNDLE"
        real = [
            new_event(
                EventType.OBJECT,
                TRADE_STEPS[i % len(TRADE_STEPS)],
                T0 + dt.timedelta(hours=i),
                epcs=["urn:epc:id:sscc:0614141.9999999999"],
            )
            for i in range(events)
        ]
        open_consignment(client=trader, ucr=ucr, destination="SG")
        append_events(client=trader, ucr=ucr, events=real)
        client = build_client(settings)
        bundle = make_bundle(
            client=client, ucr=ucr, consignment=consignment_id(ucr), events={e.hash.hex: e.to_json() for e in real}
        )
        text = bundle.model_dump_json()
        trusted = str(bundle.head_proof.header.hash)
        trust = BundleTrust(
            chain_id=client.chain_id, consortium=client.address_of("Consortium"), registry=client.address_of(CONTRACT)
        )
        proof_only = bundle.model_copy(update={"events": {}})
        verify_ms = _median_ms(lambda: verify_bundle(proof_only, trusted_block_hash=trusted, trust=trust))
        verify_events_ms = _median_ms(
            lambda: verify_bundle(
                bundle,
                trusted_block_hash=trusted,
                trust=trust,
                event_digest=lambda e: event_hash(e, validate=False).digest,
            )
        )
    return EvidenceBenchmark(
        consignments=consignments,
        events_per_consignment=events,
        events=total,
        transactions=len(sent),
        events_per_second=round(total / anchor_seconds, 1),
        anchor_seconds=round(anchor_seconds, 3),
        lost=lost,
        duplicated=duplicated,
        gas_per_event=round(gas, 1),
        hash_events_per_second=round(hash_rate, 1),
        timeline_p50_ms=round(statistics.median(latencies), 3),
        timeline_p99_ms=round(percentile(latencies, 0.99), 3),
        bundle_bytes=len(text.encode()),
        bundle_verify_ms=round(verify_ms, 3),
        bundle_verify_with_event_hashes_ms=round(verify_events_ms, 3),
        cpus=worker_count(),
    )
