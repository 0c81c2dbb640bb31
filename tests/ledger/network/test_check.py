"""`network check`: a generated network passes; every check finds its broken input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from eth_utils.address import to_checksum_address

from ledger.network.check import check_network
from ledger.network.errors import NotANetworkDir
from ledger.network.extradata import QbftExtraData, encode_extra_data, genesis_extra_data
from ledger.network.layout import NetworkLayout
from ledger.network.models import NetworkPlan
from ledger.network.report import NetworkReport, Severity
from tests.support import edit_json, edit_toml, make_network

OTHER_NODE = "enode://" + "ab" * 64 + "@198.51.100.9:30303"


def _check(root: Path, evm_version: str = "cancun") -> NetworkReport:
    return check_network(root, evm_version=evm_version)


def _errors(root: Path, check: str, evm_version: str = "cancun") -> list[str]:
    report = _check(root, evm_version)
    return [f.message for f in report.errors if f.check == check]


def _plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json(NetworkLayout(root).plan.read_text())


def _set_genesis(root: Path, change: object) -> None:
    """Change genesis.json and every node's copy alike (so only the intended check fails)."""
    layout = NetworkLayout(root)
    edit_json(layout.genesis, change)  # type: ignore[arg-type]
    for m in _plan(root).members:
        shutil.copy(layout.genesis, layout.member_genesis(m.slug))


def test_a_generated_network_passes_every_check(network_dir: Path) -> None:
    report = _check(network_dir)
    assert report.passed, report.errors
    checks = {f.check for f in report.findings}
    assert checks == {
        "keys",
        "genesis",
        "forks",
        "extradata",
        "allowlist",
        "static-nodes",
        "config",
        "ports",
        "compose",
    }
    assert not [f for f in report.findings if f.severity is Severity.WARNING]


# ---------------------------------------------------------------- extraData against the keys


def test_a_validator_that_is_no_members_key_is_found(network_dir: Path) -> None:
    plan = _plan(network_dir)
    stranger = "0x" + "77" * 20
    validators = [m.node_address for m in plan.members[1:]] + [stranger]
    _set_genesis(network_dir, lambda g: g.update(extraData=genesis_extra_data(validators)))
    errors = _errors(network_dir, "extradata")
    assert f"CN's node key {plan.members[0].node_address} is not a validator in genesis extraData" in errors
    assert any(stranger.lower() in e.lower() and "no founding member" in e for e in errors)


def test_a_validator_named_twice_is_found(network_dir: Path) -> None:
    plan = _plan(network_dir)
    validators = [m.node_address for m in plan.members] + [plan.members[0].node_address]
    _set_genesis(
        network_dir, lambda g: g.update(extraData="0x" + encode_extra_data(QbftExtraData(validators=validators)).hex())
    )
    assert any("2 times" in e for e in _errors(network_dir, "extradata"))


def test_a_genesis_with_a_round_or_seals_is_found(network_dir: Path) -> None:
    validators = [m.node_address for m in _plan(network_dir).members]
    extra = QbftExtraData(validators=validators, round=3, seals=[bytes(65)])
    _set_genesis(network_dir, lambda g: g.update(extraData="0x" + encode_extra_data(extra).hex()))
    assert _errors(network_dir, "extradata") == ["a genesis block carries no vote, round or commit seals"]


def test_undecodable_extradata_is_found(network_dir: Path) -> None:
    _set_genesis(network_dir, lambda g: g.update(extraData="0x" + "00" * 32))
    assert _errors(network_dir, "extradata")[0].startswith("genesis extraData: ")


def test_fewer_than_four_validators_is_a_warning(tmp_path: Path) -> None:
    make_network(tmp_path / "net", members=("CN", "SG", "MY"))
    report = _check(tmp_path / "net")
    assert report.passed
    assert any(f.severity is Severity.WARNING and "tolerate no faulty" in f.message for f in report.findings)


# ---------------------------------------------------------------- keys


def test_swapped_keystores_are_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    cn, sg = layout.node_keystore("cn"), layout.node_keystore("sg")
    cn_text = cn.read_text()
    cn.write_text(sg.read_text())
    sg.write_text(cn_text)
    errors = _errors(network_dir, "keys")
    assert len(errors) == 2
    assert "cn-node.json holds the key of" in errors[0]


def test_a_key_file_of_another_node_is_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    shutil.copy(layout.plain_key("sg"), layout.plain_key("cn"))
    assert _errors(network_dir, "keys") == ["members/cn/key is not CN's node key: its node would be another"]


def test_a_key_file_others_can_read_is_found(network_dir: Path) -> None:
    os.chmod(NetworkLayout(network_dir).plain_key("th"), 0o644)
    assert _errors(network_dir, "keys") == ["members/th/key is readable by other users: chmod 600 it"]


def test_a_missing_keystore_is_found(network_dir: Path) -> None:
    NetworkLayout(network_dir).node_keystore("my").unlink()
    assert "unreadable" in _errors(network_dir, "keys")[0]


