"""One door to the chain: JSON-RPC, web3 and its contract objects live in ledger/chain.

Every module of the library and the applications (ledger/chain, and ledger/devnet which drives
the development node, aside) is read with `ast`; refused are a string that is a JSON-RPC method
name (a request spelled outside ledger/chain), an import of web3 (contract objects, providers),
and a private name of an Ethereum library's module or object (`Account._recover_hash`,
`fn._encode_transaction_data()`): they change without notice between releases.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

SCANNED = ("ledger", "cli", "api", "oracles", "benchmarks", "network", "demo")
THE_DOOR = (
    "ledger/chain/",
    "ledger/devnet/",  # drives the development node (anvil_*, evm_*)
)
# The runbook `sanzhi network add-member/remove-member` writes: the curl commands an operator
# sends to their own Besu node (admin_addPeer, qbft_proposeValidatorVote ...) spell the methods
# as text; sanzhi sends none of them. Its imports and private names are still checked.
RUNBOOK = ("network/steps.py",)
# the Ethereum libraries whose private names the door keeps out (another library's private
# names, such as typer's vendored click, are not the chain's business)
CHAIN_LIBRARIES = {"web3", "eth_account", "eth_abi", "eth_utils", "eth_keys", "eth_typing", "hexbytes", "rlp", "trie"}
RPC_METHOD = re.compile(
    r"^(?:eth|net|web3|txpool|debug|trace|evm|anvil|hardhat|qbft|ibft|clique|admin|personal|miner)_[A-Za-z]+$"
)
# private names of web3 and eth-account the code once used, refused whatever the receiver
KNOWN_PRIVATE = {"_encode_transaction_data", "_recover_hash", "_sign_hash", "_parse_private_key"}


def _sources() -> Iterator[Path]:
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if not str(path.relative_to(ROOT)).startswith(THE_DOOR):
                yield path


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def leaks(source: str, *, runbook: bool = False) -> list[str]:
    """What of the chain's door `source` spells: JSON-RPC methods (unless it is the operators'
    runbook), web3 imports, private names of the Ethereum libraries' modules or objects."""
    tree = ast.parse(source)
    third_party: set[str] = set()  # names bound to an Ethereum library or something imported from one
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in CHAIN_LIBRARIES:
                    third_party.add(alias.asname or alias.name.split(".")[0])
                if alias.name.split(".")[0] == "web3":
                    found.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root in CHAIN_LIBRARIES:
                third_party.update(alias.asname or alias.name for alias in node.names)
                found += [f"{node.module}.{a.name}" for a in node.names if _is_private(a.name)]
            if root == "web3":
                found.append(f"from {node.module} import")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and RPC_METHOD.match(node.value):
            if not runbook:
                found.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "w3":  # the client's web3, reached around the door
            found.append(".w3")
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            receiver = node.value.id if isinstance(node.value, ast.Name) else None
            if node.attr in KNOWN_PRIVATE or receiver in third_party:
                found.append(f"{receiver or '...'}.{node.attr}")
    return found


def test_the_scan_finds_what_it_looks_for() -> None:
    sample = """
from eth_account import Account
from web3.contract import Contract
import web3
from eth_abi.registry import _private_thing
client.raw_batch([("eth_call", [tx, "latest"])])
rpc("qbft_getValidatorsByBlockNumber")
Account._recover_hash(digest, signature=sig)
data = fn._encode_transaction_data()
height = client.w3.eth.block_number
"""
    assert sorted(leaks(sample)) == sorted(
        [
            "from web3.contract import",
            "import web3",
            "eth_abi.registry._private_thing",
            "eth_call",
            "qbft_getValidatorsByBlockNumber",
            "Account._recover_hash",
            "fn._encode_transaction_data",
            ".w3",
        ]
    )
    # the project's own private names, dunders and text that only looks like a method are fine
    own = """
from ledger.chain.codec import FunctionCodec
self._fast_outputs; FunctionCodec._private; obj.__class__
text = "eth_call is what a view call sends"; kind = "eth-call"
"""
    assert leaks(own) == []
    instructions = 'import web3\nstep = _rpc(member, "admin_addPeer", [enode])'
    assert leaks(instructions, runbook=True) == ["import web3"]


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ledger_chain_talks_to_the_chain(path: Path) -> None:
    assert leaks(path.read_text(), runbook=str(path.relative_to(ROOT)) in RUNBOOK) == []
