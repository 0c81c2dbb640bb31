"""`network check` of the node keys: keystores, key files, node ids."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from network.layout import NetworkLayout
from tests.support import edit_json, network_errors


def test_swapped_keystores_are_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    cn, sg = layout.node_keystore("cn"), layout.node_keystore("sg")
    cn_text = cn.read_text()
    cn.write_text(sg.read_text())
    sg.write_text(cn_text)
    errors = network_errors(network_dir, "keys")
    assert len(errors) == 2
    assert "cn-node.json holds the key of" in errors[0]


def test_a_key_file_of_another_node_is_found(network_dir: Path) -> None:
    layout = NetworkLayout(network_dir)
    shutil.copy(layout.plain_key("sg"), layout.plain_key("cn"))
    assert network_errors(network_dir, "keys") == ["members/cn/key is not CN's node key: its node would be another"]


def test_a_key_file_others_can_read_is_found(network_dir: Path) -> None:
    os.chmod(NetworkLayout(network_dir).plain_key("th"), 0o644)
    assert network_errors(network_dir, "keys") == ["members/th/key is readable by other users: chmod 600 it"]


def test_a_missing_keystore_is_found(network_dir: Path) -> None:
    NetworkLayout(network_dir).node_keystore("my").unlink()
    assert "unreadable" in network_errors(network_dir, "keys")[0]


def test_a_plan_whose_node_id_is_not_its_address_is_found(network_dir: Path) -> None:
    def swap_ids(plan: dict[str, list[dict[str, str]]]) -> None:
        a, b = plan["members"][0], plan["members"][1]
        a["node_public_key"], b["node_public_key"] = b["node_public_key"], a["node_public_key"]

    edit_json(NetworkLayout(network_dir).plan, swap_ids)
    assert any("node id does not belong to its address" in e for e in network_errors(network_dir, "keys"))