def test_a_plan_whose_node_id_is_not_its_address_is_found(network_dir: Path) -> None:
    def swap_ids(plan: dict[str, list[dict[str, str]]]) -> None:
        a, b = plan["members"][0], plan["members"][1]
        a["node_public_key"], b["node_public_key"] = b["node_public_key"], a["node_public_key"]

    edit_json(NetworkLayout(network_dir).plan, swap_ids)
    assert any("node id does not belong to its address" in e for e in _errors(network_dir, "keys"))


# ---------------------------------------------------------------- allowlists and static nodes


def test_an_allowlist_without_a_member_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).permissions("sg")
    plan = _plan(network_dir)
    edit_toml(path, nodes_allowlist=[m.enode for m in plan.members if m.member_id != "TH"])
    [problem] = _errors(network_dir, "allowlist")
    assert "permissions_config.toml: TH's node" in problem
    assert "SG's node refuses it" in problem


def test_an_allowlist_with_a_stranger_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).permissions("my")
    edit_toml(path, nodes_allowlist=[*(m.enode for m in _plan(network_dir).members), OTHER_NODE])
    assert _errors(network_dir, "allowlist") == [
        f"members/my/permissions_config.toml: {OTHER_NODE} is no member's node"
    ]


def test_an_allowlist_with_a_members_old_address_is_found(network_dir: Path) -> None:
    plan = _plan(network_dir)
    moved = [m.enode.replace(f"@{m.host}:", "@10.9.9.9:") if m.member_id == "CN" else m.enode for m in plan.members]
    edit_toml(NetworkLayout(network_dir).permissions("th"), nodes_allowlist=moved)
    [problem] = _errors(network_dir, "allowlist")
    assert f"lists CN's node at 10.9.9.9:30303, but it is at {plan.members[0].host}:30303" in problem


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('nodes-allowlist=["enode://abc@1.2.3.4:30303"]\n', "is not an enode URL"),
        ('nodes-allowlist=["enode://' + "ab" * 64 + '@node.example:30303"]\n', "is not an enode URL"),
        ('nodes-allowlist=["enode://' + "ab" * 64 + '@1.2.3.4:70000"]\n', "out of range"),
        ("nodes-allowlist=[\n", "not valid TOML"),
        ('other="x"\n', "has no nodes-allowlist"),
    ],
)
def test_an_unreadable_allowlist_is_found(network_dir: Path, content: str, fragment: str) -> None:
    NetworkLayout(network_dir).permissions("cn").write_text(content)
    assert any(fragment in e for e in _errors(network_dir, "allowlist"))


def test_static_nodes_missing_a_member_or_naming_a_stranger_are_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    nodes = json.loads(layout.static_nodes("cn").read_text())
    layout.static_nodes("cn").write_text(json.dumps([*nodes[1:], OTHER_NODE]))
    errors = _errors(network_dir, "static-nodes")
    assert any("SG's node" in e and "CN's node never dials it" in e for e in errors)
    assert any(OTHER_NODE in e for e in errors)
    layout.static_nodes("sg").write_text("{not json")
    assert any(
        "members/sg/static-nodes.json" in e or "static-nodes.json" in e for e in _errors(network_dir, "static-nodes")
    )


# ---------------------------------------------------------------- node configuration


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"min_gas_price": 1000}, "min-gas-price is 1000"),
        ({"rpc_max_logs_range": 5000}, "rpc-max-logs-range is 5000"),
        ({"permissions_nodes_config_file_enabled": False}, "permissions-nodes-config-file-enabled is False"),
        ({"p2p_host": "10.0.0.1"}, "p2p-host is '10.0.0.1'"),
        ({"genesis_file": "/tmp/other.json"}, "genesis-file is '/tmp/other.json'"),
        ({"rpc_http_api": ["NET"]}, "lacks ETH"),
    ],
)
def test_a_config_that_breaks_the_network_or_sanzhi_is_found(
    network_dir: Path, values: dict[str, object], fragment: str
) -> None:
    edit_toml(NetworkLayout(network_dir).config("sg"), **values)
    errors = _errors(network_dir, "config")
    assert any(e.startswith("members/sg/config.toml: ") and fragment in e for e in errors), errors


def test_rpc_beyond_loopback_is_a_warning(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("cn"), rpc_http_host="0.0.0.0")
    report = _check(network_dir)
    assert report.passed
    assert any("rpc-http-host is '0.0.0.0'" in f.message for f in report.findings if f.severity is Severity.WARNING)


def test_a_node_with_another_genesis_is_found(network_dir: Path) -> None:
    edit_json(NetworkLayout(network_dir).member_genesis("th"), lambda g: g.update(timestamp="0x1"))
    assert _errors(network_dir, "genesis") == ["members/th/genesis.json differs: TH's node would run another chain"]


# ---------------------------------------------------------------- ports


