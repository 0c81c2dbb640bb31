"""The `besu` marker: `make test-besu` reruns the tests that carry it on the Besu-like node (gas
price 0, a block every second whether or not a transaction waits, the contracts' fork), and only
those; the first run (`make test-python`, on the `dev` node) runs every test.

Read with `ast`, not collected: the selection is never empty, holds the client's sending and
receipt-waiting tests and the oracle feed's pipeline, and every test on the session node that
sends or awaits transactions itself, reads the gas price, or moves the node's clock or blocks
carries the marker. That is a floor: tests that reach the same code through the library (the
issuance and feed pipelines, times read from blocks) are marked by judgement (the comment at
each `besu` mark says why).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ROOT

TESTS = ROOT / "tests"
# what differs on the Besu-like node: several transactions in flight, receipts polled, the gas
# price read; blocks and the clock moved by hand while the node mines on its own
NODE_SENSITIVE = {
    "send_async", "send_batch", "wait_many", "receipts", "get_transaction_receipt", "wait_for_transaction_receipt",
    "send_raw_transaction", "eth_sendRawTransaction", "gas_price", "eth_gasPrice", "latest_timestamp",
    "evm_mine", "evm_increaseTime", "evm_setNextBlockTimestamp", "advance_time",
}  # fmt: skip
# in the rerun with every test of theirs that uses the session node
REQUIRED = (
    "tests/ledger/chain/test_client.py",  # sending, pipelined batches, receipts, nonces, reverts
    "tests/oracles/test_aeo_feed_crash.py",  # transactions sent and not yet mined when the feed dies
)


@dataclass(frozen=True)
class Found:
    module: str
    name: str
    on_chain: bool  # needs the session node (the `chain` marker conftest.py gives)
    marked: bool  # carries `besu`, by itself or by its module's `pytestmark`
    sensitive: set[str]  # the NODE_SENSITIVE names it reaches (its body, module helpers, fixtures)


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _is_fixture(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
    return False


def _params(function: ast.FunctionDef) -> set[str]:
    return {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}


def _has_besu(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "besu" for n in ast.walk(node))


def _module_marked(tree: ast.Module) -> bool:
    return any(
        isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
        and _has_besu(n.value)
        for n in tree.body
    )


def _names(node: ast.AST) -> set[str]:
    """Every name, attribute and string constant in `node`."""
    found: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.Attribute):
            found.add(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            found.add(n.value)
    return found


def scan(source: str, module: str, conftest: str) -> list[Found]:
    """The test functions of a module's `source`, with what the checks need to know of each."""
    tree, shared = ast.parse(source), ast.parse(conftest)
    functions = _functions(tree)
    fixtures = {
        name: _params(f) for t in (shared, tree) for name, f in _functions(t).items() if _is_fixture(f)
    }  # a module's own fixture of a name replaces conftest's
    on_chain = {"session_chain"}
    while grown := {name for name, params in fixtures.items() if params & on_chain} - on_chain:
        on_chain |= grown

    def reached(name: str, seen: set[str]) -> set[str]:
        """The names `functions[name]` uses, with those of the module's functions it calls and
        of the module's fixtures it asks for."""
        seen.add(name)
        names = _names(functions[name])
        for other in (names | _params(functions[name])) & functions.keys() - seen:
            names |= reached(other, seen)
        return names

    whole_module = _module_marked(tree)
    return [
        Found(
            module=module,
            name=name,
            on_chain=bool(_params(function) & on_chain),
            marked=whole_module or any(_has_besu(d) for d in function.decorator_list),
            sensitive=reached(name, set()) & NODE_SENSITIVE,
        )
        for name, function in functions.items()
        if name.startswith("test_")
    ]


def _all_tests() -> dict[str, list[Found]]:
    conftest = (TESTS / "conftest.py").read_text()
    modules = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        module = str(path.relative_to(ROOT))
        modules[module] = scan(path.read_text(), module, conftest)
    return modules


MODULES = _all_tests()

SAMPLE_CONFTEST = """
@pytest.fixture
def chain(session_chain): ...
@pytest.fixture
def cli(chain, capsys): ...
"""
SAMPLE = """
pytestmark = [pytest.mark.ipfs]

@pytest.fixture
def later(cli):
    rpc(cli.chain.rpc_url, "evm_increaseTime", [60])

def mine(url):
    rpc(url, "evm_mine")

def test_pure(tmp_path): mine("x")
def test_moves_the_clock(later): ...
@pytest.mark.besu
def test_mines(chain): mine(chain.rpc_url)
def test_reads(cli): cli("status")
"""


def test_the_scan_finds_what_it_looks_for() -> None:
    found = {t.name: (t.on_chain, t.marked, t.sensitive) for t in scan(SAMPLE, "sample", SAMPLE_CONFTEST)}
    assert found == {
        "test_pure": (False, False, {"evm_mine"}),
        "test_moves_the_clock": (True, False, {"evm_increaseTime"}),
        "test_mines": (True, True, {"evm_mine"}),
        "test_reads": (True, False, set()),
    }
    marked = scan("pytestmark = [pytest.mark.besu, pytest.mark.ipfs]\n" + SAMPLE, "sample", SAMPLE_CONFTEST)
    assert all(t.marked for t in marked)


def test_the_rerun_is_not_empty_and_holds_the_client_and_the_feed_pipeline() -> None:
    rerun = [t for tests in MODULES.values() for t in tests if t.marked and t.on_chain]
    assert len(rerun) >= 20, rerun
    for module in REQUIRED:
        on_chain = [t for t in MODULES[module] if t.on_chain]
        assert on_chain
        assert [t.name for t in on_chain if not t.marked] == [], f"{module}: every test on the node is in the rerun"


@pytest.mark.parametrize("module", [m for m, tests in MODULES.items() if any(t.on_chain for t in tests)])
def test_a_test_that_drives_the_nodes_transactions_or_clock_is_in_the_rerun(module: str) -> None:
    unmarked = {t.name: sorted(t.sensitive) for t in MODULES[module] if t.on_chain and t.sensitive and not t.marked}
    assert unmarked == {}, "mark them with pytest.mark.besu (pyproject.toml says what it means)"


@pytest.mark.parametrize("module", [m for m, tests in MODULES.items() if any(t.marked for t in tests)])
def test_a_marked_module_has_a_marked_test_on_the_node(module: str) -> None:
    # the rerun differs from the first run only by the node: a test that never uses it gains nothing
    assert any(t.marked and t.on_chain for t in MODULES[module]), Path(module).name
