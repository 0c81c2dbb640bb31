"""`network export-key`: Besu's key file from the keystore, never replacing another node's key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.errors import KeyUnavailable
from network.errors import KeyFileMismatch, NetworkFileInvalid, UnknownMember
from network.export_key import export_node_key
from network.keys import plain_key_public_key
from network.layout import NetworkLayout
from network.models import NetworkPlan
from tests.support import NETWORK_PASSWORD


def _plan(root: Path) -> NetworkPlan:
    return NetworkPlan.model_validate_json(NetworkLayout(root).plan.read_text())


def test_the_key_file_holds_the_members_node_key(network_dir: Path, tmp_path: Path) -> None:
    out = export_node_key(root=network_dir, member_id="sg", password=NETWORK_PASSWORD, out=tmp_path / "key")
    assert plain_key_public_key(out) == _plan(network_dir).members[1].node_public_key
    assert out.stat().st_mode & 0o777 == 0o600
    # again: the same key is left in place
    assert export_node_key(root=network_dir, member_id="SG", password=NETWORK_PASSWORD, out=out) == out


def test_another_nodes_key_file_is_not_replaced(network_dir: Path) -> None:
    existing = NetworkLayout(network_dir).plain_key("cn")
    before = existing.read_text()
    with pytest.raises(KeyFileMismatch, match="another node key than SG's"):
        export_node_key(root=network_dir, member_id="SG", password=NETWORK_PASSWORD, out=existing)
    assert existing.read_text() == before


def test_a_wrong_password_or_member_is_refused(network_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable, match="wrong password"):
        export_node_key(root=network_dir, member_id="CN", password="not the password", out=tmp_path / "key")
    with pytest.raises(UnknownMember, match="XX is not a member"):
        export_node_key(root=network_dir, member_id="XX", password=NETWORK_PASSWORD, out=tmp_path / "key")
    assert not (tmp_path / "key").exists()


def test_a_keystore_of_another_key_is_refused(network_dir: Path, tmp_path: Path) -> None:
    layout = NetworkLayout(network_dir)
    layout.node_keystore("cn").write_text(layout.node_keystore("th").read_text())
    with pytest.raises(NetworkFileInvalid, match=r"not the node key network\.json names for CN"):
        export_node_key(root=network_dir, member_id="CN", password=NETWORK_PASSWORD, out=tmp_path / "key")
