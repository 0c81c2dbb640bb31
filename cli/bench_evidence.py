"""`sanzhi bench evidence`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.evidence import run_evidence_benchmark
from cli.context import JsonOption, report_figures


def evidence(
    consignments: Annotated[int, typer.Option("--consignments", min=1, max=100_000)] = 2_000,
    events: Annotated[int, typer.Option("--events", min=1, max=100, help="Events per consignment.")] = 10,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/evidence.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node.")] = 8598,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where the node's data goes.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Anchor CONSIGNMENTS x EVENTS trade events; throughput, gas, timeline latency, bundles."""
    result = run_evidence_benchmark(consignments=consignments, events=events, port=port, workdir=workdir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
