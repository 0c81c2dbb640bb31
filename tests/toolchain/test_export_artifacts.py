"""The exported artifacts depend on the sources only: solc's AST ids, which key the immutables'
byte ranges and differ between a cached build and a clean one, do not reach the files in git."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "export_artifacts.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_artifacts", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_immutables_are_keyed_by_their_place_in_the_code_not_by_ast_id() -> None:
    export = load_script()
    consortium, name = [{"start": 431, "length": 32}, {"start": 2500, "length": 32}], [{"start": 90, "length": 32}]
    clean = export._stable_keys({"14890": consortium, "14893": name})
    cached = export._stable_keys({"14792": consortium, "14795": name})
    assert clean == cached == {"0": name, "1": consortium}
