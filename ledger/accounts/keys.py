"""Signing keys: development keys from the public anvil test mnemonic, keystores, env."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from eth_account import Account
from eth_account.hdaccount import key_from_seed, seed_from_mnemonic
from eth_account.signers.local import LocalAccount

from ledger.errors import InvalidJson, KeyUnavailable
from ledger.files import write_atomic
from ledger.jsonfiles import load_strict

# The public test mnemonic every Foundry/Hardhat user knows. Keys derived from it are
# DEVELOPMENT-ONLY: anyone can derive them, so they must never hold anything real.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
# How many accounts of the test mnemonic SANZHI_ENV=prod refuses (tools hand out the first 10 or
# 20; the development consortium uses fewer).
DEV_ACCOUNTS_REFUSED = 100
# An Ethereum keystore is under 1 KiB.
MAX_KEYSTORE_BYTES = 64 * 1024


@lru_cache(maxsize=1)
def _dev_seed() -> bytes:
    return seed_from_mnemonic(DEV_MNEMONIC, passphrase="")


@lru_cache(maxsize=64)
def dev_account(index: int) -> LocalAccount:
    """Account `index` of the public test mnemonic (m/44'/60'/0'/0/index).

    Derived with eth_account's BIP-32/39 functions directly, so that no process-wide switch
    (`Account.enable_unaudited_hdwallet_features`) has to be flipped for it.
    """
    account: LocalAccount = Account.from_key(key_from_seed(_dev_seed(), f"m/44'/60'/0'/0/{index}"))
    return account


@lru_cache(maxsize=1)
def dev_addresses() -> frozenset[str]:
    """Addresses of the first DEV_ACCOUNTS_REFUSED accounts of the test mnemonic, derived once
    on first use (about 0.1 s), never at import."""
    seed = _dev_seed()
    return frozenset(
        Account.from_key(key_from_seed(seed, f"m/44'/60'/0'/0/{i}")).address for i in range(DEV_ACCOUNTS_REFUSED)
    )


def is_dev_key(account: LocalAccount) -> bool:
    """Whether `account` is one of the public test mnemonic's accounts, which anyone can derive."""
    return str(account.address) in dev_addresses()


def account_from_private_key(key: str) -> LocalAccount:
    try:
        account: LocalAccount = Account.from_key(key.strip())
        return account
    except (ValueError, TypeError) as exc:
        raise KeyUnavailable("the private key is not a 32-byte hex key") from exc


def account_from_keystore(path: Path, password: str | None) -> LocalAccount:
    """Decrypt an Ethereum JSON keystore (scrypt/pbkdf2 + AES-128-CTR)."""
    if password is None:
        raise KeyUnavailable(f"keystore {path} needs SANZHI_KEYSTORE_PASSWORD")
    try:
        encrypted = load_strict(path, max_bytes=MAX_KEYSTORE_BYTES)
    except OSError as exc:
        raise KeyUnavailable(f"keystore {path} is unreadable: {exc.strerror or exc}") from exc
    except InvalidJson as exc:
        raise KeyUnavailable(f"keystore {path} is unreadable: {exc.reason}") from None
    try:
        key = Account.decrypt(encrypted, password)
    except ValueError as exc:
        raise KeyUnavailable(f"keystore {path}: wrong password or corrupt file") from exc
    account: LocalAccount = Account.from_key(key)
    return account


def write_keystore(path: Path, account: LocalAccount, password: str, *, scrypt_n: int | None = None) -> Path:
    """Encrypt `account` into a keystore file readable only by its owner (never readable by
    others, not even for a moment: created 0600, then renamed into place).

    `scrypt_n` (scrypt's cost) defaults to eth_account's 2^18; tests pass a tiny one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    encrypted = json.dumps(Account.encrypt(account.key, password, kdf="scrypt", iterations=scrypt_n))
    return write_atomic(path, encrypted, mode=0o600)
