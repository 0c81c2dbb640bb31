"""The import arrows run one way: applications -> ledger concepts -> chain and hashing.

Read with the standard library's `ast`, imports inside functions included, so a lazy import
cannot hide an arrow pointing the wrong way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

APPLICATIONS = ("cli", "api", "oracles", "benchmarks")
TOP_LEVEL = ("ledger", *APPLICATIONS)
# what each application may import besides the library
MAY_IMPORT = {"cli": {"api", "oracles", "benchmarks"}, "benchmarks": {"oracles"}, "api": set(), "oracles": set()}
# the foundations of the library: they know nothing of the concepts built on them
FOUNDATIONS = ("ledger.chain", "ledger.hashing")
CONCEPTS = (
    "ledger.documents",
    "ledger.consortium",
    "ledger.certificates",
    "ledger.aeo",
    "ledger.evidence",
    "ledger.store",
    "ledger.statistics",
    "ledger.devnet",
    "ledger.index",
    "ledger.network",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def import_graph() -> dict[str, set[str]]:
    """First-party module -> the first-party modules it imports."""
    graph: dict[str, set[str]] = {}
    for top in TOP_LEVEL:
        for path in sorted((ROOT / top).rglob("*.py")):
            graph[_module_name(path)] = {m for m in _imports(path) if m.split(".")[0] in TOP_LEVEL}
    return graph


def _package(module: str) -> str:
    """`ledger.chain.client` -> `ledger.chain`; a top-level ledger module stands for itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "ledger" else parts[0]


def _arrows(prefix: str) -> Iterator[tuple[str, str]]:
    for module, imported in import_graph().items():
        if module == prefix or module.startswith(prefix + "."):
            for target in imported:
                yield module, target


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "ledger.chain.client" in graph
    assert "ledger.chain.client" in graph["ledger.connect"]


def test_the_library_imports_no_application() -> None:
    wrong = [(m, t) for m, t in _arrows("ledger") if t.split(".")[0] in APPLICATIONS]
    assert wrong == []


@pytest.mark.parametrize("application", APPLICATIONS)
def test_applications_import_only_the_library_and_what_sits_below_them(application: str) -> None:
    allowed = {"ledger", application, *MAY_IMPORT[application]}
    wrong = [(m, t) for m, t in _arrows(application) if t.split(".")[0] not in allowed]
    assert wrong == []


@pytest.mark.parametrize("foundation", FOUNDATIONS)
def test_chain_and_hashing_know_no_concept(foundation: str) -> None:
    wrong = [(m, t) for m, t in _arrows(foundation) if t.startswith(CONCEPTS)]
    assert wrong == []


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = {}
    for module, imported in import_graph().items():
        for target in imported:
            source, dest = _package(module), _package(target)
            if source != dest:
                edges.setdefault(source, set()).add(dest)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_test_modules_share_helpers_only_through_the_support_module() -> None:
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for module in _imports(path):
            if module.startswith("tests.") and module != "tests.support":
                wrong.append((str(path.relative_to(ROOT)), module))
    assert wrong == []
