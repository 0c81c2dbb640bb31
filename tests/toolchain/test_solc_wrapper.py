"""The solc-js wrapper is a solc that py-solc-x accepts, and compiles what forge compiled."""

from __future__ import annotations

import json
import subprocess

import pytest
import solcx
from solcx import wrapper

from tests.support import ROOT as PROJECT_ROOT

CONTRACTS_DIR = PROJECT_ROOT / "contracts"

SOLC = PROJECT_ROOT / "tools" / "solc"


def test_wrapper_reports_version_like_native_solc() -> None:
    assert str(wrapper.get_solc_version(SOLC)) == "0.8.30"


def test_py_solc_x_compiles_consortium_to_forge_bytecode() -> None:
    foundry = json.loads((CONTRACTS_DIR / "out" / "Consortium.sol" / "Consortium.json").read_text())
    source = "src/Consortium.sol"
    standard = {
        "language": "Solidity",
        "sources": {source: {"urls": [str(CONTRACTS_DIR / source)]}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 500},
            "evmVersion": "cancun",
            "metadata": {"bytecodeHash": "none", "appendCBOR": False},
            "outputSelection": {"*": {"*": ["evm.deployedBytecode.object"]}},
        },
    }
    # URLs are read by the import callback relative to the base path.
    standard["sources"] = {source: {"content": (CONTRACTS_DIR / source).read_text()}}
    output = solcx.compile_standard(
        standard, solc_binary=SOLC, base_path=str(CONTRACTS_DIR), allow_paths=[str(CONTRACTS_DIR)]
    )
    compiled = output["contracts"][source]["Consortium"]["evm"]["deployedBytecode"]["object"]
    assert "0x" + compiled == foundry["deployedBytecode"]["object"]


def test_wrapper_rejects_unknown_options() -> None:
    result = subprocess.run([str(SOLC), "--bin", "x.sol"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "unsupported option --bin" in result.stderr


@pytest.mark.parametrize("args", [["--version"], ["--standard-json"]])
def test_wrapper_modes_exit_zero(args: list[str]) -> None:
    stdin = json.dumps({"language": "Solidity", "sources": {}, "settings": {}})
    result = subprocess.run([str(SOLC), *args], input=stdin, capture_output=True, text=True, check=False)
    assert result.returncode == 0
