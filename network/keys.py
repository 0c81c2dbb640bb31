"""Node keys: secp256k1, kept at rest in encrypted keystores, and the plain `key` file Besu reads.

Besu reads its node key only as a plain hex file (`--node-private-key-file`; encrypted storage
needs a security-module plugin), and in QBFT that key also signs blocks: the node address is the
validator address. So one key per member serves as node key and validator key; its keystore is the
encrypted copy, and the plain file is written only when the operator asks for it.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import coincurve
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import PrivateKey
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError as KeyOutOfRange

from ledger.accounts.keys import account_from_keystore, dev_addresses, is_dev_key, write_keystore
from ledger.errors import InvalidJson, KeyUnavailable
from ledger.files import write_atomic
from ledger.jsonfiles import load_strict
from network.errors import InvalidNodeId, NetworkFileInvalid, WeakPassword

MIN_PASSWORD_CHARS = 12
PLACEHOLDER_PASSWORDS = frozenset({"changeme", "change-me", "password", "secret", "besu", "sanzhi"})
MAX_KEYSTORE_BYTES = 64 * 1024
_PLAIN_KEY = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")


def new_node_key() -> LocalAccount:
    """A fresh secp256k1 key from the operating system's random source."""
    account: LocalAccount = Account.create()
    return account


def public_key_hex(account: LocalAccount) -> str:
    """The node id of an enode URL: the 64-byte uncompressed public key, without the 0x04 prefix."""
    return str(PrivateKey(account.key).public_key.to_bytes().hex())


def address_of_public_key(public_key: str) -> str:
    """The address (validator address, in QBFT) of a 128-hex-digit node public key."""
    return str(to_checksum_address(keccak(bytes.fromhex(public_key))[12:]))


def check_node_id(given: str) -> str:
    """A node id handed over by a member: 64 bytes of public key (0x, 04 prefixes accepted), on
    the curve, and no key of the public development mnemonic."""
    text = given.strip().lower().removeprefix("0x")
    if len(text) == 130 and text.startswith("04"):
        text = text[2:]
    if not re.fullmatch(r"[0-9a-f]{128}", text):
        raise InvalidNodeId(given, "expected the node's 64-byte public key as 128 hex digits")
    try:
        coincurve.PublicKey(b"\x04" + bytes.fromhex(text))
    except ValueError:
        raise InvalidNodeId(given, "not a point of secp256k1") from None
    if address_of_public_key(text) in dev_addresses():
        raise InvalidNodeId(given, "a key of the public development mnemonic: anyone can derive it")
    return text


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"shorter than {MIN_PASSWORD_CHARS} characters")
    if password.strip().lower() in PLACEHOLDER_PASSWORDS:
        raise WeakPassword("a placeholder")
    return password


def read_password_file(path: Path) -> str:
    """The password in `path`: its first line, without the line break."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WeakPassword(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    lines = text.splitlines()
    return check_password(lines[0] if lines else "")


def write_node_keystore(path: Path, account: LocalAccount, password: str, *, scrypt_n: int | None = None) -> Path:
    """The encrypted at-rest copy of a node key (0600, written atomically)."""
    if is_dev_key(account):  # never reached with new_node_key; guards keys brought from elsewhere
        raise KeyUnavailable("refusing a key of the public development mnemonic as a node key")
    return write_keystore(path, account, check_password(password), scrypt_n=scrypt_n)


def keystore_address(path: Path) -> str:
    """The address a keystore states (readable without its password)."""
    try:
        data = load_strict(path, max_bytes=MAX_KEYSTORE_BYTES)
    except OSError as exc:
        raise NetworkFileInvalid(path, f"unreadable: {exc.strerror or exc}") from None
    except InvalidJson as exc:
        raise NetworkFileInvalid(path, exc.reason) from None
    address = data.get("address") if isinstance(data, dict) else None
    if not isinstance(address, str) or not re.fullmatch(r"(0x)?[0-9a-fA-F]{40}", address):
        raise NetworkFileInvalid(path, "not an Ethereum keystore (no address)")
    return str(to_checksum_address("0x" + address.removeprefix("0x")))


def unlock_keystore(path: Path, password: str) -> LocalAccount:
    return account_from_keystore(path, password)


def write_plain_key(path: Path, account: LocalAccount) -> Path:
    """Besu's `key` file: the private key in hex, created owner-only (0600) and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, "0x" + bytes(account.key).hex(), mode=0o600)


def plain_key_public_key(path: Path) -> str:
    """The node id of the plain key file at `path`."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise NetworkFileInvalid(path, f"unreadable: {getattr(exc, 'strerror', None) or exc}") from None
    if not _PLAIN_KEY.match(text):
        raise NetworkFileInvalid(path, "not a 32-byte hex private key")
    try:
        key = PrivateKey(bytes.fromhex(text.removeprefix("0x")))
    except KeyOutOfRange as exc:  # 0, or not below the curve order
        raise NetworkFileInvalid(path, "not a valid secp256k1 private key") from exc
    return str(key.public_key.to_bytes().hex())


def readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
