"""CLI start-up benchmark: how long a user waits for `sanzhi --help`, `sanzhi node status` and
`sanzhi cert verify FILE`, each run as the process a user starts (the installed `sanzhi`
script), and the help's peak memory.

A figure is the median of `runs` processes (benchmarks/processes.py starts and measures them).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

from pydantic import BaseModel

from benchmarks.common import dev_chain
from benchmarks.processes import measure
from ledger.certificates.issuance import issue_files
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.chain.client import LedgerClient
from ledger.connect import build_client
from ledger.documents import to_json_data
from ledger.documents.samples import generate_samples
from ledger.errors import ConfigurationError

# what a user waits for at most: the help, the node's status, one certificate verified; the help's memory
GOALS: dict[str, float] = {"cli_help_ms": 300, "cli_help_rss_mb": 60, "cli_status_ms": 500, "cli_verify_ms": 1500}


class CliBenchmark(BaseModel):
    runs: int
    cli_help_ms: float
    cli_help_rss_mb: float
    cli_status_ms: float
    cli_verify_ms: float
    goals: dict[str, float]
    # each figure against its goal (at most the goal)
    meets_goals: dict[str, bool]


def sanzhi_script() -> Path:
    """The `sanzhi` console script of this interpreter's environment: what a user runs."""
    script = Path(sys.executable).with_name("sanzhi")
    if not script.is_file():
        raise ConfigurationError(f"no `sanzhi` script next to {sys.executable}: install the package (make setup)")
    return script


def run_cli_benchmark(*, runs: int, port: int, workdir: Path | None = None) -> CliBenchmark:
    """Start a fresh embedded node, anchor one certificate on it, and time the three commands."""
    script = str(sanzhi_script())
    # the caller's SANZHI_* settings would point the commands elsewhere than this benchmark's chain
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANZHI_")}
    with dev_chain(prefix="sanzhi-bench-cli-", port=port, workdir=workdir) as chain:
        certificate = _anchored_certificate(chain.root, build_client(chain.settings, "cn-issuer"))
        data_dir = ["--data-dir", str(chain.settings.data_dir)]
        commands = {
            "help": [script, "--help"],
            "status": [script, *data_dir, "node", "status"],
            "verify": [script, *data_dir, "--rpc-url", chain.rpc_url, "cert", "verify", str(certificate)],
        }
        measured = measure(commands, runs=runs, env=env)

    def median_ms(name: str) -> float:
        return round(statistics.median(r.wall_ms for r in measured[name]), 1)

    figures = {
        "cli_help_ms": median_ms("help"),
        "cli_help_rss_mb": round(statistics.median(r.max_rss_mb for r in measured["help"]), 1),
        "cli_status_ms": median_ms("status"),
        "cli_verify_ms": median_ms("verify"),
    }
    return CliBenchmark.model_validate(
        {
            "runs": runs,
            **figures,
            "goals": GOALS,
            "meets_goals": {name: value <= GOALS[name] for name, value in figures.items()},
        }
    )


def _anchored_certificate(root: Path, issuer: LedgerClient) -> Path:
    """One certificate of origin, wrapped and anchored by the CN issuer: what `cert verify` reads."""
    samples, out = root / "samples", root / "wrapped"
    samples.mkdir()
    [document] = generate_samples("certificate-of-origin", 1, seed=2026, origin="CN", destination="SG")
    source = samples / "co.json"
    source.write_text(json.dumps(to_json_data(document), ensure_ascii=False))
    issue_files(
        registry=CertificateRegistryBinding(issuer), doc_type="certificate-of-origin", files=[source], out_dir=out
    )
    return out / source.name
