"""`sanzhi bench cli`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.cli import run_cli_benchmark
from cli.context import JsonOption, report_figures


def cli(
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000, help="Processes per command.")] = 10,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/cli.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node (0: any free).")] = 0,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where its data goes (default: temp).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Start-up of `sanzhi --help`, `node status` and `cert verify` as processes: median ms of RUNS,
    the help's peak memory, each against its goal."""
    result = run_cli_benchmark(runs=runs, port=port, workdir=workdir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
