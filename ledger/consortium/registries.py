"""The registries a consortium lists: one active version per kind, voted in by its members.

The Consortium contract keeps, per kind (CertificateRegistry, AeoRegistry, ...), the deployments
it lists in listing order (version 1, 2, ...) and, per deployment, the intervals in which it was
the active version and took new issuance. A verifier trusts a registry because the trusted
consortium lists it, never because its code looks like ours; a registry takes new issuance only
while it is the active version of its kind.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from ledger.errors import InvalidInput

CERTIFICATE_REGISTRY = "CertificateRegistry"
# Every kind the consortium lists, as `registryKind()` answers (left-aligned bytes32 text).
REGISTRY_KINDS: tuple[str, ...] = (
    CERTIFICATE_REGISTRY,
    "AeoRegistry",
    "EvidenceRegistry",
    "DocumentRegistry",
    "StatisticsRegistry",
    "AlertRegistry",
    "AssessmentRegistry",
)


def kind_bytes(kind: str) -> bytes:
    """The bytes32 id of `kind` (its name, left-aligned): any name of up to 32 ASCII letters."""
    if not kind or len(kind) > 32 or not kind.isascii() or not kind.isalnum():
        raise InvalidInput(f"{kind!r} is not a registry kind (one of {', '.join(REGISTRY_KINDS)})", path="kind")
    return kind.encode("ascii").ljust(32, b"\0")


def kind_text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("ascii", errors="replace")


class Interval(BaseModel):
    """[since, until] in unix seconds; `until` None while still active. Closed at both ends:
    an issuance in the block of the vote that replaced the registry may precede the vote."""

    since: int
    until: int | None

    def holds(self, at: int) -> bool:
        return self.since <= at and (self.until is None or at <= self.until)


class RegistryListing(BaseModel):
    """One deployment as the consortium lists it; `kind` None when it does not list it."""

    address: str
    kind: str | None
    version: int
    intervals: list[Interval]

    @property
    def active(self) -> bool:
        return bool(self.intervals) and self.intervals[-1].until is None

    def active_at(self, at: int) -> bool:
        return any(interval.holds(at) for interval in self.intervals)

    @classmethod
    def decode(cls, address: str, raw: tuple[bytes, int, list[tuple[int, int]]]) -> RegistryListing:
        kind, version, intervals = raw
        return cls(
            address=address,
            kind=kind_text(kind) or None,
            version=int(version),
            intervals=[Interval(since=int(s), until=int(u) or None) for s, u in intervals],
        )


def unix_text(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
