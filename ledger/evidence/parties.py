"""A trade party's consignments: those whose parties it is or was (added by the opener or
customs, or the opener itself), found from the registries' ConsignmentPartyAdded events."""

from __future__ import annotations

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient
from ledger.consortium.versions import listed_versions
from ledger.evidence.audit import ChainReport, check_chain
from ledger.evidence.registry import CONTRACT, EvidenceRegistryBinding, RecordedEntry, current_parties


class PartyConsignment(BaseModel):
    """A consignment as one of its parties sees it: its opening, the party's role in it now
    (None: no longer a party), and how far its timeline goes."""

    consignment: str  # 0x id (keccak256 of the UCR)
    origin: str
    destination: str
    open: bool
    opened_at: int
    role: str | None
    entries: int
    last_entry_at: int | None


def _topic(account: str) -> str:
    return "0x" + "00" * 12 + to_checksum_address(account)[2:].lower()


def _deployed_at(client: LedgerClient, version: str) -> int:
    """The block `version` was deployed in, when the deployment record names it (else 0)."""
    deployment = client.deployment
    contract = deployment.contracts.get(CONTRACT) if deployment is not None else None
    return contract.block if contract is not None and contract.address.lower() == version.lower() else 0


def _added(
    client: LedgerClient, account: str, consignment: bytes | None
) -> list[tuple[EvidenceRegistryBinding, bytes]]:
    """(registry version, consignment) of each ConsignmentPartyAdded naming `account` (and only
    `consignment`, when given: the node filters by both topics), oldest version first."""
    wanted = "0x" + consignment.hex() if consignment is not None else None
    added: list[tuple[EvidenceRegistryBinding, bytes]] = []
    for version in listed_versions(client, CONTRACT):
        binding = EvidenceRegistryBinding(client, version)
        start = _deployed_at(client, version)
        for log in binding.contract.logs(["ConsignmentPartyAdded"], wanted, _topic(account), from_block=start):
            added.append((binding, bytes.fromhex(log["topics"][1][2:])))
    return added


def consignment_ids_of_party(*, client: LedgerClient, account: str) -> list[tuple[EvidenceRegistryBinding, bytes]]:
    """Every consignment (with the registry version holding it) `account` was ever added to as a
    party, first added first."""
    found: dict[bytes, EvidenceRegistryBinding] = {}
    for binding, consignment in _added(client, account, None):
        found.setdefault(consignment, binding)
    return [(binding, consignment) for consignment, binding in found.items()]


def was_party(*, client: LedgerClient, account: str, consignment: bytes) -> EvidenceRegistryBinding | None:
    """The registry version holding `consignment` when `account` is or was one of its parties,
    else None (one filtered log query per version, not a scan of the party's consignments)."""
    added = _added(client, account, consignment)
    return added[0][0] if added else None


def party_consignment(binding: EvidenceRegistryBinding, consignment: bytes, account: str) -> PartyConsignment:
    """The standing of one consignment for `account`."""
    record = binding.consignment(consignment)
    parties = current_parties(binding.changes(consignment))
    role = next((r for a, r in parties.items() if a.lower() == account.lower()), None)
    recorded = binding.recorded(consignment)
    return PartyConsignment(
        consignment="0x" + consignment.hex(),
        origin=record.origin,
        destination=record.destination,
        open=record.open,
        opened_at=record.opened_at,
        role=role if record.open else None,
        entries=len(recorded),
        last_entry_at=recorded[-1].timestamp if recorded else None,
    )


def party_timeline(
    *, client: LedgerClient, account: str, consignment: bytes
) -> tuple[list[RecordedEntry], ChainReport] | None:
    """The entries of `consignment` and the check of their chain, for a party of it; None when
    `account` never was one (whether the consignment exists or not)."""
    binding = was_party(client=client, account=account, consignment=consignment)
    if binding is None:
        return None
    recorded = binding.recorded(consignment)
    return recorded, check_chain(consignment, recorded, binding.heads([consignment])[0])
