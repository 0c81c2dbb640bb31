"""`sanzhi` starts at once: a command imports what it needs when it runs (cli/lazy.py), so the
help and the commands users run most never pay for web3, SQLAlchemy, FastAPI or other
commands' modules.

Each case runs `sanzhi` in a fresh interpreter, as a user's process does, and reads the
modules it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, Chain, CliRunner, issue

# the chain client and what it brings (most of a second)
CHAIN_CLIENT = ("web3", "eth_account", "aiohttp", "ledger.chain.client")
# the index's database layer, the service, schema validation, TLS-grade cryptography
SERVICE_AND_INDEX = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "uvicorn",
    "api",
    "ledger.index",
    "jsonschema",
    "cryptography",
)
HEAVY = (*CHAIN_CLIENT, *SERVICE_AND_INDEX)
COMMAND_MODULES = {f"cli.{path.stem}" for path in (ROOT / "cli").glob("*_cmd.py")}
BENCHMARK_MODULES = {f"cli.{path.stem}" for path in (ROOT / "cli").glob("bench_*.py")} - {"cli.bench_cmd"}
REPORT = """
import json, sys
from cli.main import run
code = run(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    """The modules `sanzhi ARGV` imports in a fresh interpreter (it must succeed)."""
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", REPORT, str(report), *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())
    assert result["code"] == 0, done.stderr
    return set(result["modules"])


def loaded(modules: set[str], *names: str) -> set[str]:
    """Which of `names` (or modules inside them) are among `modules`."""
    return {n for n in names for m in modules if m == n or m.startswith(n + ".")}


def test_the_help_imports_no_command_and_no_settings(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "--help")
    assert loaded(modules, *HEAVY, *COMMAND_MODULES, *BENCHMARK_MODULES, "benchmarks") == set()
    # the settings (pydantic-settings) are read once a command runs, not for the help
    assert loaded(modules, "pydantic", "pydantic_settings", "ledger.settings", "cli.context") == set()


def test_node_status_asks_the_node_without_a_chain_client(tmp_path: Path, session_chain: Chain) -> None:
    modules = imported_by(tmp_path, "--data-dir", str(session_chain.data_dir), "node", "status")
    assert "cli.node_cmd" in modules
    assert loaded(modules, *HEAVY, "requests", *(COMMAND_MODULES - {"cli.node_cmd"})) == set()


def test_the_benchmark_list_imports_no_benchmark(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "bench", "--help")
    assert loaded(modules, *HEAVY, *BENCHMARK_MODULES, "benchmarks") == set()


def test_a_benchmark_imports_no_other_benchmark(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "bench", "cli", "--help")
    assert {"cli.bench_cli", "benchmarks.cli"} <= modules
    assert loaded(modules, *(BENCHMARK_MODULES - {"cli.bench_cli"}), "benchmarks.api", "fastapi", "sqlalchemy") == set()


def test_verify_imports_what_verifying_needs(tmp_path: Path, cli: CliRunner) -> None:
    assert cli("cert", "sample", "--count", "1", "--out", str(tmp_path / "samples")).exit_code == 0
    [wrapped] = issue(cli, tmp_path / "samples", tmp_path / "wrapped")
    chain = cli.chain
    modules = imported_by(
        tmp_path, "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, "cert", "verify", str(wrapped)
    )
    assert "web3" in modules  # the chain client reads the registry: verifying needs it
    # issuing's pipeline and progress display, and bundles' proofs, are other commands' needs
    others = ("ledger.certificates.issuance", "ledger.certificates.bundle", "ledger.chain.proofs", "rich.progress")
    unwanted = (*SERVICE_AND_INDEX, *(COMMAND_MODULES - {"cli.cert_cmd"}), *others)
    assert loaded(modules, *unwanted) == set()
