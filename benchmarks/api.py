"""API benchmark: the public verify route under concurrent clients, and batch verification.

A fresh embedded node gets the dev consortium and a batch of issued certificates; `sanzhi
serve` runs in a child process (uvicorn, `workers` processes, rate limits off) and a client in
this process sends single-certificate verify requests from 1, 16 and 64 concurrent
connections, then batches to the batch route.

The client is a minimal HTTP/1.1 keep-alive client, an asyncio protocol (hand-written: on a
2-core machine shared with the server and the node, every millisecond of CPU the client spends
is taken from the service it measures; a general-purpose client library costs several times
more per request than the route itself).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from pydantic import BaseModel

from benchmarks.common import dev_chain, percentile
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import WrappedCertificate
from ledger.connect import build_client
from ledger.documents import parse_document, to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import LedgerError
from ledger.parallel import die_with_parent, stop_process_group
from ledger.settings import LedgerSettings

CONCURRENCY = (1, 16, 64)
# batch requests in flight: enough connections that every worker gets some (the kernel spreads
# connections over the workers' sockets by a hash)
BATCH_CLIENTS_PER_WORKER = 4
START_TIMEOUT_SECONDS = 60


class ApiBenchmark(BaseModel):
    workers: int
    seconds_per_level: float
    certificates: int
    verify_rps_1: float
    verify_p50_ms_1: float
    verify_p99_ms_1: float
    verify_rps_16: float
    verify_p50_ms_16: float
    verify_p99_ms_16: float
    verify_rps_64: float
    verify_p50_ms_64: float
    verify_p99_ms_64: float
    batch_size: int
    batch_clients: int
    batch_verify_per_s: float
    batch_request_ms_p50: float


def _request(path: str, body: bytes, port: int) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class _Client(asyncio.Protocol):
    """One kept-alive connection sending a request and reading its answer (Content-Length
    bodies, as uvicorn sends them) at a time; asyncio's streams cost twice the CPU per request."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiting: asyncio.Future[bytes] | None = None
        self.closed: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = exc or ConnectionError("the service closed the connection")
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_exception(self.closed)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiting is None:
            return
        head = bytes(self.buffer[:end])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(self.buffer) < end + 4 + length:
            return
        status = int(head.split(b" ", 2)[1])
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        if status != 200:
            self.waiting.set_exception(LedgerError(f"the service answered {status}: {body[:300]!r}"))
        else:
            self.waiting.set_result(body)

    async def exchange(self, request: bytes) -> bytes:
        if self.closed is not None or self.transport is None:
            raise self.closed or ConnectionError("not connected")
        self.waiting = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiting


async def _load(
    port: int, requests_: list[bytes], clients: int, seconds: float, expect: bytes = b'{"valid":true'
) -> tuple[int, list[float], float]:
    """`clients` connections sending the requests in turn for `seconds`: count, latencies (ms);
    every answer must start with `expect`."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    loop = asyncio.get_running_loop()

    async def client(offset: int) -> None:
        transport, connection = await loop.create_connection(_Client, "127.0.0.1", port)
        n = offset
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                body = await connection.exchange(requests_[n % len(requests_)])
                latencies.append((time.perf_counter() - started) * 1000)
                if not body.startswith(expect):
                    raise LedgerError(f"a benchmark certificate did not verify: {body[:300]!r}")
                n += clients
        finally:
            transport.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return len(latencies), latencies, time.perf_counter() - started


@contextmanager
def _server(data_dir: Path, rpc_url: str, port: int, workers: int) -> Iterator[None]:
    sanzhi = Path(sys.executable).with_name("sanzhi")
    command = [str(sanzhi), "--data-dir", str(data_dir), "--rpc-url", rpc_url, "serve", "--port", str(port),
               "--workers", str(workers), "--public-rate", "0", "--key-rate", "0"]  # fmt: skip
    parent = os.getpid()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: die_with_parent(parent),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode(errors="replace")[-800:] if process.stderr else ""
                raise LedgerError(f"sanzhi serve did not start on port {port}: {error.strip() or 'no output'}")
            time.sleep(0.2)
        yield
    finally:
        stop_process_group(process)
        if process.stderr:
            process.stderr.close()


def _issue(settings: LedgerSettings, count: int) -> list[WrappedCertificate]:
    documents = [
        parse_document("certificate-of-origin", to_json_data(d))
        for d in generate_samples("certificate-of-origin", count, seed=2027, origin="CN", destination="SG")
    ]
    registry = CertificateRegistryBinding(build_client(settings, "cn-issuer"))
    batches = registry.wrap(documents)
    registry.anchor(batches)
    return [c for b in batches for c in b.certificates]


def run_api_benchmark(
    *, node_port: int, port: int, workers: int, seconds: float, certificates: int, batch_size: int,
    workdir: Path | None = None,
) -> ApiBenchmark:  # fmt: skip
    """Start a node and the service in a temporary directory (under `workdir`) and measure."""
    with dev_chain(prefix="sanzhi-bench-api-", port=node_port, workdir=workdir) as chain:
        settings = chain.settings
        issued = _issue(settings, max(certificates, batch_size))
        singles = [_request("/certificates/verify", c.model_dump_json().encode(), port) for c in issued[:certificates]]
        batch = json.dumps({"certificates": [c.model_dump(mode="json") for c in issued[:batch_size]]}).encode()
        with _server(settings.data_dir, chain.rpc_url, port, workers):
            figures: dict[str, float] = {}
            asyncio.run(_load(port, singles, 4, 1.0))  # warm every worker up
            for clients in CONCURRENCY:
                done, latencies, elapsed = asyncio.run(_load(port, singles, clients, seconds))
                figures[f"verify_rps_{clients}"] = round(done / elapsed, 1)
                figures[f"verify_p50_ms_{clients}"] = round(statistics.median(latencies), 2)
                figures[f"verify_p99_ms_{clients}"] = round(percentile(latencies, 0.99), 2)
            batch_request = [_request("/certificates/verify/batch", batch, port)]
            expect = f'{{"valid":{batch_size},"invalid":0'.encode()
            batch_clients = BATCH_CLIENTS_PER_WORKER * workers
            done, latencies, elapsed = asyncio.run(_load(port, batch_request, batch_clients, seconds, expect))
    return ApiBenchmark(
        workers=workers,
        seconds_per_level=seconds,
        certificates=certificates,
        batch_size=batch_size,
        batch_clients=batch_clients,
        batch_verify_per_s=round(done * batch_size / elapsed, 1),
        batch_request_ms_p50=round(statistics.median(latencies), 1),
        **figures,
    )
