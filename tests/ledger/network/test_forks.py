"""The genesis forks follow the compiled contracts' EVM version."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.network.errors import UnknownEvmVersion
from ledger.network.forks import compiled_evm_version, genesis_milestones, milestone_problems, required_milestones
from tests.support import ROOT


def test_the_compiled_contracts_name_foundrys_evm_version() -> None:
    pinned = re.search(r'^evm_version = "(\w+)"', (ROOT / "contracts" / "foundry.toml").read_text(), re.M)
    assert pinned is not None
    assert compiled_evm_version(Artifacts(DEFAULT_ARTIFACTS_DIR)) == pinned[1]


def test_cancun_needs_every_fork_up_to_cancun_and_nothing_newer() -> None:
    milestones = genesis_milestones("cancun")
    assert list(milestones)[-3:] == ["londonBlock", "shanghaiTime", "cancunTime"]
    assert set(milestones.values()) == {0}
    assert "pragueTime" not in milestones


def test_paris_needs_only_london_on_a_chain_without_a_merge() -> None:
    assert required_milestones("paris") == required_milestones("london")
    assert required_milestones("prague")[-1] == "pragueTime"


@pytest.mark.parametrize("version", [None, "", "future", "Cancun"])
def test_an_unknown_evm_version_is_refused(version: str | None) -> None:
    with pytest.raises(UnknownEvmVersion):
        required_milestones(version)


def test_a_genesis_with_the_forks_passes_and_names_are_read_case_insensitively() -> None:
    config = {k.upper(): v for k, v in genesis_milestones("cancun").items()}
    assert milestone_problems(config, "cancun") == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda c: c.pop("cancunTime"), "cancunTime is missing"),
        (lambda c: c.update(cancunTime=1_900_000_000), "cancunTime is 1900000000, not 0"),
        (lambda c: c.update(shanghaiTime=True), "shanghaiTime is True, not 0"),
        (lambda c: c.pop("londonBlock"), "londonBlock is missing"),
    ],
)
def test_a_genesis_without_a_needed_fork_from_block_zero_is_refused(change: object, problem: str) -> None:
    config = dict(genesis_milestones("cancun"))
    change(config)  # type: ignore[operator]
    problems = milestone_problems(config, "cancun")
    assert any(problem in p for p in problems), problems


def test_contracts_compiled_for_a_newer_evm_need_its_fork() -> None:
    problems = milestone_problems(genesis_milestones("cancun"), "prague")
    assert problems == ["the contracts are compiled for prague, which needs it from genesis: pragueTime is missing"]


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