def test_two_nodes_on_one_host_with_one_port_are_found(tmp_path: Path) -> None:
    root = tmp_path / "net"
    make_network(root, hosts={"CN": "10.0.0.5", "SG": "10.0.0.5"})
    assert _check(root).passed
    edit_toml(NetworkLayout(root).config("sg"), rpc_http_port=8545)
    assert "port 8545 on 10.0.0.5 is taken twice: CN rpc-http-port and SG rpc-http-port" in _errors(root, "ports")


def test_one_node_using_a_port_twice_is_found(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("my"), metrics_port=8547)
    assert any("port 8547" in e and "MY rpc-http-port and MY metrics-port" in e for e in _errors(network_dir, "ports"))


def test_a_privileged_port_is_found(network_dir: Path) -> None:
    edit_toml(NetworkLayout(network_dir).config("cn"), p2p_port=303)
    assert "CN: p2p-port 303 is not a port in 1024..65535" in _errors(network_dir, "ports")


def test_compose_publishing_a_port_twice_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).compose
    path.write_text(path.read_text().replace("127.0.0.1:8546:8546", "127.0.0.1:8545:8546"))
    assert _errors(network_dir, "compose") == ["host port 8545/tcp is published twice: besu-cn and besu-sg"]


def test_compose_without_a_members_service_is_found(network_dir: Path) -> None:
    path = NetworkLayout(network_dir).compose
    path.write_text(path.read_text().replace("besu-th:", "besu-xx:"))
    assert _errors(network_dir, "compose") == ["docker-compose.yml has no service besu-th for TH"]


# ---------------------------------------------------------------- forks, gas and chain


def test_a_genesis_without_the_contracts_fork_is_found(network_dir: Path) -> None:
    _set_genesis(network_dir, lambda g: g["config"].pop("cancunTime"))
    assert _errors(network_dir, "forks") == [
        "the contracts are compiled for cancun, which needs it from genesis: cancunTime is missing"
    ]


def test_contracts_compiled_for_a_newer_evm_than_the_genesis_are_found(network_dir: Path) -> None:
    assert any("pragueTime is missing" in e for e in _errors(network_dir, "forks", evm_version="prague"))


def test_fork_names_in_another_case_count_but_twice_is_refused(network_dir: Path) -> None:
    _set_genesis(network_dir, lambda g: g["config"].update(CANCUNTIME=g["config"].pop("cancunTime")))
    assert _check(network_dir).passed
    _set_genesis(network_dir, lambda g: g["config"].update(cancunTime=0))
    assert _errors(network_dir, "genesis") == ["config names cancuntime more than once (case-insensitively)"]


def test_a_base_fee_is_found(network_dir: Path) -> None:
    _set_genesis(network_dir, lambda g: g["config"].update(zeroBaseFee=False))
    _set_genesis(network_dir, lambda g: g.update(baseFeePerGas="0x3b9aca00"))
    errors = _errors(network_dir, "gas")
    assert "London without zeroBaseFee: a base fee above 0 refuses gas price 0" in errors
    assert "baseFeePerGas is '0x3b9aca00', not 0x0" in errors


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda g: g["config"].update(chainId=7), "chainId is 7, the network's is 1337"),
        (lambda g: g["config"].update(clique={}), "not QBFT"),
        (lambda g: g.update(mixHash="0x" + "00" * 32), "mixHash"),
    ],
)
def test_a_genesis_of_another_chain_or_consensus_is_found(network_dir: Path, change: object, fragment: str) -> None:
    _set_genesis(network_dir, change)
    assert any(fragment in e for e in _errors(network_dir, "genesis"))


def test_an_unreadable_genesis_is_one_finding(network_dir: Path) -> None:
    NetworkLayout(network_dir).genesis.write_text('{"config": {}, "config": {}}')
    assert any("duplicate key" in e for e in _errors(network_dir, "genesis"))


# ---------------------------------------------------------------- not a network


def test_a_directory_without_a_plan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotANetworkDir, match=r"no network\.json"):
        _check(tmp_path)


def test_an_invalid_plan_is_one_line(network_dir: Path) -> None:
    edit_json(NetworkLayout(network_dir).plan, lambda p: p["members"][0].update(host="node.example"))
    with pytest.raises(NotANetworkDir) as caught:
        _check(network_dir)
    assert "members.0.host" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_plan_that_is_not_json_is_refused(network_dir: Path) -> None:
    NetworkLayout(network_dir).plan.write_text(json.dumps({"format": 2})[:-1])
    with pytest.raises(NotANetworkDir, match=r"network\.json"):
        _check(network_dir)


def test_a_genesis_without_a_validator_the_plan_records_is_found(network_dir: Path) -> None:
    recorded = to_checksum_address("0x" + "55" * 20)
    edit_json(NetworkLayout(network_dir).plan, lambda p: p["genesis_validators"].append(recorded))
    assert _errors(network_dir, "extradata") == [
        f"genesis extraData lacks validator {recorded}, which network.json records"
    ]


def test_an_unfinished_membership_change_is_found(network_dir: Path) -> None:
    NetworkLayout(network_dir).pending_change().write_text('{"action": "remove", "member_id": "SG"}')
    assert _errors(network_dir, "network") == ["removing SG did not finish: run remove-member SG again"]
