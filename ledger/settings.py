"""Typed settings for sanzhi processes (environment variables prefixed SANZHI_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RPC_URL = "http://127.0.0.1:8545"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "0x"})
DATA_DIR_NAME = ".sanzhi"


def user_data_dir() -> Path:
    """The per-user data directory: $XDG_DATA_HOME/sanzhi, else ~/.local/share/sanzhi."""
    # the XDG base-directory rule by hand: it is two lines, and platformdirs is not a dependency
    base = os.environ.get("XDG_DATA_HOME", "")
    return (Path(base) if Path(base).is_absolute() else Path.home() / ".local" / "share") / "sanzhi"


def find_data_dir(start: Path | None = None) -> Path:
    """The data directory of the running node, as git finds `.git`: the first `.sanzhi`
    directory in `start` (the current directory) or an ancestor, else the per-user one."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / DATA_DIR_NAME).is_dir():
            return directory / DATA_DIR_NAME
    return user_data_dir()


class LedgerSettings(BaseSettings):
    """What a process needs to reach the chain and sign: node, deployments, key source."""

    model_config = SettingsConfigDict(env_prefix="SANZHI_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    # --data-dir or SANZHI_DATA_DIR, else found from the current directory up (find_data_dir)
    data_dir: Path = Field(default_factory=find_data_dir)
    rpc_url: str | None = None
    chain_id: int | None = None
    profile: str | None = None
    private_key: SecretStr | None = None
    keystore: Path | None = None
    keystore_password: SecretStr | None = None
    deployments_dir: Path | None = None
    # None: the compiled contracts shipped in the package (ledger/chain/compiled)
    artifacts_dir: Path | None = None
    tx_timeout_seconds: float = 120.0
    # the Consortium (or CertificateRegistry) address a verifier trusts; default: the deployment record's
    trust_consortium: str | None = None
    # the IPFS node's HTTP RPC API (/ip4/127.0.0.1/tcp/5001 or http://host:port) that encrypted
    # documents are also stored on; None: they stay in the local store under the data dir only
    ipfs_api: str | None = None
    # the audit index (ledger/index): a SQLAlchemy URL, `postgresql+psycopg://...` for PostgreSQL;
    # None: SQLite in the data directory (index.sqlite). The service keeps its API keys there too.
    database_url: str | None = None
    # encrypts webhook signing secrets at rest: 32 bytes in base64; in dev a missing one is made
    # once in the data directory (webhook.key), in prod a missing one refuses to start
    webhook_key: SecretStr | None = None

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> LedgerSettings:
        if self.env == "prod":
            # the webhook key is checked where it is read (ledger.webhooks.secret_box), in every env
            for name in ("private_key", "keystore_password"):
                secret = getattr(self, name)
                if secret is not None and secret.get_secret_value().strip().lower() in (PLACEHOLDER_SECRETS):
                    raise ValueError(f"SANZHI_{name.upper()} is a placeholder; refused in prod")
        return self

    @property
    def resolved_deployments_dir(self) -> Path:
        """Deployment files live with the chain state they describe, unless set explicitly."""
        return self.deployments_dir or self.data_dir / "deployments"

    @property
    def resolved_database_url(self) -> str:
        """SANZHI_DATABASE_URL, else `sqlite:///<data_dir>/index.sqlite`."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'index.sqlite').resolve()}"

    @property
    def node_dir(self) -> Path:
        return self.data_dir / "node"
