"""`sanzhi bench api`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.api import run_api_benchmark
from benchmarks.indexer import run_indexer_benchmark
from cli.context import JsonOption, report_figures


def api(
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/api.json"),
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="uvicorn worker processes.")] = 2,
    seconds: Annotated[float, typer.Option("--seconds", min=1, help="Duration of each load level.")] = 10.0,
    certificates: Annotated[int, typer.Option("--certificates", min=1, max=10_000)] = 500,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=2000)] = 500,
    node_port: Annotated[int, typer.Option("--node-port", help="Port for the benchmark's own node.")] = 8598,
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's service.")] = 8597,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where its data goes (default: temp).")] = None,
    with_index: Annotated[
        bool, typer.Option("--index/--no-index", help="Also measure the indexer and audit queries (as bench index).")
    ] = True,
    audit_events: Annotated[int, typer.Option("--audit-events", min=1_000, max=10_000_000)] = 1_000_000,
    as_json: JsonOption = False,
) -> None:
    """Verify requests/s and p50/p99 latency at 1, 16 and 64 clients, batch verification, and
    (unless --no-index) indexer catch-up events/s and audit query p50/p99 on SQLite and PostgreSQL."""
    result = run_api_benchmark(
        node_port=node_port, port=port, workers=workers, seconds=seconds, certificates=certificates,
        batch_size=batch_size, workdir=workdir,
    )  # fmt: skip
    figures: dict[str, object] = result.model_dump()
    if with_index:
        indexed = run_indexer_benchmark(
            consignments=2_000, events_per_consignment=10, audit_events=audit_events, samples=200, port=0,
            workdir=workdir,
        )  # fmt: skip
        figures |= indexed.model_dump()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    report_figures(figures, out, as_json)
