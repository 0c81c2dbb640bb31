"""The import arrows run one way: applications -> ledger concepts -> chain and hashing, as
docs/architecture.md draws them.

Read with the standard library's `ast`, imports inside functions included, so a lazy import
cannot hide an arrow pointing the wrong way.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

APPLICATIONS = ("cli", "api", "oracles", "benchmarks", "network", "demo")
TOP_LEVEL = ("ledger", *APPLICATIONS)
# what each application may import besides the library
MAY_IMPORT = {
    "cli": {"api", "oracles", "benchmarks", "network", "demo"},
    "benchmarks": {"oracles"},
    "api": set(),
    "oracles": set(),
    "network": set(),
    "demo": set(),
}
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
)
DIAGRAM = ROOT / "docs" / "architecture.md"
# the diagram's node of the top-level ledger modules every package uses (errors, settings ...);
# `ledger.connect`, which builds a client from settings, is a node of its own
SHARED = "shared"


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


def _node(module: str) -> str:
    """The diagram's node of `module`: its package, `connect`, or the shared top-level modules."""
    parts = module.split(".")
    if parts[0] != "ledger":
        return parts[0]
    if len(parts) > 1 and ((ROOT / "ledger" / parts[1]).is_dir() or parts[1] == "connect"):
        return parts[1]
    return SHARED


def _packages() -> set[str]:
    """Every node the diagram must show: the applications, ledger's packages, connect, shared."""
    ledger = {p.parent.name for p in (ROOT / "ledger").glob("*/__init__.py")}
    return {*APPLICATIONS, *ledger, "connect", SHARED}


_NODE = re.compile(r"(\w+)\s*[\[(]")
# `a --> b`, `a -- label --> b`, `a -- "label" --> b`
_ARROW = re.compile(r"\s*(?:--\s+(?:\"[^\"]*\"|[^\"]+?)\s+)?-->\s*")


def read_diagram(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The node ids and the arrows (source id, target id) of the first mermaid flowchart in `text`."""
    found = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert found is not None, "no mermaid diagram"
    nodes: set[str] = set()
    arrows: set[tuple[str, str]] = set()
    for line in (raw.strip() for raw in found[1].splitlines()):
        if line.startswith(("subgraph", "end", "flowchart")):
            continue
        parts = _ARROW.split(line)
        ids = [re.match(r"\w+", part) for part in parts]
        nodes.update(m[1] for part in parts if (m := _NODE.match(part)))
        arrows.update((a[0], b[0]) for a, b in itertools.pairwise(ids) if a and b)
    return nodes, arrows


def _drawn() -> tuple[set[str], set[tuple[str, str]]]:
    nodes, arrows = read_diagram(DIAGRAM.read_text())
    packages = _packages()
    return nodes, {(a, b) for a, b in arrows if a in packages and b in packages}


def _imported() -> set[tuple[str, str]]:
    """The arrows the imports make between the diagram's nodes, but for the undrawn ones: into
    the shared modules, and from an application into the library (`apps --> lib`)."""
    arrows = set()
    for module, imported in import_graph().items():
        for target in imported:
            source, dest = _node(module), _node(target)
            if source == dest or dest == SHARED or (source in APPLICATIONS and dest not in APPLICATIONS):
                continue
            arrows.add((source, dest))
    return arrows


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


def test_the_diagram_is_read() -> None:
    text = """```mermaid
flowchart LR
  subgraph apps["applications"]
    cli["cli/ — the command"]
    C[Consortium]
  end
  cli --> chain --> hashing
  chain -- "JSON-RPC only" --> evm
  CR -- membership, oracles --> C
  store -- "blobs" --> ipfs[("IPFS")]
```"""
    nodes, arrows = read_diagram(text)
    assert nodes == {"cli", "C", "ipfs"}
    assert arrows == {("cli", "chain"), ("chain", "hashing"), ("chain", "evm"), ("CR", "C"), ("store", "ipfs")}
    assert ("chain", "hashing") in read_diagram(DIAGRAM.read_text())[1]


def test_the_diagram_shows_every_package() -> None:
    nodes, _ = _drawn()
    assert _packages() - nodes == set()


def test_every_import_arrow_between_packages_is_drawn() -> None:
    _, drawn = _drawn()
    assert sorted(_imported() - drawn) == []


def test_every_drawn_arrow_is_an_import() -> None:
    _, drawn = _drawn()
    assert sorted(drawn - _imported()) == []
