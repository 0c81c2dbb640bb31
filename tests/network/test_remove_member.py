"""`network remove-member`: the remaining nodes stop allowing it, its key is retired, the steps
vote it out; a member removed and added again (a key rotation) comes back with a new key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from network import remove_member as remove_member_module
from network.add_member import add_member
from network.check import check_network
from network.errors import ChangeUnfinished, LastMember, NetworkCheckFailed, UnknownMember
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.remove_member import RemovedMember, remove_member
from tests.support import NETWORK_PASSWORD, edit_toml, make_network


def _remove(root: Path, member_id: str = "TH") -> RemovedMember:
    return remove_member(root=root, member_id=member_id, evm_version="cancun")


def _plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json(NetworkLayout(root).plan.read_text())


def test_the_remaining_nodes_stop_allowing_it_and_its_key_is_kept_retired(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    th = _plan(network_dir).members[3]
    removed = _remove(network_dir, "th")
    assert removed.member == th
    assert [m.member_id for m in _plan(network_dir).members] == ["CN", "SG", "MY"]
    for slug in ("cn", "sg", "my"):
        assert th.enode not in tomllib.loads(layout.permissions(slug).read_text())["nodes-allowlist"]
        assert th.enode not in layout.static_nodes(slug).read_text()
    assert "besu-th" not in yaml.safe_load(layout.compose.read_text())["services"]
    retired = layout.retired_dir("th", th.node_address)
    assert (retired / "th-node.json").exists()
    assert (retired / "th" / "config.toml").exists()
    assert not layout.member_dir("th").exists()
    assert th.node_address in _plan(network_dir).genesis_validators
    report = check_network(network_dir, evm_version="cancun")
    assert report.passed, report.errors
    assert any("since removed by vote" in f.message for f in report.findings)


def test_the_steps_decide_on_chain_then_vote_it_out(network_dir: Path) -> None:
    removed = _remove(network_dir)
    text = Path(removed.steps_file).read_text()
    assert text.index("consortium propose remove-member TH") < text.index("qbft_proposeValidatorVote")
    assert f'"params": ["{removed.member.node_address}", false]' in text
    assert "At least 3 of the 4 current validators" in text
    assert "tolerates no faulty one" in text


def test_unknown_and_last_members_are_refused(tmp_path: Path, network_dir: Path) -> None:
    with pytest.raises(UnknownMember):
        _remove(network_dir, "VN")
    make_network(tmp_path / "one", members=("CN",))
    with pytest.raises(LastMember):
        _remove(tmp_path / "one", "CN")


def test_a_network_that_fails_its_check_is_left_alone(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).permissions("cn"), nodes_allowlist=[])
    with pytest.raises(NetworkCheckFailed):
        _remove(network_dir)
    assert len(_plan(network_dir).members) == 4


def test_rotating_a_key_is_removing_and_adding_again(network_dir: Path) -> None:
    old = _plan(network_dir).members[0]
    _remove(network_dir, "CN")
    added = add_member(
        root=network_dir, member_id="CN", host=None, password=NETWORK_PASSWORD, evm_version="cancun", scrypt_n=2**4
    )
    assert added.member.node_address != old.node_address
    assert (added.member.p2p_port, added.member.host) == (old.p2p_port, old.host)  # its address is free again
    assert added.member.genesis_validator is False
    assert (NetworkLayout(network_dir).retired_dir("cn", old.node_address) / "cn-node.json").exists()
    assert check_network(network_dir, evm_version="cancun").passed


def test_an_interrupted_removal_is_finished_or_redone(network_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(remove_member_module, "write_model", crash)
        with pytest.raises(KeyboardInterrupt):
            _remove(network_dir)
    assert len(_plan(network_dir).members) == 4
    assert not check_network(network_dir, evm_version="cancun").passed
    with pytest.raises(ChangeUnfinished, match="removing TH did not finish"):
        _remove(network_dir, "SG")
    _remove(network_dir)
    assert check_network(network_dir, evm_version="cancun").passed

    with monkeypatch.context() as patch:  # interrupted after network.json: only the tidying is left
        patch.setattr(remove_member_module, "retire_member_files", crash)
        with pytest.raises(KeyboardInterrupt):
            _remove(network_dir, "MY")
    assert NetworkLayout(network_dir).member_dir("my").exists()
    add_member(
        root=network_dir, member_id="VN", host=None, password=NETWORK_PASSWORD, evm_version="cancun", scrypt_n=2**4
    )
    assert not NetworkLayout(network_dir).member_dir("my").exists()
    assert check_network(network_dir, evm_version="cancun").passed
