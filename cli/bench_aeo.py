"""`sanzhi bench aeo`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.aeo import run_aeo_benchmark
from cli.context import JsonOption, report_figures


def aeo(
    operators: Annotated[
        int, typer.Option("--operators", min=1, max=1_000_000, help="Operators in the export.")
    ] = 10_000,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/aeo.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node (0: any free).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Cold AEO feed of N operators by two oracles on a fresh node; gas; recognition latency."""
    result = run_aeo_benchmark(operators=operators, port=port)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
