"""make runs forge through scripts/forge-path, which names the platform binary: the npm
package's bin.mjs wrapper exits 0 whatever forge returns, so a failing `forge test` or
`forge fmt --check` would pass CI unseen."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support import ROOT


def forge() -> str:
    found = subprocess.run([ROOT / "scripts" / "forge-path"], capture_output=True, text=True, check=True)
    return found.stdout.strip()


def test_a_forge_failure_reaches_make(tmp_path: Path) -> None:
    (tmp_path / "Bad.sol").write_text("contract   Bad{ }\n")
    checked = subprocess.run([forge(), "fmt", "--check", "Bad.sol"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode != 0, checked.stdout + checked.stderr
    (tmp_path / "Bad.sol").write_text("contract Bad {}\n")
    checked = subprocess.run([forge(), "fmt", "--check", "Bad.sol"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_make_never_runs_the_wrapper_that_loses_the_exit_status() -> None:
    lines = (ROOT / "Makefile").read_text().splitlines()
    assert [line for line in lines if "bin.mjs" in line and not line.lstrip().startswith("#")] == []
    assert "FORGE = $(shell scripts/forge-path)" in lines
