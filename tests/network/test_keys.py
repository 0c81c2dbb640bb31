"""Node keys: node ids and addresses, Besu's plain key file, keystores, passwords."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from ledger.accounts.keys import dev_account
from ledger.errors import KeyUnavailable
from network.errors import NetworkFileInvalid, WeakPassword
from network.keys import (
    address_of_public_key,
    keystore_address,
    new_node_key,
    plain_key_public_key,
    public_key_hex,
    read_password_file,
    readable_by_others,
    unlock_keystore,
    write_node_keystore,
    write_plain_key,
)
from tests.support import NETWORK_PASSWORD

# Hardhat/anvil account 0 of the public test mnemonic: its public key is widely published.
KNOWN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
KNOWN_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_the_node_id_is_the_uncompressed_public_key_and_hashes_to_the_address() -> None:
    account = Account.from_key(KNOWN_KEY)
    node_id = public_key_hex(account)
    assert len(node_id) == 128
    assert not node_id.startswith("04")
    assert address_of_public_key(node_id) == KNOWN_ADDRESS


def test_new_keys_differ() -> None:
    assert new_node_key().address != new_node_key().address


def test_the_plain_key_file_is_owner_only_and_reads_back(tmp_path: Path) -> None:
    account = new_node_key()
    path = write_plain_key(tmp_path / "key", account)
    assert path.stat().st_mode & 0o777 == 0o600
    assert not readable_by_others(path)
    assert plain_key_public_key(path) == public_key_hex(account)
    assert path.read_text().startswith("0x")


@pytest.mark.parametrize("content", ["", "0x1234", "0x" + "00" * 32, "0x" + "ff" * 32, "zz" * 32])
def test_a_key_file_that_is_no_key_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "key").write_text(content)
    with pytest.raises(NetworkFileInvalid):
        plain_key_public_key(tmp_path / "key")


def test_a_keystore_states_its_address_without_the_password(tmp_path: Path) -> None:
    account = new_node_key()
    path = write_node_keystore(tmp_path / "k.json", account, NETWORK_PASSWORD, scrypt_n=2**4)
    assert path.stat().st_mode & 0o777 == 0o600
    assert keystore_address(path) == account.address
    assert unlock_keystore(path, NETWORK_PASSWORD).key == account.key
    with pytest.raises(KeyUnavailable, match="wrong password"):
        unlock_keystore(path, NETWORK_PASSWORD + "!")


@pytest.mark.parametrize("content", ["{}", "[]", '{"address": "nope"}', "not json", '{"a": 1, "a": 2}'])
def test_a_file_that_is_no_keystore_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "k.json").write_text(content)
    with pytest.raises(NetworkFileInvalid):
        keystore_address(tmp_path / "k.json")


def test_a_development_key_is_never_a_node_key(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable, match="development"):
        write_node_keystore(tmp_path / "k.json", dev_account(0), NETWORK_PASSWORD, scrypt_n=2**4)
    assert not (tmp_path / "k.json").exists()


def test_the_password_is_the_first_line_of_its_file(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text(NETWORK_PASSWORD + "\nsecond line\n")
    assert read_password_file(tmp_path / "pw") == NETWORK_PASSWORD


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "shorter"), ("\n" + NETWORK_PASSWORD, "shorter"), ("short\n", "shorter"), ("changeme    ", "placeholder")],
)
def test_weak_passwords_are_refused(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "pw").write_text(content)
    with pytest.raises(WeakPassword, match=reason):
        read_password_file(tmp_path / "pw")


def test_a_missing_password_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WeakPassword, match="cannot read"):
        read_password_file(tmp_path / "absent")


def test_keystore_json_names_no_secret(tmp_path: Path) -> None:
    account = new_node_key()
    text = write_node_keystore(tmp_path / "k.json", account, NETWORK_PASSWORD, scrypt_n=2**4).read_text()
    assert bytes(account.key).hex() not in text
    assert json.loads(text)["crypto"]["kdf"] == "scrypt"
