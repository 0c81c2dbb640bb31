"""The service's own settings (environment variables prefixed SANZHI_API_); the chain, keys and
database come from LedgerSettings (SANZHI_)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.keystore import ApiRole, organisation_id
from api.workers import STARTUP_SECONDS

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024


class ServiceSettings(BaseSettings):
    """Which organisation the service acts for, how it signs, and its limits."""

    model_config = SettingsConfigDict(env_prefix="SANZHI_API_", extra="ignore")

    organisation: str | None = Field(
        default=None, description="The consortium member this service acts for (e.g. CN); None: public routes only"
    )
    # role -> signing profile ("issuer" -> "cn-issuer"); in dev, missing roles default to <org>-<role>
    signers: dict[str, str] = Field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024)
    # token buckets: requests per second and burst, per client address on public routes and
    # per API key elsewhere; a rate of 0 turns that limit off
    public_rate: float = Field(default=20.0, ge=0)
    public_burst: int = Field(default=60, ge=1)
    key_rate: float = Field(default=50.0, ge=0)
    key_burst: int = Field(default=200, ge=1)
    # shared by all workers (api.rate_limits): static files per client address, and login
    # attempts per address and per key id tried (one every 1/rate seconds after the burst)
    static_rate: float = Field(default=200.0, ge=0)
    static_burst: int = Field(default=400, ge=1)
    login_rate: float = Field(default=0.2, ge=0)
    login_burst: int = Field(default=5, ge=1)
    # where the workers' buckets live; None: a SQLite file in the data directory (one host).
    # Several hosts behind one address: the URL of a PostgreSQL database they all reach
    rate_limit_database_url: str | None = None
    # slow and idle clients (api.slow_clients): seconds for a request's head to arrive
    # complete, seconds an idle kept-alive connection stays open, the least body bytes/s after
    # the grace seconds, and open connections per client address in each worker
    header_timeout: float = Field(default=30.0, gt=0)
    keep_alive_timeout: int = Field(default=5, ge=1)
    body_min_rate: float = Field(default=1024.0, ge=0)
    body_grace_seconds: float = Field(default=10.0, ge=0)
    max_connections_per_address: int = Field(default=64, ge=1)
    max_batch_verify: int = Field(default=2000, ge=1, le=65_536)
    # with several workers: one that ends sooner than this after its start stops the service
    # (it would only end again); one that ends later is replaced
    worker_startup_seconds: float = Field(default=STARTUP_SECONDS, ge=0)

    @field_validator("organisation")
    @classmethod
    def _member_id(cls, value: str | None) -> str | None:
        return organisation_id(value) if value else None

    @field_validator("signers")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        roles = {r.value for r in ApiRole}
        unknown = sorted(set(value) - roles)
        if unknown:
            raise ValueError(f"unknown signer role {unknown[0]!r}; one of {', '.join(sorted(roles))}")
        return value

    @model_validator(mode="after")
    def _signers_need_an_organisation(self) -> ServiceSettings:
        if self.signers and not self.organisation:
            raise ValueError("signers are given, but no organisation (--org) to act for")
        return self

    def signer_profiles(self, *, dev: bool) -> dict[str, str]:
        """role -> profile: the configured ones, and in dev `<org>-<role>` for the rest."""
        if not self.organisation:
            return {}
        defaults = {r.value: f"{self.organisation.lower()}-{r.value}" for r in ApiRole} if dev else {}
        return {**defaults, **self.signers}
