"""`sanzhi bench ...`: speed and gas benchmarks, results written as JSON.

Each benchmark is imported when it runs (cli/lazy.py): `sanzhi bench cli` does not import the
service's benchmark, nor FastAPI with it."""

from __future__ import annotations

import typer

from cli.lazy import LazyCommand, LazyGroup

BENCHMARKS = (
    LazyCommand(
        "certificates",
        "cli.bench_cert:certificates",
        "Wrap+anchor COUNT certificates on a fresh node; gas and verification latency.",
    ),
    LazyCommand(
        "aeo",
        "cli.bench_aeo:aeo",
        "Cold AEO feed of N operators by two oracles on a fresh node; gas; recognition latency.",
    ),
    LazyCommand(
        "evidence",
        "cli.bench_evidence:evidence",
        "Anchor CONSIGNMENTS x EVENTS trade events; throughput, gas, timeline latency, bundles.",
    ),
    LazyCommand(
        "docs",
        "cli.bench_docs:docs",
        "Put and get MB/s for 1 KB, 1 MB and 100 MB documents, local and IPFS; peak memory.",
    ),
    LazyCommand(
        "index",
        "cli.bench_index:index",
        "Catch-up speed over CONSIGNMENTS x EVENTS evidence events; audit query p50/p99 over AUDIT_EVENTS indexed "
        "events, on SQLite and PostgreSQL.",
    ),
    LazyCommand(
        "api",
        "cli.bench_api:api",
        "Verify requests/s and p50/p99 latency at 1, 16 and 64 clients, batch verification, and (unless --no-index) "
        "indexer catch-up events/s and audit query p50/p99 on SQLite and PostgreSQL.",
    ),
    LazyCommand(
        "webhooks",
        "cli.bench_webhooks:webhooks",
        "Webhook latency from mined transaction to verified receipt p50/p99 over SUBSCRIPTIONS x EVENTS, deliveries "
        "per second over a BURST, and a deliverer SIGKILLed mid-stream that loses nothing.",
    ),
    LazyCommand(
        "soak",
        "cli.bench_soak:soak",
        "The whole system for MINUTES under mixed load, with --chaos its parts SIGKILLed again and again; reconciled "
        "from the chain: lost, duplicated, kills, recovery, 5xx. Exits 1 when a goal is missed: anything lost or "
        "duplicated, a 5xx outside a killed part's restart, a part that did not recover, drawn quantities that do not"
        " add up, or with --chaos fewer than 2 kills a minute.",
    ),
    LazyCommand(
        "cli",
        "cli.bench_cli:cli",
        "Start-up of `sanzhi --help`, `node status` and `cert verify` as processes: median ms of RUNS, the help's "
        "peak memory, each against its goal.",
    ),
)


class BenchCommands(LazyGroup):
    table = BENCHMARKS


app = typer.Typer(help="Benchmarks (results as JSON, written to --out).", no_args_is_help=True, cls=BenchCommands)
