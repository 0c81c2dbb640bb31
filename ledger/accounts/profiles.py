"""CLI profiles: which organisation's key signs (`--as NAME` / SANZHI_PROFILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel, Field

from ledger.accounts.keys import account_from_keystore, account_from_private_key, dev_account, is_dev_key
from ledger.errors import KeyUnavailable
from ledger.model_files import read_model, write_model
from ledger.settings import LedgerSettings


class DevKey(BaseModel):
    """A key derived from the public test mnemonic: development only."""

    kind: Literal["dev-mnemonic"] = "dev-mnemonic"
    index: int


class KeystoreKey(BaseModel):
    """An encrypted JSON keystore; its password comes from SANZHI_KEYSTORE_PASSWORD."""

    kind: Literal["keystore"] = "keystore"
    path: Path


class EnvKey(BaseModel):
    """The key in SANZHI_PRIVATE_KEY."""

    kind: Literal["env"] = "env"


KeySource = Annotated[DevKey | KeystoreKey | EnvKey, Field(discriminator="kind")]


class Profile(BaseModel):
    """One organisation's identity in the consortium as the CLI uses it."""

    name: str
    role: str
    member_id: str | None = None
    key: KeySource
    dev_only: bool = False
    address: str | None = None


class Profiles(BaseModel):
    profiles: dict[str, Profile] = {}


def profiles_path(data_dir: Path) -> Path:
    return data_dir / "profiles.json"


def load_profiles(data_dir: Path) -> Profiles:
    return read_model(profiles_path(data_dir), Profiles, "profiles") or Profiles()


def save_profiles(data_dir: Path, profiles: Profiles) -> Path:
    return write_model(profiles_path(data_dir), profiles)


def get_profile(settings: LedgerSettings, name: str) -> Profile:
    profiles = load_profiles(settings.data_dir).profiles
    profile = profiles.get(name)
    if profile is None:
        where = profiles_path(settings.data_dir)
        known = (
            ", ".join(sorted(profiles))
            or "none (on a development chain `sanzhi up` or `sanzhi deploy --dev` writes them)"
        )
        raise KeyUnavailable(f"unknown profile {name!r} in {where}; known profiles: {known}")
    return profile


def resolve_account(settings: LedgerSettings, profile_name: str | None) -> LocalAccount | None:
    """The signing account for a profile, or from SANZHI_PRIVATE_KEY / SANZHI_KEYSTORE.

    With SANZHI_ENV=prod a key of the public test mnemonic is refused however it is supplied:
    a dev-mnemonic profile, or a private key or keystore that holds one of its accounts.
    """
    name = profile_name or settings.profile
    if name:
        profile = get_profile(settings, name)
        if settings.env == "prod" and (profile.dev_only or isinstance(profile.key, DevKey)):
            raise KeyUnavailable(f"profile {name!r} uses a public development key; refused in prod")
        account, source = _account_for(profile.key, settings)
        return _refuse_dev_key_in_prod(account, f"profile {name!r} ({source})", settings)
    if settings.private_key is not None:
        account = account_from_private_key(settings.private_key.get_secret_value())
        return _refuse_dev_key_in_prod(account, "SANZHI_PRIVATE_KEY", settings)
    if settings.keystore is not None:
        account = account_from_keystore(settings.keystore, _password(settings))
        return _refuse_dev_key_in_prod(account, f"SANZHI_KEYSTORE {settings.keystore}", settings)
    return None


def _account_for(key: DevKey | KeystoreKey | EnvKey, settings: LedgerSettings) -> tuple[LocalAccount, str]:
    """The account and a description of where its key came from."""
    if isinstance(key, DevKey):
        return dev_account(key.index), f"dev-mnemonic account {key.index}"
    if isinstance(key, KeystoreKey):
        return account_from_keystore(key.path, _password(settings)), f"keystore {key.path}"
    if settings.private_key is None:
        raise KeyUnavailable("profile reads its key from SANZHI_PRIVATE_KEY, which is not set")
    return account_from_private_key(settings.private_key.get_secret_value()), "SANZHI_PRIVATE_KEY"


def _refuse_dev_key_in_prod(account: LocalAccount, source: str, settings: LedgerSettings) -> LocalAccount:
    if settings.env == "prod" and is_dev_key(account):
        raise KeyUnavailable(
            f"{source} holds {account.address}, a key of the public test mnemonic; refused with SANZHI_ENV=prod"
        )
    return account


def _password(settings: LedgerSettings) -> str | None:
    return settings.keystore_password.get_secret_value() if settings.keystore_password else None
