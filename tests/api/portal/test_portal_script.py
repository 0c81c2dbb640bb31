"""The portal's one script parses: a syntax error would switch off every feature in it at once
(the reader's time zone, the live feed, the chart's redraw), with no error on any page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import api.portal

SCRIPT = Path(api.portal.__file__).parent / "static" / "portal.js"


def test_the_portal_script_parses() -> None:
    node = shutil.which("node")
    assert node is not None, "node (Node 20) is needed, as for the rest of the toolchain"
    checked = subprocess.run([node, "--check", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
