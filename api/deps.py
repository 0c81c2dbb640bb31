"""What every route depends on: the service's context, handed out by FastAPI's Depends.

The app builds one `ServiceContext` in its lifespan and keeps it on `app.state.context`;
tests replace it with `app.dependency_overrides[get_context]`. Nothing here is global.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.coalesce import CoalescedReads
from api.errors import IndexUnavailable, PermissionDenied
from api.keystore import ApiRole, KeyStore
from api.metrics import ServiceMetrics
from api.rate_limits import ServiceLimits
from api.settings import ServiceSettings
from ledger.assessment.reading import AnswersCache
from ledger.certificates.trust import TrustAnchor, resolve_anchor
from ledger.certificates.verification import read_states
from ledger.chain.client import LedgerClient
from ledger.connect import build_client, load_deployment_of
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import ConfigurationError, KeyUnavailable, LedgerError
from ledger.index.chain_match import require_match
from ledger.index.db import open_existing_index
from ledger.index.errors import NotIndexed
from ledger.settings import LedgerSettings


@dataclass
class ServiceContext:
    """One running service: its settings, a read-only chain client, and the organisation it serves."""

    settings: LedgerSettings
    client: LedgerClient
    # the consortium member whose users this instance serves ("CN"); None for a verify-only portal
    organisation: str | None = None
    # the signing profile per role this organisation's service uses ("issuer" -> "cn-issuer")
    signers: dict[str, str] = field(default_factory=dict)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    keys: KeyStore | None = None
    metrics: ServiceMetrics | None = None
    # the rate limits every request takes a token from (api.rate_limits); None: no limits
    limits: ServiceLimits | None = None
    # members' self-assessments already read and checked (they never change): decrypted once
    assessment_answers: AnswersCache = field(default_factory=AnswersCache)
    _anchor: TrustAnchor | None = None
    _reads: CoalescedReads | None = None
    _index: Engine | None = None
    _signer_clients: dict[str, LedgerClient] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuances_dir(self) -> Path:
        """Where issuance jobs keep their documents and wrapped certificates."""
        return self.settings.data_dir / "api" / "issuances"

    def find_deployment(self) -> None:
        """Load the deployment record once the node answers and the record exists (the service
        may start before either); until then routes that need the chain answer 503."""
        with contextlib.suppress(LedgerError):
            load_deployment_of(self.client, self.settings)

    def member(self) -> str:
        """The organisation this service acts for; refused when it acts for none."""
        if self.organisation is None:
            raise PermissionDenied("this service acts for no organisation: it answers public routes only")
        return self.organisation

    def index_engine(self) -> Engine:
        """The audit index (opened once), whichever chain it describes; 503 until `sanzhi index`
        (or the service's follower) has indexed something."""
        with self._lock:
            if self._index is None:
                try:
                    self._index = open_existing_index(self.settings)
                except NotIndexed as exc:
                    raise IndexUnavailable(exc.message) from exc
            return self._index

    def index(self) -> Engine:
        """The audit index to answer from: 503 as `index_engine`, and while its follower last saw
        the node on another chain (one read of the index's state row: no request asks the node)."""
        engine = self.index_engine()
        with engine.connect() as connection:
            require_match(connection, rebuilds_itself=self.settings.env == "dev")
        return engine

    def trust_anchor(self) -> TrustAnchor | None:
        """What verification trusts: SANZHI_TRUST_CONSORTIUM, else the deployment record's
        consortium (resolved once, then kept)."""
        if self._anchor is None:
            self._anchor = resolve_anchor(self.client, self.settings.trust_consortium)
        return self._anchor

    async def resolved_trust_anchor(self) -> TrustAnchor | None:
        """`trust_anchor()`, without holding the event loop up on its first (chain) read."""
        if self._anchor is not None:
            return self._anchor
        return await run_in_threadpool(self.trust_anchor)

    def coalesced_reads(self) -> CoalescedReads:
        """Certificate-state reads of concurrent requests sent together (api.coalesce)."""
        with self._lock:
            if self._reads is None:
                client = self.client
                self._reads = CoalescedReads(lambda certificates, anchor: read_states(client, certificates, anchor))
            return self._reads

    def signer(self, role: ApiRole) -> LedgerClient:
        """A client signing with this organisation's profile for `role`, checked once to act
        for the organisation (a misconfigured profile of another member is refused)."""
        member = self.member()
        profile = self.signers.get(role.value)
        if profile is None:
            raise KeyUnavailable(f"the service has no signing profile for the {role.value} role (--signer)")
        with self._lock:
            client = self._signer_clients.get(profile)
        if client is not None:
            return client
        client = build_client(self.settings, profile)
        binding = ConsortiumBinding(client)
        acts_for = binding.member_of(client.address) if role is ApiRole.ADMIN else None
        acts_for = acts_for or binding.accrediting_member(client.address)
        if acts_for != member:
            raise ConfigurationError(
                f"signing profile {profile!r} ({client.address}) acts for {acts_for or 'no member'}, not {member}"
            )
        with self._lock:
            self._signer_clients[profile] = client
        return client


async def get_context(request: Request) -> ServiceContext:
    """The context (async: a sync dependency costs a hop to the thread pool on every request)."""
    context: ServiceContext = request.app.state.context
    if context.client.deployment is None:
        await run_in_threadpool(context.find_deployment)
    return context


Context = Annotated[ServiceContext, Depends(get_context)]
