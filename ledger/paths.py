"""Where the development tools are: Foundry's binaries in the checkout's node_modules, or on PATH.

Only the embedded development node uses this; nothing else reads the source tree.
"""

from __future__ import annotations

import os
import platform
import shutil
from pathlib import Path

from ledger.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = PROJECT_ROOT / "node_modules"

_NPM_PLATFORM = {
    ("linux", "x86_64"): "linux-amd64",
    ("linux", "aarch64"): "linux-arm64",
    ("darwin", "arm64"): "darwin-arm64",
    ("darwin", "x86_64"): "darwin-amd64",
}


def foundry_binary(tool: str) -> Path:
    """Path of a Foundry tool (anvil, forge, cast): SANZHI_<TOOL>, node_modules, then PATH."""
    override = os.environ.get(f"SANZHI_{tool.upper()}")
    if override:
        return Path(override)
    suffix = _NPM_PLATFORM.get((platform.system().lower(), platform.machine().lower()))
    if suffix:
        candidate = NODE_MODULES / "@foundry-rs" / f"{tool}-{suffix}" / "bin" / tool
        if candidate.exists():
            return candidate
    on_path = shutil.which(tool)
    if on_path:
        return Path(on_path)
    raise ConfigurationError(
        f"{tool} not found: run `make setup` (installs it into node_modules) or set SANZHI_{tool.upper()}"
    )
