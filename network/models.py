"""The network plan kept in `network.json`: who runs which node, where, and on which chain.

Everything in it is public: addresses, node ids (public keys), hosts and ports. Keys live in
encrypted keystores beside it.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from eth_utils.address import to_checksum_address
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ledger.ids import member_id_bytes

_PUBLIC_KEY = re.compile(r"^[0-9a-f]{128}$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _member_id(value: str) -> str:
    member_id_bytes(value)  # raises InvalidInput for what the Consortium contract would refuse
    if value != value.strip().upper():
        raise ValueError(f"member id {value!r} must be upper case without spaces")
    return value


def _ip(value: str) -> str:
    """Enodes in Besu's allowlist name IP addresses (domain names are an early-access feature)."""
    return str(ipaddress.ip_address(value))


def _address(value: str) -> str:
    if not _ADDRESS.match(value):
        raise ValueError("expected a 0x-prefixed 20-byte hex address")
    return str(to_checksum_address(value))


def _public_key(value: str) -> str:
    if not _PUBLIC_KEY.match(value):
        raise ValueError("expected the 64-byte public key as 128 lower-case hex digits, without 0x04")
    return value


MemberId = Annotated[str, AfterValidator(_member_id)]
IpAddress = Annotated[str, AfterValidator(_ip)]
Address = Annotated[str, AfterValidator(_address)]
PublicKey = Annotated[str, AfterValidator(_public_key)]
Port = Annotated[int, Field(ge=1024, le=65535)]


def enode_host(host: str) -> str:
    """An IP as an enode URL writes it: IPv6 in brackets."""
    return f"[{host}]" if ":" in host else host


class MemberNode(BaseModel):
    """One member's validator node."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    member_id: MemberId
    # the address the other members' nodes reach this node at (Besu's p2p-host)
    host: IpAddress
    p2p_port: Port
    rpc_port: Port
    metrics_port: Port
    # the node key's address: in QBFT the node key signs blocks, so this is the validator address
    node_address: Address
    node_public_key: PublicKey
    # in the genesis validator set; a member added later becomes a validator by the others' votes
    genesis_validator: bool = True
    # the member generated its key itself (`network new-key`) and gave only its node id: no keystore here
    key_held_by_member: bool = False

    @property
    def slug(self) -> str:
        """The member id as file, service and unit names use it ("cn")."""
        return self.member_id.lower()

    @property
    def enode(self) -> str:
        return f"enode://{self.node_public_key}@{enode_host(self.host)}:{self.p2p_port}"


class NetworkPlan(BaseModel):
    """The whole network, as `network init` generated it and `add-member` extends it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal[1] = 1
    chain_id: int = Field(gt=0, lt=2**53)
    block_period_seconds: int = Field(ge=1, le=60)
    # the EVM version the contracts were compiled for when the genesis was written
    evm_version: str
    besu_image: str
    deployer: Address
    # the validators the genesis names (founding members' node keys), whoever is a member now
    genesis_validators: list[Address]
    members: list[MemberNode]

    def member(self, member_id: str) -> MemberNode | None:
        return next((m for m in self.members if m.member_id == member_id), None)
