"""The solc-js wrapper is a solc that py-solc-x accepts, and compiles what forge compiled."""

from __future__ import annotations

import json
import os
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


SHARED = (
    "// SPDX-License-Identifier: MIT\npragma solidity 0.8.30;\n"
    "library Shared { function twice(uint256 x) internal pure returns (uint256) { return 2 * x; } }\n"
)
FILES = {
    "Shared.sol": SHARED,
    **{
        f"C{i}.sol": (
            '// SPDX-License-Identifier: MIT\npragma solidity 0.8.30;\nimport "./Shared.sol";\n'
            f"contract C{i} {{ function f(uint256 x) external pure returns (uint256) {{ uint256 unused; "
            f"return Shared.twice(x) + {i}; }} }}\n"
        )
        for i in range(4)
    },
}


def compiled_by(jobs: int) -> dict[str, object]:
    selection = {name: {"*": ["abi", "evm.bytecode.object"], "": ["ast"]} for name in FILES}
    standard = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in FILES.items()},
        "settings": {"optimizer": {"enabled": True, "runs": 500}, "outputSelection": selection},
    }
    result = subprocess.run(
        [str(SOLC), "--standard-json"],
        input=json.dumps(standard),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SANZHI_SOLC_JOBS": str(jobs)},
    )
    return json.loads(result.stdout)


def test_files_shared_among_workers_compile_to_what_one_compiler_gives() -> None:
    alone, shared = compiled_by(1), compiled_by(3)
    assert set(shared["contracts"]) == set(FILES)
    assert shared["contracts"] == alone["contracts"]
    assert shared["sources"] == alone["sources"]  # ids and ASTs alike
    # each of the four unused variables warned about once, as one compiler does
    warnings = sorted(json.dumps(e, sort_keys=True) for e in shared["errors"])
    assert warnings == sorted(json.dumps(e, sort_keys=True) for e in alone["errors"])
    assert len(warnings) == 4
