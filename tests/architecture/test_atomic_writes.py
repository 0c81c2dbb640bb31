"""Files are replaced in one place only (ledger.files): no module renames or stages files by hand."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support import ROOT

CHECKED = ("ledger", "cli", "api", "oracles", "benchmarks", "network", "demo", "scripts")
WRITER = ROOT / "ledger" / "files.py"
# os.replace, os.rename, os.renames, shutil.move, tempfile.mkstemp, also when imported by name
FORBIDDEN = {"replace", "rename", "renames", "move", "mkstemp"}
MODULES = {"os", "shutil", "tempfile"}


def hand_made_writes(source: str) -> Iterator[str]:
    """What in `source` renames or stages a file: `os.replace(...)`, `Path.rename(...)`, ..."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in MODULES:
            yield from (f"from {node.module} import {a.name}" for a in node.names if a.name in FORBIDDEN)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, name = node.func.value, node.func.attr
        if isinstance(owner, ast.Name) and owner.id in MODULES and name in FORBIDDEN:
            yield f"{owner.id}.{name}"
        elif name == "rename":
            yield "Path.rename"
        # Path.replace takes one argument; str.replace two, datetime.replace keywords
        elif name == "replace" and len(node.args) == 1 and not node.keywords:
            yield "Path.replace"


def test_hand_made_writes_are_found() -> None:
    source = """
import os, shutil, tempfile
from os import replace
os.replace(a, b); os.rename(a, b); tmp.replace(path); tmp.rename(path); tempfile.mkstemp(dir=d)
shutil.move(a, b); "x".replace("a", "b"); when.replace(tzinfo=None); shutil.rmtree(d)
"""
    assert list(hand_made_writes(source)) == [
        "from os import replace", "os.replace", "os.rename", "Path.replace", "Path.rename",
        "tempfile.mkstemp", "shutil.move",
    ]  # fmt: skip


def _sources() -> Iterator[Path]:
    for top in CHECKED:
        yield from sorted((ROOT / top).rglob("*.py"))


def test_only_the_atomic_writer_renames_files() -> None:
    wrong = [
        (str(path.relative_to(ROOT)), what)
        for path in _sources()
        if path != WRITER
        for what in hand_made_writes(path.read_text())
    ]
    assert wrong == []
