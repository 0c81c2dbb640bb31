"""What a verifier trusts: one consortium (or one registry it lists), never whatever a file names.

A wrapped certificate names the registry its root was anchored in, and anyone can deploy a
contract that answers like a registry, even a genuine CertificateRegistry bound to the real
consortium. So a registry is trusted only when the trusted Consortium lists it as a
CertificateRegistry (its members voted it in), and a batch only when it was anchored while that
registry was the consortium's active version. Nothing compares code with today's build: a
consortium upgrades its contracts by vote, and what it listed stays trusted for what it issued.
Without an anchor nothing verifies.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from pydantic import BaseModel

from ledger.certificates.findings import Finding, FindingCode, finding
from ledger.chain.client import LedgerClient
from ledger.chain.reads import view_request
from ledger.consortium.registries import CERTIFICATE_REGISTRY, RegistryListing, kind_bytes, unix_text
from ledger.errors import InvalidInput, LedgerError


class AnchorSource(StrEnum):
    DEPLOYMENT = "deployment record"
    EXPLICIT = "named by the verifier"


class TrustAnchor(BaseModel):
    """The consortium a verifier trusts, and the single registry when it named one."""

    consortium: str
    registry: str | None = None
    source: AnchorSource

    def describe(self) -> str:
        what = f"registry {self.registry} of consortium {self.consortium}" if self.registry else self.consortium
        return f"{what} ({self.source.value})"


def _word(reply: dict[str, Any]) -> bytes | None:
    """The one 32-byte word an eth_call answered, or None (no code, a revert, another shape)."""
    result = reply.get("result")
    if not isinstance(result, str) or len(result) != 66:
        return None
    return bytes.fromhex(result[2:])


def listing_call(client: LedgerClient, consortium: str, registry: str, block: str = "latest") -> tuple[str, list[Any]]:
    """The eth_call of `consortium.registryListing(registry)`, for a JSON-RPC batch."""
    fn = client.artifacts.codec("Consortium").function("registryListing")
    return view_request(consortium, fn.call_data(to_checksum_address(registry)), block)


def decode_listing(client: LedgerClient, registry: str, reply: dict[str, Any]) -> RegistryListing:
    if "result" not in reply:
        raise LedgerError(f"the trusted consortium did not answer for registry {registry}: {reply.get('error')}")
    fn = client.artifacts.codec("Consortium").function("registryListing")
    try:
        raw = fn.decode(bytes.fromhex(str(reply["result"])[2:]))
    except Exception as exc:  # eth_abi's many decoding errors: not a Consortium's answer
        raise LedgerError(f"the trusted consortium's answer for registry {registry} is not a listing: {exc}") from None
    return RegistryListing.decode(to_checksum_address(registry), raw)


def resolve_anchor(client: LedgerClient, explicit: str | None) -> TrustAnchor | None:
    """The anchor named explicitly (a Consortium, or a CertificateRegistry its consortium
    lists), else the Consortium of the client's deployment record, else None."""
    if explicit:
        if not is_address(explicit):
            raise InvalidInput(f"{explicit!r} is not an address", path="trust")
        address = to_checksum_address(explicit)
        registry = client.artifacts.codec("CertificateRegistry")
        consortium = client.artifacts.codec("Consortium")
        kind_reply, consortium_reply, kinds_reply = client.raw_batch(
            [
                view_request(address, registry.function("registryKind").call_data()),
                view_request(address, registry.function("consortium").call_data()),
                view_request(address, consortium.function("registryKinds").call_data()),
            ]
        )
        kind, named = _word(kind_reply), _word(consortium_reply)
        if kind == kind_bytes(CERTIFICATE_REGISTRY) and named is not None:
            owner = to_checksum_address(named[12:])
            listing = decode_listing(client, address, client.raw_batch([listing_call(client, owner, address)])[0])
            if listing.kind != CERTIFICATE_REGISTRY:
                raise InvalidInput(
                    f"{address} is a CertificateRegistry that its consortium {owner} does not list; "
                    "it is trusted for nothing",
                    path="trust",
                )
            return TrustAnchor(consortium=owner, registry=address, source=AnchorSource.EXPLICIT)
        answer = str(kinds_reply.get("result") or "0x")
        if len(answer) >= 2 + 128:  # a dynamic array: offset and length at least
            return TrustAnchor(consortium=address, source=AnchorSource.EXPLICIT)
        raise InvalidInput(
            f"{address} is neither a sanzhi Consortium nor a CertificateRegistry on chain {client.chain_id}",
            path="trust",
        )
    deployment = client.deployment
    if deployment is not None and deployment.chain_id == client.chain_id and "Consortium" in deployment.contracts:
        return TrustAnchor(
            consortium=to_checksum_address(deployment.contracts["Consortium"].address),
            source=AnchorSource.DEPLOYMENT,
        )
    return None


def registry_refusal(anchor: TrustAnchor, listing: RegistryListing) -> Finding | None:
    """Why the registry of `listing` is not trusted under `anchor` at all, or None when it is."""
    if anchor.registry is not None and listing.address.lower() != anchor.registry.lower():
        return finding(FindingCode.REGISTRY_NOT_THE_TRUSTED_ONE, registry=listing.address, trusted=anchor.registry)
    if listing.kind != CERTIFICATE_REGISTRY:
        return finding(FindingCode.REGISTRY_NOT_OF_CONSORTIUM, registry=listing.address, consortium=anchor.consortium)
    return None


def batch_refusal(anchor: TrustAnchor, listing: RegistryListing, issued_at: int) -> Finding | None:
    """Why a batch anchored at `issued_at` in a trusted registry does not count: the registry
    was not the consortium's active CertificateRegistry then. None when it was."""
    if listing.active_at(issued_at):
        return None
    return finding(
        FindingCode.REGISTRY_NOT_ACTIVE_AT_ISSUE,
        registry=listing.address,
        consortium=anchor.consortium,
        issued_at=unix_text(issued_at),
    )
