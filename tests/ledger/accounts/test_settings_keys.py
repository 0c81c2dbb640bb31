"""Settings refuse placeholder secrets in prod; keys come from profiles, keystores or env."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from pydantic import SecretStr, ValidationError

from ledger.accounts.keys import DEV_ACCOUNTS_REFUSED, DEV_MNEMONIC, dev_account, dev_addresses, write_keystore
from ledger.accounts.profiles import (
    DevKey,
    EnvKey,
    KeystoreKey,
    Profile,
    Profiles,
    resolve_account,
    save_profiles,
)
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
    path = write_keystore(tmp_path / "cn.json", dev_account(5), "correct horse", scrypt_n=2)
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


# SANZHI_ENV=prod refuses every key of the public test mnemonic, however it is supplied.

_PASSWORD = SecretStr("correct horse")


def _cheap_keystore(path: Path, key: bytes) -> Path:
    """A keystore with scrypt parameters cheap enough for tests."""
    path.write_text(json.dumps(Account.encrypt(key, _PASSWORD.get_secret_value(), kdf="scrypt", iterations=2)))
    return path


def _prod(tmp_path: Path, **kwargs: Any) -> LedgerSettings:
    return LedgerSettings(data_dir=tmp_path, env="prod", keystore_password=_PASSWORD, **kwargs)


def _key_hex(index: int) -> SecretStr:
    return SecretStr("0x" + dev_account(index).key.hex().removeprefix("0x"))


def test_dev_addresses_are_derived_once_and_cover_the_first_hundred() -> None:
    assert len(dev_addresses()) == DEV_ACCOUNTS_REFUSED == 100
    assert dev_addresses() is dev_addresses()
    assert dev_account(0).address in dev_addresses()
    assert dev_account(99).address in dev_addresses()


def test_prod_refuses_dev_mnemonic_profile_even_without_dev_only_flag(tmp_path: Path) -> None:
    save_profiles(tmp_path, Profiles(profiles={"cn": Profile(name="cn", role="member", key=DevKey(index=3))}))
    with pytest.raises(KeyUnavailable, match="profile 'cn' uses a public development key"):
        resolve_account(_prod(tmp_path), "cn")


@pytest.mark.parametrize("index", [0, 2, 57, 99])
def test_prod_refuses_dev_private_key_in_env(tmp_path: Path, index: int) -> None:
    settings = _prod(tmp_path, private_key=_key_hex(index))
    with pytest.raises(KeyUnavailable, match=r"^SANZHI_PRIVATE_KEY holds 0x.*public test mnemonic; refused"):
        resolve_account(settings, None)
    dev = LedgerSettings(data_dir=tmp_path, private_key=_key_hex(index))
    assert resolve_account(dev, None) == dev_account(index)


def test_prod_accepts_a_key_outside_the_mnemonic(tmp_path: Path) -> None:
    own = Account.create()
    settings = _prod(tmp_path, private_key=SecretStr(own.key.hex()))
    account = resolve_account(settings, None)
    assert account is not None
    assert account.address == own.address


def test_prod_refuses_keystore_holding_dev_key(tmp_path: Path) -> None:
    path = _cheap_keystore(tmp_path / "dev.json", dev_account(1).key)
    shown = re.escape(str(path))
    with pytest.raises(KeyUnavailable, match=f"^SANZHI_KEYSTORE {shown} holds .*refused with SANZHI_ENV=prod$"):
        resolve_account(_prod(tmp_path, keystore=path), None)
    own = Account.create()
    own_path = _cheap_keystore(tmp_path / "own.json", own.key)
    account = resolve_account(_prod(tmp_path, keystore=own_path), None)
    assert account is not None
    assert account.address == own.address


def test_prod_refuses_keystore_profile_holding_dev_key(tmp_path: Path) -> None:
    path = _cheap_keystore(tmp_path / "dev.json", dev_account(7).key)
    profile = Profile(name="cn", role="member", key=KeystoreKey(path=path))
    save_profiles(tmp_path, Profiles(profiles={"cn": profile}))
    shown = re.escape(str(path))
    with pytest.raises(KeyUnavailable, match=rf"^profile 'cn' \(keystore {shown}\) holds .*public test mnemonic"):
        resolve_account(_prod(tmp_path), "cn")


def test_prod_refuses_env_profile_holding_dev_key(tmp_path: Path) -> None:
    save_profiles(tmp_path, Profiles(profiles={"cn": Profile(name="cn", role="member", key=EnvKey())}))
    with pytest.raises(KeyUnavailable, match=r"^profile 'cn' \(SANZHI_PRIVATE_KEY\) holds .*public test mnemonic"):
        resolve_account(_prod(tmp_path, private_key=_key_hex(4)), "cn")
