"""Document store throughput and memory: put (encrypt + store) and get (fetch + check + decrypt)
for 1 KB, 1 MB and 100 MB documents, on the local store and through a js-ipfs daemon.

Each size runs in a fresh child process, so that the 100 MB case's peak memory is its own:
`peak_rss_mb_100mb` is how far the process's peak resident set rose above what it held before
the put and get began (the interpreter and libraries are there either way);
`process_peak_rss_mb_100mb` is the absolute peak, for reference.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from ledger.store.backends import BlobBackend
from ledger.store.blobs import BlobStore
from ledger.store.documents import decrypt_to, encrypt_into
from ledger.store.ipfs import IpfsBackend
from ledger.store.layout import StoreLayout

SIZES = {"1kb": 1_000, "1mb": 1_000_000, "100mb": 100_000_000}
_PIECE = 1 << 20


class SizeFigures(BaseModel):
    size_bytes: int
    put_mb_per_s: float
    get_mb_per_s: float
    rss_rise_mb: float
    process_peak_rss_mb: float


class DocsBenchmark(BaseModel):
    local_put_mb_per_s: float
    local_get_mb_per_s: float
    ipfs_put_mb_per_s: float | None
    ipfs_get_mb_per_s: float | None
    peak_rss_mb_100mb: float
    process_peak_rss_mb_100mb: float
    local: dict[str, SizeFigures]
    ipfs: dict[str, SizeFigures]
    note: str


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _write_plaintext(path: Path, size: int) -> None:
    piece = os.urandom(_PIECE)
    with path.open("wb") as out:
        left = size
        while left > 0:
            out.write(piece[: min(left, _PIECE)])
            left -= _PIECE


def _measure(size: int, workdir: str, ipfs_api: str | None, rounds: int) -> SizeFigures:
    """One size, in this (child) process: best of `rounds` put and get."""
    work = Path(workdir)
    source = work / f"plain-{size}"
    _write_plaintext(source, size)
    before = _rss_mb()
    remote: BlobBackend | None = IpfsBackend(ipfs_api) if ipfs_api else None
    put_s, get_s = float("inf"), float("inf")
    for round_ in range(rounds):
        blobs = BlobStore.open(StoreLayout(work / f"store-{round_}"), remote)
        started = time.perf_counter()
        cid, key, _ = encrypt_into(blobs, source)
        if blobs.push([cid]) is not None:
            raise RuntimeError("IPFS refused the blob")
        put_s = min(put_s, time.perf_counter() - started)
        if remote is not None:  # a reader elsewhere: nothing local, everything from IPFS
            blobs.local_path(cid).unlink()
        started = time.perf_counter()
        decrypt_to(blobs, cid, key, work / f"out-{round_}")
        get_s = min(get_s, time.perf_counter() - started)
        if (work / f"out-{round_}").stat().st_size != size:
            raise RuntimeError("the round trip lost bytes")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    return SizeFigures(
        size_bytes=size,
        put_mb_per_s=_figure(size / 1e6 / put_s),
        get_mb_per_s=_figure(size / 1e6 / get_s),
        rss_rise_mb=round(max(0.0, peak - before), 1),
        process_peak_rss_mb=round(peak, 1),
    )


def _figure(value: float) -> float:
    """Three significant digits: 0.0213 MB/s for a 1 KB put is a figure, 0.0 is not."""
    return float(f"{value:.3g}")


def _run_sizes(workdir: Path, ipfs_api: str | None) -> dict[str, SizeFigures]:
    figures = {}
    for name, size in SIZES.items():
        rounds = 3 if size <= 1_000_000 else 2
        with ProcessPoolExecutor(max_workers=1) as child, tempfile.TemporaryDirectory(dir=workdir) as tmp:
            figures[name] = child.submit(_measure, size, tmp, ipfs_api, rounds).result()
    return figures


def run_docs_benchmark(*, workdir: Path, ipfs_api: str | None) -> DocsBenchmark:
    workdir.mkdir(parents=True, exist_ok=True)
    local = _run_sizes(workdir, None)
    ipfs = _run_sizes(workdir, ipfs_api) if ipfs_api else {}
    big = local["100mb"]
    return DocsBenchmark(
        local_put_mb_per_s=big.put_mb_per_s,
        local_get_mb_per_s=big.get_mb_per_s,
        ipfs_put_mb_per_s=ipfs["100mb"].put_mb_per_s if ipfs else None,
        ipfs_get_mb_per_s=ipfs["100mb"].get_mb_per_s if ipfs else None,
        peak_rss_mb_100mb=max(big.rss_rise_mb, ipfs["100mb"].rss_rise_mb if ipfs else 0.0),
        process_peak_rss_mb_100mb=max(big.process_peak_rss_mb, ipfs["100mb"].process_peak_rss_mb if ipfs else 0.0),
        local=local,
        ipfs=ipfs,
        note="put = encrypt (AES-256-GCM, 1 MiB chunks) + store + CID (+ push and pin on IPFS); "
        "get = fetch (from IPFS when remote) + name check + decrypt; peak_rss_mb_100mb is the rise of the "
        "process's peak RSS over its RSS before the 100 MB put and get",
    )
