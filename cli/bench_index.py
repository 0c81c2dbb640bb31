"""`sanzhi bench index`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.indexer import run_indexer_benchmark
from cli.context import JsonOption, report_figures


def index(
    consignments: Annotated[int, typer.Option("--consignments", min=1, max=100_000)] = 2_000,
    events: Annotated[int, typer.Option("--events", min=1, max=100, help="Evidence events per consignment.")] = 10,
    audit_events: Annotated[
        int, typer.Option("--audit-events", min=1_000, max=10_000_000, help="Events written for the query test.")
    ] = 1_000_000,
    samples: Annotated[int, typer.Option("--samples", min=10, max=10_000, help="Queries of each kind.")] = 200,
    postgres_url: Annotated[
        str | None,
        typer.Option(
            "--postgres-url",
            help="A PostgreSQL server to use (databases sanzhi_bench_* are dropped and created); "
            "default: a throwaway local one (pgserver).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/index.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node (0: any free).")] = 0,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where the node's and databases' data go.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Catch-up speed over CONSIGNMENTS x EVENTS evidence events; audit query p50/p99 over
    AUDIT_EVENTS indexed events, on SQLite and PostgreSQL."""
    result = run_indexer_benchmark(
        consignments=consignments,
        events_per_consignment=events,
        audit_events=audit_events,
        samples=samples,
        port=port,
        postgres_url=postgres_url,
        workdir=workdir,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
