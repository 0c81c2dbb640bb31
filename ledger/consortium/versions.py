"""Which deployment of a registry kind to read and which to write.

New issuance goes to the kind's active version; a record stays on the version it was created on,
so changes to it go there; reads cover every listed version. A consortium that lists no
deployment of a kind yet (before its founding vote) leaves the deployment record's address,
which refuses new issuance until the vote.
"""

from __future__ import annotations

from eth_utils.address import to_checksum_address

from ledger.chain.client import LedgerClient
from ledger.consortium.binding import ConsortiumBinding


def listed_versions(client: LedgerClient, kind: str) -> list[str]:
    """Every deployment of `kind` the consortium lists, oldest first (the deployment record's
    alone on a consortium that lists none yet)."""
    listed = ConsortiumBinding(client).registry_versions(kind)
    return [str(to_checksum_address(a)) for a in listed] or [str(client.address_of(kind))]


def active_version(client: LedgerClient, kind: str) -> str:
    """The deployment of `kind` that takes new issuance (the deployment record's on a consortium
    that lists none yet: it refuses, with RegistryNotActive)."""
    active = ConsortiumBinding(client).active_registry(kind)
    return str(to_checksum_address(active)) if active else str(client.address_of(kind))


def first_block(client: LedgerClient, kind: str, version: str) -> int:
    """The first block that can hold events of `version` of `kind`: its deployment's for the
    version the deployment record names, else the record's first block (any later version was
    deployed after the consortium that lists it); 0 without a record."""
    deployment = client.deployment
    if deployment is None:
        return 0
    recorded = deployment.contracts.get(kind)
    if recorded is not None and recorded.address.lower() == version.lower():
        return recorded.block
    return deployment.deployment_block
