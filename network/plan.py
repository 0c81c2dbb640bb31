"""Turning `--members`, `--host` and the defaults into member nodes: ids, addresses, ports."""

from __future__ import annotations

import ipaddress

from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes
from network.chain_ids import PUBLIC_CHAIN_IDS
from network.compose import COMPOSE_SUBNET, compose_address, in_compose_network
from network.errors import InvalidHost, InvalidMembers, InvalidNetworkOption
from network.keys import check_node_id
from network.models import MemberNode

P2P_PORT = 30303
RPC_PORT = 8545
METRICS_PORT = 9545
# QBFT sends every message to every validator: its traffic grows with the square of their number
MAX_MEMBERS = 64


def parse_member_ids(text: str, *, existing: list[str] | None = None) -> list[str]:
    """`CN,SG,MY,TH` -> ["CN", "SG", "MY", "TH"], refusing empty, invalid and repeated ids."""
    ids = [part.strip().upper() for part in text.split(",")]
    if not text.strip() or any(not i for i in ids):
        raise InvalidMembers("give member ids separated by commas, e.g. CN,SG,MY,TH")
    for member_id in ids:
        try:
            member_id_bytes(member_id)
        except InvalidInput as exc:
            raise InvalidMembers(exc.reason) from None
    seen = set(existing or [])
    for member_id in ids:
        if member_id in seen:
            raise InvalidMembers(f"{member_id} is named twice")
        seen.add(member_id)
    if len(seen) > MAX_MEMBERS:
        raise InvalidMembers(f"{len(seen)} members; at most {MAX_MEMBERS} validators are supported")
    return ids


def parse_hosts(values: list[str], member_ids: list[str]) -> dict[str, str]:
    """`["CN=203.0.113.10", ...]` -> {"CN": "203.0.113.10"}: the address other nodes dial."""
    hosts: dict[str, str] = {}
    for value in values:
        member_id, sep, address = value.partition("=")
        member_id = member_id.strip().upper()
        if not sep or not member_id or not address.strip():
            raise InvalidHost(value, "expected MEMBER=IP, e.g. CN=203.0.113.10")
        if member_id not in member_ids:
            raise InvalidHost(value, f"{member_id} is not one of the members ({', '.join(member_ids)})")
        if member_id in hosts:
            raise InvalidHost(value, f"{member_id} has an address already")
        hosts[member_id] = check_host(value, address.strip())
    return hosts


def parse_node_ids(values: list[str], member_ids: list[str]) -> dict[str, str]:
    """`["CN=<128 hex>", ...]`: members that generated their node key themselves."""
    found: dict[str, str] = {}
    for value in values:
        member_id, sep, node_id = value.partition("=")
        member_id = member_id.strip().upper()
        if not sep or member_id not in member_ids:
            raise InvalidMembers(f"--node-id {value[:24]}: expected MEMBER=NODE_ID for one of {', '.join(member_ids)}")
        if member_id in found:
            raise InvalidMembers(f"--node-id: {member_id} is given twice")
        found[member_id] = check_node_id(node_id)
    if len(set(found.values())) < len(found):
        raise InvalidMembers("--node-id: two members give the same node id")
    return found


def check_host(given: str, address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise InvalidHost(given, "not an IP address (Besu's node allowlist matches peers by IP)") from None
    if ip.is_unspecified or ip.is_multicast:
        raise InvalidHost(given, f"{ip} cannot be dialled by the other nodes")
    if in_compose_network(str(ip)):
        raise InvalidHost(given, f"sanzhi assigns the compose network's addresses ({COMPOSE_SUBNET}): leave --host out")
    return str(ip)


def check_chain_id(chain_id: int) -> int:
    if not 0 < chain_id < 2**53:
        raise InvalidNetworkOption("--chain-id", "must be between 1 and 2^53 - 1")
    if chain_id in PUBLIC_CHAIN_IDS:
        raise InvalidNetworkOption("--chain-id", f"{chain_id} is a public network's; choose one of your own")
    return chain_id


def check_block_period(seconds: int) -> int:
    if not 1 <= seconds <= 60:
        raise InvalidNetworkOption("--block-period", "must be between 1 and 60 seconds")
    return seconds


def ports_for(index: int) -> tuple[int, int, int]:
    """P2P, RPC and metrics ports of the `index`-th node: distinct for up to 1000 nodes on one host."""
    return P2P_PORT + index, RPC_PORT + index, METRICS_PORT + index


def free_index(members: list[MemberNode], *, compose: bool) -> int:
    """The first node index whose ports no member uses (so they differ on any shared host, and
    on the docker host that publishes them all) and, under compose, whose address is free."""
    used_ports = {p for m in members for p in (m.p2p_port, m.rpc_port, m.metrics_port)}
    used_hosts = {m.host for m in members}
    for index in range(len(members) + 1 + MAX_MEMBERS):
        if set(ports_for(index)) & used_ports or (compose and compose_address(index) in used_hosts):
            continue
        return index
    raise InvalidMembers(f"no free address or ports for another node (at most {MAX_MEMBERS} members)")
