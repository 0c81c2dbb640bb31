"""`network add-member`: the new node's files, every node's peers updated, the steps to vote it in."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from network import add_member as add_member_module
from network.add_member import AddedMember, add_member
from network.check import check_network
from network.errors import (
    ChangeUnfinished,
    InvalidHost,
    InvalidMembers,
    MemberAlreadyInNetwork,
    NetworkCheckFailed,
    WeakPassword,
)
from network.extradata import decode_extra_data
from network.layout import NetworkLayout
from network.models import NetworkPlan
from tests.support import NETWORK_PASSWORD, edit_toml, make_network


def _add(root: Path, member_id: str = "VN", **options: object) -> AddedMember:
    settings: dict[str, object] = {"host": None, "password": NETWORK_PASSWORD, "evm_version": "cancun", **options}
    return add_member(root=root, member_id=member_id, scrypt_n=2**4, **settings)  # type: ignore[arg-type]


def _plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json(NetworkLayout(root).plan.read_text())


def test_the_new_member_gets_its_node_and_every_node_allows_it(network_dir: Path) -> None:
    genesis_before = NetworkLayout(network_dir).genesis.read_bytes()
    added = _add(network_dir, "vn")
    layout, plan, vn = NetworkLayout(network_dir), _plan(network_dir), added.member
    assert (vn.member_id, vn.host, vn.p2p_port, vn.rpc_port) == ("VN", "172.31.211.15", 30307, 8549)
    assert vn.genesis_validator is False
    assert [m.member_id for m in plan.members] == ["CN", "SG", "MY", "TH", "VN"]
    for m in plan.members:
        allowlist = tomllib.loads(layout.permissions(m.slug).read_text())["nodes-allowlist"]
        assert vn.enode in allowlist
    assert vn.enode in (layout.static_nodes("cn").read_text())
    assert "besu-vn" in yaml.safe_load(layout.compose.read_text())["services"]
    assert layout.unit("vn").exists()
    # the genesis does not change: the new validator comes in by vote
    assert layout.genesis.read_bytes() == genesis_before == layout.member_genesis("vn").read_bytes()
    assert vn.node_address not in decode_extra_data(_genesis_extra(network_dir)).validators
    assert check_network(network_dir, evm_version="cancun").passed


def _genesis_extra(root: Path) -> str:
    import json

    return str(json.loads(NetworkLayout(root).genesis.read_text())["extraData"])


def test_the_steps_name_the_votes_and_the_consortium_proposal(network_dir: Path) -> None:
    added = _add(network_dir)
    text = Path(added.steps_file).read_text()
    assert "At least 3 of the 4 current validators" in text
    assert text.count(f'"qbft_proposeValidatorVote", "params": ["{added.member.node_address}", true]') == 4
    assert "http://127.0.0.1:8548" in text  # TH's RPC port
    assert text.index("perm_reloadPermissionsFromFile") < text.index("qbft_proposeValidatorVote")
    assert "sanzhi consortium propose add-member VN" in text
    assert added.steps[0] in text


def test_a_member_already_in_the_network_is_refused(network_dir: Path) -> None:
    with pytest.raises(MemberAlreadyInNetwork, match="SG is already a member"):
        _add(network_dir, " sg ")


@pytest.mark.parametrize("member_id", ["", "a b", "VN,LA"])
def test_an_invalid_member_id_is_refused(network_dir: Path, member_id: str) -> None:
    with pytest.raises(InvalidMembers):
        _add(network_dir, member_id)


def test_a_network_that_fails_its_check_is_not_extended(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("cn"), min_gas_price=1)
    before = NetworkLayout(network_dir).plan.read_text()
    with pytest.raises(NetworkCheckFailed, match="min-gas-price"):
        _add(network_dir)
    assert NetworkLayout(network_dir).plan.read_text() == before
    assert not NetworkLayout(network_dir).node_keystore("vn").exists()


def test_a_weak_password_is_refused_before_any_file(network_dir: Path) -> None:
    with pytest.raises(WeakPassword):
        _add(network_dir, password="short")
    assert not NetworkLayout(network_dir).member_dir("vn").exists()


def test_members_on_their_own_servers_need_the_new_nodes_address(tmp_path: Path) -> None:
    root = tmp_path / "net"
    make_network(root, hosts={"CN": "203.0.113.10", "SG": "203.0.113.20", "MY": "203.0.113.30", "TH": "203.0.113.40"})
    with pytest.raises(InvalidHost, match="--host"):
        _add(root)
    with pytest.raises(InvalidHost, match="not an IP address"):
        _add(root, host="vn.example")
    added = _add(root, host="203.0.113.50")
    assert added.member.enode.endswith("@203.0.113.50:30307")
    assert "systemctl enable --now besu-sanzhi-vn.service" in Path(added.steps_file).read_text()
    assert check_network(root, evm_version="cancun").passed


def test_an_interrupted_add_is_completed_by_running_it_again(
    network_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(add_member_module, "write_model", crash)
        with pytest.raises(KeyboardInterrupt):
            _add(network_dir, plain_node_key=True)
    assert [m.member_id for m in _plan(network_dir).members] == ["CN", "SG", "MY", "TH"]
    assert "adding VN did not finish: run add-member VN again" in [
        f.message for f in check_network(network_dir, evm_version="cancun").errors
    ]
    with pytest.raises(ChangeUnfinished, match="adding VN did not finish"):
        _add(network_dir, "LA")
    added = _add(network_dir)
    assert not NetworkLayout(network_dir).plain_key("vn").exists()  # the first run's key is gone
    assert _plan(network_dir).members[-1] == added.member
    assert check_network(network_dir, evm_version="cancun").passed


def test_a_marker_left_after_the_plan_was_written_is_dropped(network_dir: Path) -> None:
    _add(network_dir, "VN")
    NetworkLayout(network_dir).pending_change().write_text('{"action": "add", "member_id": "VN"}')
    added = _add(network_dir, "LA")
    assert added.member.member_id == "LA"
    assert not NetworkLayout(network_dir).pending_change().exists()
    assert check_network(network_dir, evm_version="cancun").passed
