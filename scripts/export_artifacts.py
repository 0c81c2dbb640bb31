"""Copy the ABI, bytecode and storage layout of every deployable contract from forge's build output into the
`ledger.chain` package (`ledger/chain/compiled/<Name>.json`), so an installed sanzhi finds them
as package data. Run by `make build` after `forge build`. The copies are kept in git, so running
sanzhi needs no compiler (as OpenZeppelin ships its build); `make check-artifacts` (in CI)
fails when they differ from what the sources compile to."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ledger.chain.storage_layout import exported_layout
from ledger.files import write_atomic

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "contracts" / "src"
OUT = ROOT / "contracts" / "out"
TARGET = ROOT / "ledger" / "chain" / "compiled"


def _stable_keys(references: dict[str, list[dict[str, int]]]) -> dict[str, list[dict[str, int]]]:
    """solc keys each immutable's byte ranges by its AST node id, which depends on which files one
    compilation run saw (a cached build and a clean one number them differently): keyed here by
    the immutable's order in the code instead, so the same sources always export the same file."""
    ordered = sorted(references.values(), key=lambda ranges: min(r["start"] for r in ranges))
    return {str(index): ranges for index, ranges in enumerate(ordered)}


def main() -> int:
    TARGET.mkdir(exist_ok=True)
    names = sorted(p.stem for p in SOURCES.rglob("*.sol"))
    for name in names:
        built = OUT / f"{name}.sol" / f"{name}.json"
        if not built.exists():
            print(f"export_artifacts: no build output for {name} at {built}", file=sys.stderr)
            return 1
        raw = json.loads(built.read_text())
        deployed = raw["deployedBytecode"]
        metadata = raw.get("metadata") or {}
        record = {
            "contractName": name,
            "abi": raw["abi"],
            "bytecode": raw["bytecode"]["object"],
            "deployedBytecode": deployed["object"],
            "immutableReferences": _stable_keys(deployed.get("immutableReferences", {})),
            # what a chain must run for this code: `sanzhi network` derives the genesis forks from it
            "evmVersion": metadata.get("settings", {}).get("evmVersion"),
            "compilerVersion": metadata.get("compiler", {}).get("version"),
            # the slots storage proofs read, without solc's AST ids (ledger.chain.storage_layout)
            "storageLayout": exported_layout(raw.get("storageLayout") or {}),
        }
        write_atomic(TARGET / f"{name}.json", json.dumps(record, indent=1) + "\n")
    for stale in TARGET.glob("*.json"):
        if stale.stem not in names:
            stale.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
