"""Every event of every deployed contract, decoded by the project's one codec, and what of it
the audit queries filter on."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.errors import ConfigurationError, UndecodableData

UNKNOWN_EVENT = "UnknownEvent"

# The query columns are read from the events' arguments by name, the names the contracts'
# interfaces give them (contracts/src/interfaces/*.sol), so a contract added later with the same
# vocabulary is indexed without a change here. The acting member: the first present of these.
ORGANISATION_ARGS = ("proposer", "approver", "certifyingMember", "member", "memberId")
# The other member an event concerns: a partner, or the member a certificate batch is destined to.
PARTNER_ARGS = ("partner", "destination")
MEMBER_ARGS = frozenset({*ORGANISATION_ARGS, *PARTNER_ARGS})
ACCOUNT_ARGS = ("account", "newAdmin", "admin")
_HASH_COLUMNS = {
    "root": "cert_root",
    "leaf": "cert_leaf",
    "numberKey": "number_key",
    "newLeaf": "successor_leaf",
    "operator": "operator",
    "role": "role",
    "scope": "scope",
    "consignment": "consignment",
}


def member_text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode(errors="replace")


def query_columns(args: Mapping[str, Any]) -> dict[str, Any]:
    """The filter columns of one event, from its decoded arguments (bytes as bytes)."""
    columns: dict[str, Any] = {}
    for name in ORGANISATION_ARGS:
        value = args.get(name)
        if isinstance(value, bytes):
            columns["organisation"] = member_text(value)
            break
    for name in PARTNER_ARGS:
        value = args.get(name)
        if isinstance(value, bytes):
            columns["partner"] = member_text(value)
            break
    for name in ACCOUNT_ARGS:
        value = args.get(name)
        if isinstance(value, str):
            columns["account"] = bytes.fromhex(value[2:])
            break
    for name, column in _HASH_COLUMNS.items():
        value = args.get(name)
        if isinstance(value, bytes) and len(value) == 32:
            columns[column] = value
    return columns


def jsonable(value: Any) -> Any:
    """Decoded ABI values as JSON: bytes as 0x-hex, tuples as lists."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class DecodedLog:
    contract: str
    event: str
    args: dict[str, Any]  # as decoded: bytes, ints, checksummed addresses


@dataclass(frozen=True)
class _Contract:
    name: str
    events: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]]  # topic0 hex -> (name, decoder)


def contract_kind(name: str) -> str:
    """The contract (artifact) name of an indexed entry: `CertificateRegistry@v2`, a later
    version the consortium listed, is a CertificateRegistry."""
    return name.partition("@")[0]


class EventCatalogue:
    """The deployed contracts (name -> address) and a decoder for each of their events."""

    def __init__(self, artifacts: Artifacts, contracts: Mapping[str, str]) -> None:
        self._contracts: dict[str, _Contract] = {}
        for entry, address in contracts.items():
            name = contract_kind(entry)
            if not artifacts.has(name):
                raise ConfigurationError(
                    f"the deployment has {name} but this sanzhi has no ABI for it; its events cannot be indexed"
                )
            codec = artifacts.codec(name)
            events = {}
            for item in artifacts.get(name).abi:
                if item.get("type") == "event" and not item.get("anonymous"):
                    topic = "0x" + codec.event_topic(item["name"]).hex()
                    events[topic] = (item["name"], codec.event_decoder(item["name"]))
            self._contracts[address.lower()] = _Contract(name, events)

    @property
    def addresses(self) -> list[str]:
        return sorted(self._contracts)

    def decode(self, log: dict[str, Any]) -> DecodedLog:
        """One JSON-RPC log of a deployed contract. A log this build does not know (the contract
        was upgraded past this ABI) is kept raw rather than lost."""
        contract = self._contracts.get(str(log["address"]).lower())
        if contract is None:
            raise ConfigurationError(f"the node returned a log of {log['address']}, which is not indexed")
        topics = log.get("topics") or []
        known = contract.events.get(str(topics[0]).lower()) if topics else None
        if known is not None:
            name, decoder = known
            try:
                return DecodedLog(contract.name, name, decoder(log))
            except UndecodableData:  # indexed-ness or data not as the ABI says: keep it raw
                pass
        raw = {"topics": [bytes.fromhex(str(t)[2:]) for t in topics], "data": bytes.fromhex(str(log["data"])[2:])}
        return DecodedLog(contract.name, UNKNOWN_EVENT, raw)


@lru_cache(maxsize=4)
def known_events(artifacts_dir: Path = DEFAULT_ARTIFACTS_DIR) -> frozenset[str]:
    """The names of every event of the compiled contracts (what `search` accepts as a type)."""
    names: set[str] = {UNKNOWN_EVENT}
    for path in [*artifacts_dir.glob("*.json"), *artifacts_dir.glob("*.sol/*.json")]:
        try:
            abi = json.loads(path.read_text()).get("abi", [])
        except (OSError, ValueError):
            continue
        names.update(str(item["name"]) for item in abi if item.get("type") == "event")
    return frozenset(names)
