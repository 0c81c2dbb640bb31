"""`network check` of the genesis: validators in extraData against the keys, forks, free gas,
the chain, every node's copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_utils.address import to_checksum_address

from network.extradata import QbftExtraData, encode_extra_data, genesis_extra_data
from network.layout import NetworkLayout
from network.report import Severity
from tests.support import edit_json, make_network, network_errors, network_plan, network_report, set_genesis


def test_a_validator_that_is_no_members_key_is_found(network_dir: Path) -> None:
    plan = network_plan(network_dir)
    stranger = "0x" + "77" * 20
    validators = [m.node_address for m in plan.members[1:]] + [stranger]
    set_genesis(network_dir, lambda g: g.update(extraData=genesis_extra_data(validators)))
    errors = network_errors(network_dir, "extradata")
    assert f"CN's node key {plan.members[0].node_address} is not a validator in genesis extraData" in errors
    assert any(stranger.lower() in e.lower() and "no founding member" in e for e in errors)


def test_a_validator_named_twice_is_found(network_dir: Path) -> None:
    plan = network_plan(network_dir)
    validators = [m.node_address for m in plan.members] + [plan.members[0].node_address]
    set_genesis(
        network_dir, lambda g: g.update(extraData="0x" + encode_extra_data(QbftExtraData(validators=validators)).hex())
    )
    assert any("2 times" in e for e in network_errors(network_dir, "extradata"))


def test_a_genesis_with_a_round_or_seals_is_found(network_dir: Path) -> None:
    validators = [m.node_address for m in network_plan(network_dir).members]
    extra = QbftExtraData(validators=validators, round=3, seals=[bytes(65)])
    set_genesis(network_dir, lambda g: g.update(extraData="0x" + encode_extra_data(extra).hex()))
    assert network_errors(network_dir, "extradata") == ["a genesis block carries no vote, round or commit seals"]


def test_undecodable_extradata_is_found(network_dir: Path) -> None:
    set_genesis(network_dir, lambda g: g.update(extraData="0x" + "00" * 32))
    assert network_errors(network_dir, "extradata")[0].startswith("genesis extraData: ")


def test_fewer_than_four_validators_is_a_warning(tmp_path: Path) -> None:
    make_network(tmp_path / "net", members=("CN", "SG", "MY"))
    report = network_report(tmp_path / "net")
    assert report.passed
    assert any(f.severity is Severity.WARNING and "tolerate no faulty" in f.message for f in report.findings)


def test_a_node_with_another_genesis_is_found(network_dir: Path) -> None:
    edit_json(NetworkLayout(network_dir).member_genesis("th"), lambda g: g.update(timestamp="0x1"))
    assert network_errors(network_dir, "genesis") == [
        "members/th/genesis.json differs: TH's node would run another chain"
    ]


def test_a_genesis_without_the_contracts_fork_is_found(network_dir: Path) -> None:
    set_genesis(network_dir, lambda g: g["config"].pop("cancunTime"))
    assert network_errors(network_dir, "forks") == [
        "the contracts are compiled for cancun, which needs it from genesis: cancunTime is missing"
    ]


def test_contracts_compiled_for_a_newer_evm_than_the_genesis_are_found(network_dir: Path) -> None:
    assert any("pragueTime is missing" in e for e in network_errors(network_dir, "forks", evm_version="prague"))


def test_fork_names_in_another_case_count_but_twice_is_refused(network_dir: Path) -> None:
    set_genesis(network_dir, lambda g: g["config"].update(CANCUNTIME=g["config"].pop("cancunTime")))
    assert network_report(network_dir).passed
    set_genesis(network_dir, lambda g: g["config"].update(cancunTime=0))
    assert network_errors(network_dir, "genesis") == ["config names cancuntime more than once (case-insensitively)"]


def test_a_base_fee_is_found(network_dir: Path) -> None:
    set_genesis(network_dir, lambda g: g["config"].update(zeroBaseFee=False))
    set_genesis(network_dir, lambda g: g.update(baseFeePerGas="0x3b9aca00"))
    errors = network_errors(network_dir, "gas")
    assert "London without zeroBaseFee: a base fee above 0 refuses gas price 0" in errors
    assert "baseFeePerGas is '0x3b9aca00', not 0x0" in errors


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda g: g["config"].update(chainId=7), "chainId is 7, the network's is "),
        (lambda g: g["config"].update(clique={}), "not QBFT"),
        (lambda g: g.update(mixHash="0x" + "00" * 32), "mixHash"),
    ],
)
def test_a_genesis_of_another_chain_or_consensus_is_found(network_dir: Path, change: object, fragment: str) -> None:
    set_genesis(network_dir, change)
    assert any(fragment in e for e in network_errors(network_dir, "genesis"))


def test_an_unreadable_genesis_is_one_finding(network_dir: Path) -> None:
    NetworkLayout(network_dir).genesis.write_text('{"config": {}, "config": {}}')
    assert any("duplicate key" in e for e in network_errors(network_dir, "genesis"))


def test_a_genesis_without_a_validator_the_plan_records_is_found(network_dir: Path) -> None:
    recorded = to_checksum_address("0x" + "55" * 20)
    edit_json(NetworkLayout(network_dir).plan, lambda p: p["genesis_validators"].append(recorded))
    assert network_errors(network_dir, "extradata") == [
        f"genesis extraData lacks validator {recorded}, which network.json records"
    ]
