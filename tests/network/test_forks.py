"""The genesis forks follow the compiled contracts' EVM version."""

from __future__ import annotations

import pytest

from ledger.chain.evm_version import EVM_VERSIONS, UnknownEvmVersion
from network.forks import LAST_MILESTONE, genesis_milestones, milestone_problems, required_milestones


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


def test_every_solc_evm_version_has_its_milestone() -> None:
    assert tuple(LAST_MILESTONE) == EVM_VERSIONS
