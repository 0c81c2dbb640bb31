"""Development API keys for `sanzhi up`: one per (organisation, role) asked for, created once,
their tokens kept in a file of the data directory that only its owner may read (0600).

DEVELOPMENT ONLY: a real deployment hands each token to its holder once (`sanzhi apikey create`)
and keeps none of them.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ValidationError

from api.errors import AuthenticationFailed
from api.keystore import ApiRole, KeyStore
from ledger.errors import ConfigurationError
from ledger.files import write_atomic

DEV_KEYS_FILE = "dev-api-keys.json"
PRIVATE = 0o600


class DevApiKey(BaseModel):
    organisation: str
    role: ApiRole
    key_id: str
    token: str
    account: str | None = None  # a trader key's party account
    operator: str | None = None  # a trader key's party operator id


class DevApiKeys(BaseModel):
    keys: list[DevApiKey]

    def token(self, organisation: str, role: ApiRole) -> str:
        return next(k.token for k in self.keys if k.organisation == organisation and k.role is role)


class DevKeysUnreadable(ConfigurationError):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}; delete it and run again to create new development keys")


def dev_keys_path(data_dir: Path) -> Path:
    return data_dir / DEV_KEYS_FILE


def ensure_dev_keys(
    *,
    store: KeyStore,
    path: Path,
    wanted: list[tuple[str, ApiRole]],
    accounts: Mapping[str, str] | None = None,
    operators: Mapping[str, str] | None = None,
) -> tuple[DevApiKeys, int]:
    """The kept keys that still authenticate, new ones for the rest; and how many are new. A
    trader key acts for `accounts[organisation]` (the organisation's development trader) and
    names `operators[organisation]` as its party's operator id."""
    kept = {(k.organisation, k.role): k for k in _read(path).keys}
    keys: list[DevApiKey] = []
    created = 0
    for organisation, role in wanted:
        account = (accounts or {}).get(organisation) if role is ApiRole.TRADER else None
        operator = (operators or {}).get(organisation) if role is ApiRole.TRADER else None
        known = kept.get((organisation, role))
        if known is not None and (known.account, known.operator) == (account, operator) and _active(store, known):
            keys.append(known)
            continue
        label = f"sanzhi up: development {organisation} {role.value}"
        made = store.create(organisation=organisation, role=role.value, label=label, account=account, operator=operator)
        keys.append(
            DevApiKey(
                organisation=organisation, role=role, key_id=made.key.key_id, token=made.token,
                account=made.key.account, operator=made.key.operator,
            )
        )  # fmt: skip
        created += 1
    result = DevApiKeys(keys=keys)
    if created or _mode(path) != PRIVATE:
        _write_private(path, result.model_dump_json(indent=2) + "\n")
    return result, created


def _active(store: KeyStore, key: DevApiKey) -> bool:
    """Still a usable key of the store (not revoked, not expired: made again by the next `sanzhi
    up`, which keeps development keys working past the default expiry; not lost with a deleted
    database)."""
    try:
        found = store.authenticate(key.token)
    except AuthenticationFailed:
        return False
    same = (found.organisation, found.role, found.account, found.operator)
    return same == (key.organisation, key.role, key.account, key.operator)


def _read(path: Path) -> DevApiKeys:
    try:
        return DevApiKeys.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return DevApiKeys(keys=[])
    except OSError as exc:
        raise DevKeysUnreadable(path, exc.strerror or str(exc)) from None
    except ValidationError:
        raise DevKeysUnreadable(path, "not a development key file") from None


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def _write_private(path: Path, text: str) -> None:
    """Atomically, and never readable by others, not even for a moment: the temporary file is
    created 0600 (a write then chmod would leave a window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text, mode=PRIVATE)
