"""Typed settings for sanzhi processes (environment variables prefixed SANZHI_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RPC_URL = "http://127.0.0.1:8545"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "password", "0x"})


class LedgerSettings(BaseSettings):
    """What a process needs to reach the chain and sign: node, deployments, key source."""

    model_config = SettingsConfigDict(env_prefix="SANZHI_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    data_dir: Path = Path(".sanzhi")
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

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> LedgerSettings:
        if self.env == "prod":
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
