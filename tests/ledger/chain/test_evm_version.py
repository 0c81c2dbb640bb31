"""The compiled contracts name the EVM version a chain must run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.evm_version import UnknownEvmVersion, compiled_evm_version
from tests.support import ROOT


def test_the_compiled_contracts_name_foundrys_evm_version() -> None:
    pinned = re.search(r'^evm_version = "(\w+)"', (ROOT / "contracts" / "foundry.toml").read_text(), re.M)
    assert pinned is not None
    assert compiled_evm_version(Artifacts(DEFAULT_ARTIFACTS_DIR)) == pinned[1]


def _artifacts_with(tmp_path: Path, versions: dict[str, str | None]) -> Artifacts:
    for path in DEFAULT_ARTIFACTS_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    for name, version in versions.items():
        data = json.loads((tmp_path / f"{name}.json").read_text())
        data["evmVersion"] = version
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    return Artifacts(tmp_path)


def test_the_newest_version_among_the_contracts_decides(tmp_path: Path) -> None:
    assert compiled_evm_version(_artifacts_with(tmp_path, {"AeoRegistry": "prague"})) == "prague"


def test_contracts_without_a_known_version_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownEvmVersion, match="make build"):
        compiled_evm_version(_artifacts_with(tmp_path, {"Consortium": None}))
