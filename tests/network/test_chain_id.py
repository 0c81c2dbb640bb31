"""`network init` picks a chain id of the network's own: never a development tool's default, a
test network's or a public one's, unless the operator gives one; recorded in the plan and genesis."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from network.chain_ids import CHAIN_ID_RANGE, DEVELOPMENT_CHAIN_IDS, PUBLIC_CHAIN_IDS, pick_chain_id
from network.layout import NetworkLayout
from tests.support import NETWORK_PASSWORD, make_network, run_cli


def test_without_chain_id_a_random_one_of_the_range_is_recorded(tmp_path: Path) -> None:
    plans = [make_network(tmp_path / f"net{i}", ("CN", "SG")) for i in range(2)]
    for i, plan in enumerate(plans):
        assert plan.chain_id in CHAIN_ID_RANGE
        assert plan.chain_id not in DEVELOPMENT_CHAIN_IDS | PUBLIC_CHAIN_IDS
        layout = NetworkLayout(tmp_path / f"net{i}")
        assert json.loads(layout.plan.read_text())["chain_id"] == plan.chain_id
        assert json.loads(layout.genesis.read_text())["config"]["chainId"] == plan.chain_id
    assert plans[0].chain_id != plans[1].chain_id  # two consortia, two chains (1 in 10^9 to collide)


@pytest.mark.parametrize("known", sorted(DEVELOPMENT_CHAIN_IDS))
def test_the_common_development_ids_are_never_picked(known: int) -> None:
    assert known not in CHAIN_ID_RANGE


def test_a_known_id_drawn_from_the_range_is_drawn_again() -> None:
    taken = next(i for i in sorted(PUBLIC_CHAIN_IDS) if i in CHAIN_ID_RANGE)

    class Draws(random.Random):
        def __init__(self) -> None:
            super().__init__()
            self.values = [taken, CHAIN_ID_RANGE.start + 7]

        def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
            return self.values.pop(0)

    assert pick_chain_id(Draws()) == CHAIN_ID_RANGE.start + 7


def test_a_given_chain_id_is_kept(tmp_path: Path) -> None:
    plan = make_network(tmp_path / "net", ("CN",), chain_id=4217)
    assert plan.chain_id == 4217
    assert json.loads(NetworkLayout(tmp_path / "net").genesis.read_text())["config"]["chainId"] == 4217


def test_init_prints_the_chain_it_picked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = tmp_path / "pw"
    password.write_text(NETWORK_PASSWORD)
    out = tmp_path / "net"
    args = ["network", "init", "--members", "CN", "--out", str(out), "--password-file", str(password)]
    result = run_cli(capsys, *args)
    assert result.exit_code == 0, result.stderr
    chain_id = json.loads(NetworkLayout(out).plan.read_text())["chain_id"]
    assert chain_id in CHAIN_ID_RANGE
    assert f"(chain {chain_id}, picked at random" in result.stdout


def test_a_given_development_id_is_kept_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    password = tmp_path / "pw"
    password.write_text(NETWORK_PASSWORD)
    out = tmp_path / "net"
    args = ["network", "init", "--members", "CN", "--out", str(out), "--password-file", str(password)]
    result = run_cli(capsys, *args, "--chain-id", "31337")
    assert result.exit_code == 0, result.stderr
    assert json.loads(NetworkLayout(out).plan.read_text())["chain_id"] == 31337
    assert "warning: 31337 is a common development chain id" in result.stderr
