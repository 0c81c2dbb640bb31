"""Contract ABIs and bytecode, and the selectors of their custom errors (ledger.chain.reverts decodes them).

The compiled contracts ship inside the package (`ledger/chain/compiled/<Name>.json`, kept in
git, rewritten by `make build`); a Foundry output directory (`<out>/<Name>.sol/<Name>.json`)
works too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from ledger.chain.codec import ContractCodec, signature
from ledger.chain.storage_layout import StorageLayout
from ledger.errors import ConfigurationError

DEFAULT_ARTIFACTS_DIR = Path(str(files("ledger.chain") / "compiled"))


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str = "0x"
    # byte ranges of the runtime code that hold immutables, as solc reports them
    immutable_references: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    # the EVM version solc compiled for ("cancun"): the fork a chain must run; None if unknown
    evm_version: str | None = None
    # forge's storageLayout, or the exported form of it (ledger.chain.storage_layout)
    storage_layout: dict[str, Any] = field(default_factory=dict)


@dataclass
class Artifacts:
    """Reads `<dir>/<Name>.json` (package data) or `<dir>/<Name>.sol/<Name>.json` (forge out)."""

    out_dir: Path
    _cache: dict[str, Artifact] = field(default_factory=dict)
    _codecs: dict[str, ContractCodec] = field(default_factory=dict)

    def _path(self, name: str) -> Path:
        flat = self.out_dir / f"{name}.json"
        return flat if flat.exists() else self.out_dir / f"{name}.sol" / f"{name}.json"

    def has(self, name: str) -> bool:
        return self._path(name).exists()

    def get(self, name: str) -> Artifact:
        cached = self._cache.get(name)
        if cached:
            return cached
        path = self._path(name)
        if not path.exists():
            raise ConfigurationError(f"no build output for contract {name} at {path} (run `make build`)")
        raw = json.loads(path.read_text())
        bytecode, deployed = raw["bytecode"], raw.get("deployedBytecode", "0x")
        references = raw.get("immutableReferences", {})
        evm_version = raw.get("evmVersion")
        if not isinstance(bytecode, str):  # forge's output keeps objects where package data has strings
            bytecode = bytecode["object"]
            references = deployed.get("immutableReferences", {})
            deployed = deployed["object"]
            metadata = raw.get("metadata")
            evm_version = metadata.get("settings", {}).get("evmVersion") if isinstance(metadata, dict) else None
        artifact = Artifact(
            name=name,
            abi=raw["abi"],
            bytecode=bytecode,
            deployed_bytecode=deployed,
            immutable_references=references,
            evm_version=evm_version if isinstance(evm_version, str) else None,
            storage_layout=raw.get("storageLayout") or {},
        )
        self._cache[name] = artifact
        return artifact

    def storage_layout(self, name: str) -> StorageLayout:
        """Where contract `name` keeps its state variables and the fields of its structs."""
        return StorageLayout.of(name, self.get(name).storage_layout)

    def codec(self, name: str) -> ContractCodec:
        """The codec of contract `name`, built once per Artifacts."""
        codec = self._codecs.get(name)
        if codec is None:
            codec = self._codecs[name] = ContractCodec(name, self.get(name).abi)
        return codec

    @cached_property
    def error_selectors(self) -> dict[bytes, tuple[str, dict[str, Any]]]:
        """Selector -> (contract name, error ABI) for every custom error in the build output."""
        selectors: dict[bytes, tuple[str, dict[str, Any]]] = {}
        for path in sorted([*self.out_dir.glob("*.json"), *self.out_dir.glob("*.sol/*.json")]):
            try:
                abi = json.loads(path.read_text()).get("abi", [])
            except (OSError, json.JSONDecodeError):
                continue
            for item in abi:
                if item.get("type") == "error":
                    selectors.setdefault(keccak(text=signature(item))[:4], (path.stem, item))
        return selectors
