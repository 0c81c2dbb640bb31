"""`sanzhi bench ...`: speed and gas benchmarks, results written as JSON."""

from __future__ import annotations

import typer

from cli import bench_aeo, bench_api, bench_cert, bench_cli, bench_docs, bench_evidence, bench_index

app = typer.Typer(help="Benchmarks (results as JSON, written to --out).", no_args_is_help=True)
app.command("certificates")(bench_cert.certificates)
app.command("aeo")(bench_aeo.aeo)
app.command("evidence")(bench_evidence.evidence)
app.command("docs")(bench_docs.docs)
app.command("index")(bench_index.index)
app.command("api")(bench_api.api)
app.command("cli")(bench_cli.cli)
