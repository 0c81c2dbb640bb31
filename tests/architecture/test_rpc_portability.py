"""Only standard JSON-RPC outside tests and the development node: what runs on anvil runs on Besu.

Every string in the applications and the library (ledger/devnet, which drives anvil, aside) is
read with `ast`; a method name of a development node (evm_*, anvil_*, hardhat_* ...) or one that
needs keys held by the node (eth_sendTransaction, personal_*) is refused, and so is web3's
`testing` module, which sends evm_* methods.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

SCANNED = ("ledger", "cli", "api", "oracles", "benchmarks", "network", "demo")
DEV_TOOLING = ("ledger/devnet/",)
NOT_PORTABLE = re.compile(
    r"^(?:evm|anvil|hardhat|ganache|tenderly|debug|personal|miner)_[A-Za-z]+$|^eth_(?:sendTransaction|sign|accounts)$"
)


def _sources() -> Iterator[Path]:
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if not str(path.relative_to(ROOT)).startswith(DEV_TOOLING):
                yield path


def non_portable_calls(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and NOT_PORTABLE.match(node.value):
            found.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "testing":
            found.append(".testing")
    return found


def test_the_scan_finds_what_it_looks_for() -> None:
    sample = 'client.raw_batch([("evm_mine", [])]); w3.testing.mine(); rpc("eth_sendTransaction")'
    assert sorted(non_portable_calls(sample)) == [".testing", "eth_sendTransaction", "evm_mine"]
    assert non_portable_calls('rpc("eth_getLogs"); rpc("qbft_getValidatorsByBlockNumber")') == []


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_development_node_method_is_called(path: Path) -> None:
    assert non_portable_calls(path.read_text()) == []
