"""Development API keys of `sanzhi up`: created once, kept 0600, replaced when they no longer work."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.dev_keys import DevKeysUnreadable, ensure_dev_keys
from api.key_lifetimes import DEFAULT_KEY_LIFETIME
from api.keystore import ApiRole, KeyStore

WANTED = [("CN", ApiRole.AUDITOR), ("CN", ApiRole.ISSUER)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KeyStore]:
    keys = KeyStore(f"sqlite:///{tmp_path / 'index.sqlite'}")
    try:
        yield keys
    finally:
        keys.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keys_are_created_once_and_kept_private(store: KeyStore, tmp_path: Path) -> None:
    path = tmp_path / "dev-api-keys.json"
    first, created = ensure_dev_keys(store=store, path=path, wanted=WANTED)
    assert created == 2
    assert mode(path) == 0o600
    assert store.authenticate(first.token("CN", ApiRole.AUDITOR)).role is ApiRole.AUDITOR
    assert store.authenticate(first.token("CN", ApiRole.ISSUER)).role is ApiRole.ISSUER
    again, created = ensure_dev_keys(store=store, path=path, wanted=WANTED)
    assert created == 0
    assert again == first
    assert len(store.list()) == 2


def test_a_revoked_key_is_replaced_and_the_other_kept(store: KeyStore, tmp_path: Path) -> None:
    path = tmp_path / "dev-api-keys.json"
    first, _ = ensure_dev_keys(store=store, path=path, wanted=WANTED)
    store.revoke(first.keys[0].key_id)
    again, created = ensure_dev_keys(store=store, path=path, wanted=WANTED)
    assert created == 1
    assert again.keys[1] == first.keys[1]
    assert again.keys[0].token != first.keys[0].token
    assert store.authenticate(again.token("CN", ApiRole.AUDITOR)).revoked_at is None


def test_an_expired_key_is_replaced(tmp_path: Path) -> None:
    """`sanzhi up` a year and more after the last: its expired development keys are made again."""
    path, url = tmp_path / "dev-api-keys.json", f"sqlite:///{tmp_path / 'index.sqlite'}"
    made = datetime.now(UTC) - DEFAULT_KEY_LIFETIME - timedelta(days=1)
    then = KeyStore(url, clock=lambda: made)
    try:
        first, _ = ensure_dev_keys(store=then, path=path, wanted=WANTED)
    finally:
        then.close()
    now = KeyStore(url)
    try:
        again, created = ensure_dev_keys(store=now, path=path, wanted=WANTED)
        assert created == 2
        assert {k.token for k in again.keys}.isdisjoint({k.token for k in first.keys})
        assert now.authenticate(again.token("CN", ApiRole.ISSUER)).expires_at > datetime.now(UTC)
    finally:
        now.close()


def test_keys_of_a_lost_database_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "dev-api-keys.json"
    old = KeyStore(f"sqlite:///{tmp_path / 'old.sqlite'}")
    new = KeyStore(f"sqlite:///{tmp_path / 'new.sqlite'}")
    try:
        first, _ = ensure_dev_keys(store=old, path=path, wanted=WANTED)
        again, created = ensure_dev_keys(store=new, path=path, wanted=WANTED)
    finally:
        old.close()
        new.close()
    assert created == 2
    assert {k.token for k in again.keys}.isdisjoint(k.token for k in first.keys)


def test_a_file_readable_by_others_is_narrowed_to_its_owner(store: KeyStore, tmp_path: Path) -> None:
    path = tmp_path / "dev-api-keys.json"
    ensure_dev_keys(store=store, path=path, wanted=WANTED)
    path.chmod(0o644)
    _, created = ensure_dev_keys(store=store, path=path, wanted=WANTED)
    assert created == 0
    assert mode(path) == 0o600


def test_a_damaged_file_is_one_clear_error_and_left_as_it_is(store: KeyStore, tmp_path: Path) -> None:
    path = tmp_path / "dev-api-keys.json"
    path.write_text("{not json")
    with pytest.raises(DevKeysUnreadable, match="delete it and run again"):
        ensure_dev_keys(store=store, path=path, wanted=WANTED)
    assert path.read_text() == "{not json"
    assert store.list() == []


def test_the_trader_key_acts_for_the_dev_trader_and_is_replaced_when_that_changes(
    store: KeyStore, tmp_path: Path
) -> None:
    path = tmp_path / "dev-api-keys.json"
    wanted = [("CN", ApiRole.TRADER), ("CN", ApiRole.ORACLE)]
    first, created = ensure_dev_keys(store=store, path=path, wanted=wanted, accounts={"CN": "0x" + "11" * 20})
    assert created == 2
    assert store.authenticate(first.token("CN", ApiRole.TRADER)).account == "0x" + "11" * 20
    assert store.authenticate(first.token("CN", ApiRole.ORACLE)).account is None
    again, created = ensure_dev_keys(store=store, path=path, wanted=wanted, accounts={"CN": "0x" + "22" * 20})
    assert created == 1
    assert store.authenticate(again.token("CN", ApiRole.TRADER)).account == "0x" + "22" * 20


def test_the_trader_key_names_its_party_and_is_replaced_when_the_party_changes(store: KeyStore, tmp_path: Path) -> None:
    path, account = tmp_path / "dev-api-keys.json", "0x2546BcD3c84621e976D8185a91A922aE77ECEc30"
    wanted = [("CN", ApiRole.TRADER)]
    first, _ = ensure_dev_keys(store=store, path=path, wanted=wanted, accounts={"CN": account})
    assert store.authenticate(first.token("CN", ApiRole.TRADER)).operator is None  # as `sanzhi up` made it before
    named, created = ensure_dev_keys(store=store, path=path, wanted=wanted, accounts={"CN": account},
                                     operators={"CN": "USCI:91310000MA1FL8XQ30"})  # fmt: skip
    assert created == 1
    key = store.authenticate(named.token("CN", ApiRole.TRADER))
    assert (key.account, key.operator) == (account, "USCI:91310000MA1FL8XQ30")
    again, created = ensure_dev_keys(store=store, path=path, wanted=wanted, accounts={"CN": account},
                                     operators={"CN": "USCI:91310000MA1FL8XQ30"})  # fmt: skip
    assert (again, created) == (named, 0)
