"""`sanzhi bench certificates`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.certificates import run_certificate_benchmark
from cli.context import JsonOption, report_figures


def certificates(
    count: Annotated[int, typer.Option("--count", min=1, max=65_536 * 4)] = 10_000,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/certificates.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node.")] = 8599,
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="Where the samples and wrapped files go (default: system temp).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Wrap+anchor COUNT certificates on a fresh node; gas and verification latency."""
    result = run_certificate_benchmark(count=count, port=port, workdir=workdir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
