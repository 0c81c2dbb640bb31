"""Compile the contracts with brownie (in .brownie-venv) using the project's solc-js wrapper.

brownie asks py-solc-x for an installed solc 0.8.30 and would download one; we register
tools/solc under py-solc-x's install folder instead, so nothing is fetched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    import solcx  # brownie's own py-solc-x, in .brownie-venv

    folder = Path(solcx.get_solcx_install_folder())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "solc-v0.8.30"
    if not target.exists():
        target.symlink_to(ROOT / "tools" / "solc")
    brownie = Path(sys.executable).parent / "brownie"
    return subprocess.run([str(brownie), "compile"], cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
