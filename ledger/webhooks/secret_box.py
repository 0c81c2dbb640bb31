"""Signing secrets: made (`whsec_` and 32 random bytes in base64), and kept encrypted at rest
with AES-256-GCM under the webhook key (SANZHI_WEBHOOK_KEY; in development a key generated once
into the data directory)."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from filelock import FileLock

from ledger.errors import ConfigurationError
from ledger.files import write_atomic
from ledger.settings import PLACEHOLDER_SECRETS, LedgerSettings
from ledger.webhooks.errors import WebhookKeyMissing

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
KEY_FILE = "webhook.key"
_NONCE = 12


def new_secret() -> str:
    """A signing secret as receivers configure it: `whsec_` and base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


class SecretBox:
    """AES-256-GCM with the subscription id as associated data: a secret copied onto another
    subscription's row does not decrypt there."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise WebhookKeyMissing(f"is {len(key)} bytes, not 32")
        self._aead = AESGCM(key)

    def seal(self, secret: str, *, subscription_id: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, secret.encode(), subscription_id.encode())

    def open(self, sealed: bytes, *, subscription_id: str) -> str:
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], subscription_id.encode()).decode()
        except InvalidTag:
            raise ConfigurationError(
                f"the signing secret of subscription {subscription_id} does not decrypt with this webhook key "
                "(SANZHI_WEBHOOK_KEY changed?): rotate the subscription's secret"
            ) from None


def _decode_key(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookKeyMissing("is not base64") from None


def webhook_key(settings: LedgerSettings) -> bytes:
    """The key of the secrets: SANZHI_WEBHOOK_KEY; else, in development only, the one in the
    data directory (made on first use, 0600)."""
    given = settings.webhook_key
    if given is not None:
        text = given.get_secret_value()
        if text.strip().lower() in PLACEHOLDER_SECRETS:
            raise WebhookKeyMissing("is a placeholder")
        return _decode_key(text)
    if settings.env == "prod":
        raise WebhookKeyMissing("is not set")
    return _development_key(settings.data_dir)


def _development_key(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    # two processes starting at once must not each write a key of their own
    with FileLock(f"{path}.lock", timeout=30):
        if not path.exists():
            write_atomic(path, base64.b64encode(secrets.token_bytes(32)) + b"\n", mode=0o600)
        return _decode_key(path.read_text())


def secret_box(settings: LedgerSettings) -> SecretBox:
    return SecretBox(webhook_key(settings))
