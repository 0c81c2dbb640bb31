"""What every benchmark shares: a fresh development chain, and percentiles."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.devnet.consortium import deploy_dev
from ledger.devnet.node import EmbeddedNode
from ledger.devnet.node_start import free_port
from ledger.errors import LedgerError
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.ids import member_id_bytes
from ledger.settings import LedgerSettings

HOST = "127.0.0.1"


@dataclass(frozen=True)
class DevChain:
    """A benchmark's own chain: its temporary directory (the data directory is `root/data`),
    the settings that reach it, and the node's RPC URL."""

    root: Path
    settings: LedgerSettings
    rpc_url: str


@contextmanager
def dev_chain(*, prefix: str, port: int = 0, workdir: Path | None = None) -> Iterator[DevChain]:
    """A fresh embedded node (on `port`, or a free one) in a temporary directory under `workdir`,
    with the development consortium deployed; the node stops and the directory goes on exit."""
    with tempfile.TemporaryDirectory(prefix=prefix, dir=workdir) as tmp:
        root = Path(tmp)
        settings = LedgerSettings(data_dir=root / "data")
        node = EmbeddedNode(settings.data_dir, port=port or free_port(HOST))
        info, _ = node.start()
        try:
            deploy_dev(
                rpc_client_for=lambda profile: build_client(settings, profile),
                deployments_dir=settings.resolved_deployments_dir,
                data_dir=settings.data_dir,
            )
            yield DevChain(root=root, settings=settings, rpc_url=info.rpc_url)
        finally:
            node.stop()


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` (0.99: p99) of the sorted values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


OPEN_GAS = 300_000  # opening a consignment with its opener as its one party costs about 120,000


def open_consignments(trader: LedgerClient, consignments: list[bytes]) -> None:
    """Open `consignments` (ids) from CN to SG as `trader`, pipelined: benchmarks append to them."""
    binding = EvidenceRegistryBinding(trader)
    opening = binding.codec.function("openConsignment")
    cn, sg = member_id_bytes("CN"), member_id_bytes("SG")
    calls = [{"to": binding.address, "data": opening.call_data(c, cn, sg, [])} for c in consignments]
    receipts = trader.wait_many(trader.send_batch(calls, gas=OPEN_GAS))
    if any(r["status"] != 1 for r in receipts):
        raise LedgerError("opening a benchmark consignment failed")
