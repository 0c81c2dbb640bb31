"""What a verifier trusts: one consortium (or one registry of it), never whatever a file names.

A wrapped certificate names the registry its root was anchored in; anyone can deploy a
contract that answers like a registry. A registry is accepted only when its runtime code is
the genuine CertificateRegistry bound (through its one immutable) to the trusted consortium,
or when it is the one registry the verifier named. Without an anchor nothing verifies.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel
from web3 import Web3

from ledger.certificates.findings import Finding, FindingCode, finding
from ledger.chain.artifacts import Artifacts
from ledger.chain.client import LedgerClient
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


def _code(client: LedgerClient, address: str) -> bytes:
    reply = client.raw_batch([("eth_getCode", [address, "latest"])])[0]
    if "error" in reply:
        raise LedgerError(f"cannot read the code at {address}: {reply['error']}")
    return bytes.fromhex(str(reply.get("result") or "0x")[2:])


def genuine_registry_code(client: LedgerClient, consortium: str) -> bytes:
    """The runtime code of a CertificateRegistry deployed for `consortium`."""
    return registry_code_for(client.artifacts, consortium)


def registry_code_for(artifacts: Artifacts, consortium: str) -> bytes:
    """The runtime code of a CertificateRegistry deployed for `consortium`, from the compiled
    contracts alone (no node: offline verifiers use it)."""
    immutable = bytes.fromhex(consortium[2:].lower()).rjust(32, b"\0")
    return artifacts.get("CertificateRegistry").runtime_code(immutable)


def resolve_anchor(client: LedgerClient, explicit: str | None) -> TrustAnchor | None:
    """The anchor named explicitly (a Consortium or a CertificateRegistry address), else the
    Consortium of the client's deployment record, else None."""
    if explicit:
        if not Web3.is_address(explicit):
            raise InvalidInput(f"{explicit!r} is not an address", path="trust")
        address = Web3.to_checksum_address(explicit)
        code = _code(client, address)
        if code and code == bytes.fromhex(client.artifacts.get("Consortium").deployed_bytecode.removeprefix("0x")):
            return TrustAnchor(consortium=address, source=AnchorSource.EXPLICIT)
        registry_fn = client.artifacts.codec("CertificateRegistry").function("consortium")
        reply = client.raw_batch([("eth_call", [{"to": address, "data": registry_fn.call_data()}, "latest"])])[0]
        if code and "result" in reply and len(reply["result"]) == 66:
            consortium = Web3.to_checksum_address(registry_fn.decode(bytes.fromhex(reply["result"][2:])))
            if code == genuine_registry_code(client, consortium):
                return TrustAnchor(consortium=consortium, registry=address, source=AnchorSource.EXPLICIT)
        raise InvalidInput(
            f"{address} is neither a sanzhi Consortium nor a CertificateRegistry on chain {client.chain_id}",
            path="trust",
        )
    deployment = client.deployment
    if deployment is not None and deployment.chain_id == client.chain_id and "Consortium" in deployment.contracts:
        return TrustAnchor(
            consortium=Web3.to_checksum_address(deployment.contracts["Consortium"].address),
            source=AnchorSource.DEPLOYMENT,
        )
    return None


def registry_refusal(anchor: TrustAnchor, registry: str, code: bytes, expected: bytes) -> Finding | None:
    """Why `registry` (holding `code`) is not trusted under `anchor`, or None when it is.

    `expected` is `genuine_registry_code(client, anchor.consortium)`.
    """
    if anchor.registry is not None:
        if registry.lower() != anchor.registry.lower():
            shown = Web3.to_checksum_address(registry)
            return finding(FindingCode.REGISTRY_NOT_THE_TRUSTED_ONE, registry=shown, trusted=anchor.registry)
        return None
    if code != expected:
        shown = Web3.to_checksum_address(registry)
        return finding(FindingCode.REGISTRY_NOT_OF_CONSORTIUM, registry=shown, consortium=anchor.consortium)
    return None
