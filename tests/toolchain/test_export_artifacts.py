"""The exported artifacts depend on the sources only: solc's AST ids, which key the immutables'
byte ranges and differ between a cached build and a clean one, do not reach the files in git."""

from __future__ import annotations

from tests.support import load_script


def test_immutables_are_keyed_by_their_place_in_the_code_not_by_ast_id() -> None:
    export = load_script("export_artifacts")
    consortium, name = [{"start": 431, "length": 32}, {"start": 2500, "length": 32}], [{"start": 90, "length": 32}]
    clean = export._stable_keys({"14890": consortium, "14893": name})
    cached = export._stable_keys({"14792": consortium, "14795": name})
    assert clean == cached == {"0": name, "1": consortium}
