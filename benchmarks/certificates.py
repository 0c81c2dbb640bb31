"""Certificate benchmark: wrap + anchor throughput, gas per operation, verification latency."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from pydantic import BaseModel

from benchmarks.common import dev_chain, percentile
from ledger.certificates.issuance import issue_files
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import verify_certificates
from ledger.certificates.wrapped import read_wrapped
from ledger.connect import build_client
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import LedgerError

SINGLE_VERIFY_SAMPLES = 300


class CertificateBenchmark(BaseModel):
    count: int
    batches: int
    wrap_anchor_seconds: float
    certificates_per_second: float
    issue_gas: int
    gas_per_certificate: float
    revoke_gas: int
    utilize_gas: int
    verify_p50_ms: float
    verify_p99_ms: float
    verify_batch_per_s: float
    rpc_calls_per_verify: float
    http_requests_per_verify: float


def run_certificate_benchmark(*, count: int, port: int, workdir: Path | None = None) -> CertificateBenchmark:
    """Start a fresh embedded node in a temporary directory (under `workdir`) and measure on it."""
    with dev_chain(prefix="sanzhi-bench-", port=port, workdir=workdir) as chain:
        settings = chain.settings
        root = chain.root
        samples = root / "samples"
        samples.mkdir()
        for n, document in enumerate(
            generate_samples("certificate-of-origin", count, seed=2026, origin="CN", destination="SG")
        ):
            (samples / f"co-{n:06d}.json").write_text(json.dumps(to_json_data(document), ensure_ascii=False))
        out = root / "wrapped"
        out.mkdir()
        issuer = CertificateRegistryBinding(build_client(settings, "cn-issuer"))

        started = time.perf_counter()
        files = sorted(samples.glob("*.json"))
        issued = issue_files(registry=issuer, doc_type="certificate-of-origin", files=files, out_dir=out).batches
        wrap_anchor = time.perf_counter() - started
        certificates = [read_wrapped(out / f.name) for f in files]

        reader = build_client(settings)
        _ = reader.chain_id  # read once per client, then cached
        anchor = resolve_anchor(reader, None)
        calls_before, requests_before = reader.raw_calls, reader.raw_requests
        latencies = []
        for certificate in certificates[:SINGLE_VERIFY_SAMPLES]:
            t0 = time.perf_counter()
            [result] = verify_certificates(client=reader, certificates=[certificate], anchor=anchor)
            latencies.append((time.perf_counter() - t0) * 1000)
            if not result.valid:
                raise LedgerError(f"benchmark certificate did not verify: {result.fragments}")
        singles = len(latencies)
        rpc_calls = (reader.raw_calls - calls_before) / singles
        http_requests = (reader.raw_requests - requests_before) / singles
        t0 = time.perf_counter()
        results = verify_certificates(client=reader, certificates=certificates, anchor=anchor)
        batch_seconds = time.perf_counter() - t0
        if not all(r.valid for r in results):
            raise LedgerError("a benchmark certificate did not verify in the batched run")

        customs = CertificateRegistryBinding(build_client(settings, "sg-customs"))
        utilize = customs.utilize(certificates[1], declaration="BENCH-1", quantity="1")
        revoke = issuer.revoke(certificates[0], "clerical-error")
    gas = [b.gas_used or 0 for b in issued]  # every batch is sent by this run
    issue_gas = max(gas)
    return CertificateBenchmark(
        count=count,
        batches=len(issued),
        wrap_anchor_seconds=round(wrap_anchor, 3),
        certificates_per_second=round(count / wrap_anchor, 1),
        issue_gas=issue_gas,
        gas_per_certificate=round(sum(gas) / count, 3),
        revoke_gas=revoke.gas_used,
        utilize_gas=utilize.gas_used,
        verify_p50_ms=round(statistics.median(latencies), 3),
        verify_p99_ms=round(percentile(latencies, 0.99), 3),
        verify_batch_per_s=round(count / batch_seconds, 1),
        rpc_calls_per_verify=rpc_calls,
        http_requests_per_verify=http_requests,
    )
