"""`network init`: every file a consortium needs, written all at once or not at all."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from ledger.accounts.keys import dev_account
from network import generate
from network.errors import InvalidNetworkOption, NetworkDirExists, NotEmptyNotNetwork, WeakPassword
from network.extradata import decode_extra_data
from network.keys import keystore_address, plain_key_public_key, unlock_keystore
from network.layout import NetworkLayout
from network.models import NetworkPlan
from network.permissions import parse_enode
from tests.support import NETWORK_PASSWORD, make_network


def _plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json(NetworkLayout(root).plan.read_text())


def test_every_member_gets_a_key_a_config_and_the_peers(network_dir: Path) -> None:
    layout, plan = NetworkLayout(network_dir), _plan(network_dir)
    assert [m.member_id for m in plan.members] == ["CN", "SG", "MY", "TH"]
    for m in plan.members:
        assert keystore_address(layout.node_keystore(m.slug)) == m.node_address
        assert plain_key_public_key(layout.plain_key(m.slug)) == m.node_public_key
        assert layout.plain_key(m.slug).stat().st_mode & 0o777 == 0o600
        assert layout.member_genesis(m.slug).read_bytes() == layout.genesis.read_bytes()
        allowlist = tomllib.loads(layout.permissions(m.slug).read_text())["nodes-allowlist"]
        assert sorted(allowlist) == sorted(o.enode for o in plan.members)
        static = json.loads(layout.static_nodes(m.slug).read_text())
        assert sorted(static) == sorted(o.enode for o in plan.members if o is not m)
    assert len({m.node_address for m in plan.members}) == 4
    assert (layout.keys_dir.stat().st_mode & 0o777) == 0o700


def test_the_keystores_open_with_the_password(network_dir: Path) -> None:
    layout, plan = NetworkLayout(network_dir), _plan(network_dir)
    assert unlock_keystore(layout.node_keystore("cn"), NETWORK_PASSWORD).address == plan.members[0].node_address
    assert unlock_keystore(layout.deployer_keystore, NETWORK_PASSWORD).address == plan.deployer


def test_the_genesis_names_the_node_keys_as_validators_and_funds_the_deployer(network_dir: Path) -> None:
    plan = _plan(network_dir)
    genesis = json.loads(NetworkLayout(network_dir).genesis.read_text())
    assert set(decode_extra_data(genesis["extraData"]).validators) == {m.node_address for m in plan.members}
    assert plan.deployer[2:].lower() in genesis["alloc"]
    assert genesis["config"]["chainId"] == plan.chain_id  # drawn at random: tests/network/test_chain_id.py
    assert genesis["config"]["qbft"]["blockperiodseconds"] == 2


def test_config_toml_keeps_rpc_on_loopback_with_free_gas(network_dir: Path) -> None:
    plan = _plan(network_dir)
    sg = plan.members[1]
    config = tomllib.loads(NetworkLayout(network_dir).config("sg").read_text())
    assert config["rpc-http-host"] == config["metrics-host"] == "127.0.0.1"
    assert (config["p2p-port"], config["rpc-http-port"], config["metrics-port"]) == (30304, 8546, 9546)
    assert config["p2p-host"] == sg.host
    assert config["min-gas-price"] == 0
    assert config["rpc-max-logs-range"] == 0
    assert config["permissions-nodes-config-file-enabled"] is True
    assert config["permissions-nodes-config-file"] == "/etc/besu/sg/permissions_config.toml"
    assert config["node-private-key-file"] == "/etc/besu/sg/key"
    assert config["discovery-enabled"] is False
    assert "QBFT" in config["rpc-http-api"]


def test_compose_runs_the_pinned_image_with_ports_on_loopback(network_dir: Path) -> None:
    compose = yaml.safe_load(NetworkLayout(network_dir).compose.read_text())
    services = compose["services"]
    assert {"besu-cn", "besu-sg", "besu-my", "besu-th"} <= set(services)
    for slug, rpc in (("cn", 8545), ("th", 8548)):
        service = services[f"besu-{slug}"]
        assert service["image"] == generate.DEFAULT_BESU_IMAGE
        assert ":latest" not in service["image"]
        assert all(p.startswith("127.0.0.1:") for p in service["ports"])
        assert f"127.0.0.1:{rpc}:{rpc}" in service["ports"]
        assert f"./members/{slug}:/etc/besu/{slug}:ro" in service["volumes"]
        assert f"{slug}-data:/var/lib/besu/{slug}" in service["volumes"]
        assert service["command"] == [f"--config-file=/etc/besu/{slug}/config.toml"]
        assert service["cap_drop"] == ["ALL"]
        assert f"{slug}-data" in compose["volumes"]
    assert services["besu-cn"]["networks"]["sanzhi"]["ipv4_address"] == _plan(network_dir).members[0].host


def test_systemd_units_run_besu_with_the_config_restart_and_hardening(network_dir: Path) -> None:
    unit = NetworkLayout(network_dir).unit("my").read_text()
    assert "ExecStart=/opt/besu/bin/besu --config-file=/etc/besu/my/config.toml" in unit
    assert "Restart=on-failure" in unit
    assert "ExecStartPre=/usr/bin/test -s /etc/besu/my/key" in unit
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=", "User=besu"):
        assert hardening in unit
    assert "MemoryDenyWriteExecute=yes" not in unit  # the JVM's JIT needs writable code pages


def test_given_hosts_become_the_enodes_and_publish_p2p(tmp_path: Path) -> None:
    make_network(tmp_path / "net", hosts={"CN": "203.0.113.10", "SG": "2001:db8::7"})
    plan = _plan(tmp_path / "net")
    assert plan.members[0].enode.endswith("@203.0.113.10:30303")
    assert parse_enode(plan.members[1].enode).host == "2001:db8::7"
    assert "@[2001:db8::7]:30304" in plan.members[1].enode
    compose = yaml.safe_load(NetworkLayout(tmp_path / "net").compose.read_text())
    assert "30303:30303/tcp" in compose["services"]["besu-cn"]["ports"]
    assert plan.members[2].host == "172.31.211.13"  # MY keeps its compose address


def test_without_plain_node_key_only_keystores_hold_keys(tmp_path: Path) -> None:
    make_network(tmp_path / "net")
    assert not list((tmp_path / "net" / "members").glob("*/key"))


def test_an_existing_network_is_kept_unless_forced(tmp_path: Path, network_dir: Path) -> None:
    before = _plan(network_dir)
    with pytest.raises(NetworkDirExists):
        make_network(network_dir)
    assert _plan(network_dir) == before
    make_network(network_dir, force=True)
    assert _plan(network_dir).members[0].node_address != before.members[0].node_address
    assert not [p for p in network_dir.parent.iterdir() if p.name.startswith(".")]


def test_a_directory_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("mine")
    with pytest.raises(NotEmptyNotNetwork):
        make_network(tmp_path / "home", force=True)
    assert (tmp_path / "home" / "notes.txt").read_text() == "mine"


def test_an_empty_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    make_network(tmp_path / "empty")
    assert NetworkLayout(tmp_path / "empty").plan.exists()


def test_an_interrupted_init_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "write_model", crash)
    with pytest.raises(KeyboardInterrupt):
        make_network(tmp_path / "net")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        ({"chain_id": 1}, InvalidNetworkOption, "public network"),
        ({"chain_id": 0}, InvalidNetworkOption, "between"),
        ({"block_period": 0}, InvalidNetworkOption, "--block-period"),
        ({"block_period": 61}, InvalidNetworkOption, "--block-period"),
        ({"deployer": "0x1234"}, InvalidNetworkOption, "not a 0x-prefixed address"),
        ({"deployer": dev_account(3).address}, InvalidNetworkOption, "development mnemonic"),
        ({"password": "short"}, WeakPassword, "shorter"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(
    tmp_path: Path, options: dict[str, object], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        make_network(tmp_path / "net", **options)
    assert not (tmp_path / "net").exists()


def test_a_given_deployer_is_funded_and_no_deployer_key_is_made(tmp_path: Path) -> None:
    deployer = "0x" + "ab" * 20
    plan = make_network(tmp_path / "net", deployer=deployer)
    assert plan.deployer.lower() == deployer
    assert not NetworkLayout(tmp_path / "net").deployer_keystore.exists()
