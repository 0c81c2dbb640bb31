"""`sanzhi bench webhooks`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.webhooks import run_webhook_benchmark
from cli.context import JsonOption, report_figures


def webhooks(
    subscriptions: Annotated[int, typer.Option("--subscriptions", min=1, max=200, help="Subscriptions (N).")] = 10,
    events: Annotated[
        int, typer.Option("--events", min=1, max=10_000, help="Events sent one at a time for the latency (M).")
    ] = 100,
    burst: Annotated[
        int, typer.Option("--burst", min=1, max=10_000, help="Events sent at once, for the rate and for the kill.")
    ] = 200,
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/webhooks.json"),
    port: Annotated[int, typer.Option("--port", help="Port for the benchmark's own node (0: any free).")] = 0,
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where the node's and database's data go.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Webhook latency from mined transaction to verified receipt p50/p99 over SUBSCRIPTIONS x
    EVENTS, deliveries per second over a BURST, and a deliverer SIGKILLed mid-stream that loses
    nothing."""
    result = run_webhook_benchmark(subscriptions=subscriptions, events=events, burst=burst, port=port, workdir=workdir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
