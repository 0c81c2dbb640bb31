"""`sanzhi bench soak`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from benchmarks.soak.report import write_report
from benchmarks.soak.run import run_soak
from cli.context import JsonOption, report_figures

SHOWN = ("minutes", "seed", "operations", "acknowledged", "lost", "duplicated", "kills", "kills_by_part",
         "max_recovery_s", "http_5xx", "http_5xx_excused", "connection_errors", "load_average_end", "wall_seconds",
         "goals_missed")  # fmt: skip


def soak(
    minutes: Annotated[float, typer.Option("--minutes", min=0.1, max=24 * 60, help="How long the clients run.")] = 10,
    chaos: Annotated[
        bool, typer.Option("--chaos/--no-chaos", help="Kill the node, a worker, the follower, deliverer and oracle.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the kills' moments and the clients' data.")] = 1,
    out: Annotated[Path, typer.Option("--out", help="JSON results file; the logs and journals go beside it.")] = Path(
        "bench-results/soak.json"
    ),
    workdir: Annotated[Path | None, typer.Option("--workdir", help="Where the soak's data directory goes.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The whole system for MINUTES under mixed load, with --chaos its parts SIGKILLed again and
    again; reconciled from the chain: lost, duplicated, kills, recovery, 5xx. Exits 1 when a
    goal is missed: anything lost or duplicated, a 5xx outside a killed part's restart, a part
    that did not recover, drawn quantities that do not add up, or with --chaos fewer than 2
    kills a minute."""
    logs = out.parent / f"{out.stem}-logs"
    report = run_soak(minutes=minutes, chaos=chaos, seed=seed, workdir=workdir, logs=logs,
                      say=lambda message: typer.echo(message, err=True))  # fmt: skip
    write_report(report, out)
    figures = report.model_dump(mode="json")
    report_figures({k: figures[k] for k in SHOWN}, out, as_json)
    if report.goals_missed:
        typer.echo(f"goals missed: {'; '.join(report.goals_missed)}", err=True)
        for detail in report.writes.details + report.quantities.details + report.errors.details + report.node_refusals:
            typer.echo(f"  {detail}", err=True)  # which writes, numbers and answers: CI keeps no files
        raise typer.Exit(1)
