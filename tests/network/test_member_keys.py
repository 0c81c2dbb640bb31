"""Members that make their node key themselves: only the node id reaches the network directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.accounts.keys import dev_account
from network.add_member import add_member
from network.check import check_network
from network.errors import InvalidMembers, InvalidNodeId, KeyHeldByMember, KeystoreExists, NetworkFileInvalid
from network.export_key import export_node_key, new_key
from network.extradata import decode_extra_data
from network.keys import plain_key_public_key, public_key_hex
from network.layout import NetworkLayout
from network.plan import parse_node_ids
from tests.support import NETWORK_PASSWORD, make_network

MEMBERS = ["CN", "SG", "MY", "TH"]


@pytest.fixture
def sg_key(tmp_path: Path) -> tuple[Path, str]:
    made = new_key(out=tmp_path / "sg-own" / "node.json", password=NETWORK_PASSWORD, scrypt_n=2**4)
    return Path(made.keystore), made.node_id


def test_a_member_key_made_elsewhere_is_a_validator_without_a_keystore_here(
    tmp_path: Path, sg_key: tuple[Path, str]
) -> None:
    keystore, node_id = sg_key
    root = tmp_path / "net"
    plan = make_network(root, node_ids={"SG": node_id}, plain_node_key=True)
    sg = plan.members[1]
    assert (sg.node_public_key, sg.key_held_by_member) == (node_id, True)
    layout = NetworkLayout(root)
    assert not layout.node_keystore("sg").exists()
    assert not layout.plain_key("sg").exists()
    genesis = layout.genesis.read_text()
    assert sg.node_address in decode_extra_data(genesis.split('"extraData": "')[1].split('"')[0]).validators
    assert check_network(root, evm_version="cancun").passed
    with pytest.raises(KeyHeldByMember):
        export_node_key(root=root, member_id="SG", password=NETWORK_PASSWORD, out=tmp_path / "key")
    out = export_node_key(root=root, member_id="SG", password=NETWORK_PASSWORD, out=tmp_path / "key", keystore=keystore)
    assert plain_key_public_key(out) == node_id


def test_another_members_keystore_is_refused_for_export(tmp_path: Path, sg_key: tuple[Path, str]) -> None:
    keystore, node_id = sg_key
    make_network(tmp_path / "net", node_ids={"SG": node_id})
    with pytest.raises(NetworkFileInvalid, match=r"not the node key network\.json names for CN"):
        export_node_key(
            root=tmp_path / "net", member_id="CN", password=NETWORK_PASSWORD, out=tmp_path / "key", keystore=keystore
        )


def test_new_key_never_overwrites(sg_key: tuple[Path, str]) -> None:
    keystore, _ = sg_key
    before = keystore.read_text()
    with pytest.raises(KeystoreExists):
        new_key(out=keystore, password=NETWORK_PASSWORD, scrypt_n=2**4)
    assert keystore.read_text() == before


def test_node_ids_in_other_forms_are_read(sg_key: tuple[Path, str]) -> None:
    _, node_id = sg_key
    for form in (node_id, "0x" + node_id, "0x04" + node_id.upper(), " 04" + node_id + " "):
        assert parse_node_ids([f"sg={form}"], MEMBERS) == {"SG": node_id}


@pytest.mark.parametrize(
    ("values", "error", "fragment"),
    [
        (["SG=1234"], InvalidNodeId, "128 hex digits"),
        (["SG=" + "01" * 64], InvalidNodeId, "not a point"),
        (["SG=" + public_key_hex(dev_account(1))], InvalidNodeId, "development mnemonic"),
        (["VN=" + "01" * 64], InvalidMembers, "one of CN"),
        (["SG"], InvalidMembers, "MEMBER=NODE_ID"),
    ],
)
def test_bad_node_ids_are_refused(values: list[str], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        parse_node_ids(values, MEMBERS)


def test_one_node_id_for_two_members_is_refused(sg_key: tuple[Path, str]) -> None:
    _, node_id = sg_key
    with pytest.raises(InvalidMembers, match="same node id"):
        parse_node_ids([f"SG={node_id}", f"MY={node_id}"], MEMBERS)
    with pytest.raises(InvalidMembers, match="given twice"):
        parse_node_ids([f"SG={node_id}", f"sg={node_id}"], MEMBERS)


def test_a_new_member_can_bring_its_own_key_but_not_anothers(network_dir: Path, sg_key: tuple[Path, str]) -> None:
    _, node_id = sg_key
    taken = NetworkLayout(network_dir).plan.read_text().split('"node_public_key": "')[1].split('"')[0]
    with pytest.raises(InvalidNodeId, match="CN's node already has it"):
        add_member(root=network_dir, member_id="VN", host=None, password="", evm_version="cancun", node_id=taken)
    added = add_member(root=network_dir, member_id="VN", host=None, password="", evm_version="cancun", node_id=node_id)
    assert added.member.key_held_by_member
    assert not NetworkLayout(network_dir).node_keystore("vn").exists()
    assert check_network(network_dir, evm_version="cancun").passed
