"""`sanzhi bench docs`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.documents import run_docs_benchmark
from cli.context import JsonOption, report_figures
from ledger.devnet.ipfs import EmbeddedIpfs


def docs(
    out: Annotated[Path, typer.Option("--out", help="JSON results file.")] = Path("bench-results/docs.json"),
    workdir: Annotated[Path, typer.Option("--workdir", help="Scratch space (about 1 GB).")] = Path(
        ".sanzhi/bench-docs"
    ),
    ipfs: Annotated[bool, typer.Option("--ipfs/--no-ipfs", help="Also measure through a js-ipfs daemon.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Put and get MB/s for 1 KB, 1 MB and 100 MB documents, local and IPFS; peak memory."""
    if ipfs:
        daemon = EmbeddedIpfs(workdir / "ipfs-node")
        api = daemon.start()
        try:
            result = run_docs_benchmark(workdir=workdir, ipfs_api=api)
        finally:
            daemon.stop()
    else:
        result = run_docs_benchmark(workdir=workdir, ipfs_api=None)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    report_figures(result.model_dump(), out, as_json)
