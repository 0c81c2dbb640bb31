"""Settings refuse placeholder secrets in prod; keys come from profiles, keystores or env."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from ledger.accounts.keys import DEV_MNEMONIC, dev_account, write_keystore
from ledger.accounts.profiles import KeystoreKey, Profile, Profiles, resolve_account, save_profiles
from ledger.devnet.consortium import _merged_profiles
from ledger.errors import KeyUnavailable
from ledger.settings import LedgerSettings


def test_dev_keys_come_from_the_public_test_mnemonic() -> None:
    assert DEV_MNEMONIC.endswith("junk")
    assert dev_account(0).address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_placeholder_secret_refused_in_prod() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        LedgerSettings(env="prod", keystore_password=SecretStr("changeme"))
    assert LedgerSettings(env="dev", keystore_password=SecretStr("changeme")).env == "dev"


def test_dev_profiles_refused_in_prod(tmp_path: Path) -> None:
    save_profiles(tmp_path, _merged_profiles(tmp_path))
    assert resolve_account(LedgerSettings(data_dir=tmp_path), "cn-issuer") == dev_account(3)
    with pytest.raises(KeyUnavailable, match="public development key"):
        resolve_account(LedgerSettings(data_dir=tmp_path, env="prod"), "cn-issuer")


def test_keystore_profile(tmp_path: Path) -> None:
    path = write_keystore(tmp_path / "cn.json", dev_account(5), "correct horse")
    assert path.stat().st_mode & 0o777 == 0o600
    save_profiles(tmp_path, Profiles(profiles={"cn": Profile(name="cn", role="member", key=KeystoreKey(path=path))}))
    good = LedgerSettings(data_dir=tmp_path, keystore_password=SecretStr("correct horse"))
    account = resolve_account(good, "cn")
    assert account is not None
    assert account.address == dev_account(5).address
    with pytest.raises(KeyUnavailable, match="wrong password"):
        resolve_account(LedgerSettings(data_dir=tmp_path, keystore_password=SecretStr("nope")), "cn")
    with pytest.raises(KeyUnavailable, match="needs SANZHI_KEYSTORE_PASSWORD"):
        resolve_account(LedgerSettings(data_dir=tmp_path), "cn")


def test_env_private_key(tmp_path: Path) -> None:
    key = SecretStr("0x" + dev_account(2).key.hex().removeprefix("0x"))
    account = resolve_account(LedgerSettings(data_dir=tmp_path, private_key=key), None)
    assert account is not None
    assert account.address == dev_account(2).address
    with pytest.raises(KeyUnavailable, match="not a 32-byte hex key"):
        resolve_account(LedgerSettings(data_dir=tmp_path, private_key=SecretStr("0x1234")), None)
