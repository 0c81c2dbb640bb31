"""`network init`: keys, genesis and every node's files for a new consortium network.

Everything is written into a staging directory beside the target and renamed into place, so an
interrupted run leaves no half network; an existing network is replaced only when asked.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from eth_utils.address import is_address, to_checksum_address

from ledger.accounts.keys import dev_addresses, write_keystore
from ledger.model_files import write_model
from ledger.network.compose import compose_address
from ledger.network.errors import InvalidNetworkOption, NetworkDirExists, NotEmptyNotNetwork
from ledger.network.forks import required_milestones
from ledger.network.genesis import build_genesis
from ledger.network.keys import check_password, new_node_key, public_key_hex, write_node_keystore, write_plain_key
from ledger.network.layout import NetworkLayout
from ledger.network.models import MemberNode, NetworkPlan
from ledger.network.plan import check_block_period, check_chain_id, free_index, ports_for
from ledger.network.writer import genesis_text, write_node_files, write_text

# The official image, pinned: Besu has run Cancun on QBFT networks since 24.1.
DEFAULT_BESU_IMAGE = "hyperledger/besu:25.10.0"
DEFAULT_CHAIN_ID = 1337


def check_deployer(deployer: str) -> str:
    if not is_address(deployer) or not deployer.startswith("0x"):
        raise InvalidNetworkOption("--deployer", f"{deployer!r} is not a 0x-prefixed address")
    address = str(to_checksum_address(deployer))
    if address in dev_addresses():
        raise InvalidNetworkOption("--deployer", "a key of the public development mnemonic: anyone can derive it")
    return address


def init_network(
    *,
    out: Path,
    member_ids: list[str],
    hosts: dict[str, str],
    password: str,
    evm_version: str,
    chain_id: int = DEFAULT_CHAIN_ID,
    block_period: int = 2,
    deployer: str | None = None,
    plain_node_key: bool = False,
    force: bool = False,
    besu_image: str = DEFAULT_BESU_IMAGE,
    timestamp: int | None = None,
    scrypt_n: int | None = None,
) -> NetworkPlan:
    """Generate a network in `out`; returns its plan. `scrypt_n` lowers the keystore cost (tests)."""
    check_password(password)
    check_chain_id(chain_id)
    check_block_period(block_period)
    required_milestones(evm_version)
    deployer = check_deployer(deployer) if deployer is not None else None
    _check_target(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        layout = NetworkLayout(staging)
        layout.keys_dir.mkdir(parents=True, mode=0o700)
        members: list[MemberNode] = []
        for member_id in member_ids:
            host = hosts.get(member_id)
            index = free_index(members, compose=host is None)
            key = new_node_key()
            p2p, rpc, metrics = ports_for(index)
            member = MemberNode(
                member_id=member_id,
                host=host or compose_address(index),
                p2p_port=p2p,
                rpc_port=rpc,
                metrics_port=metrics,
                node_address=key.address,
                node_public_key=public_key_hex(key),
            )
            write_node_keystore(layout.node_keystore(member.slug), key, password, scrypt_n=scrypt_n)
            if plain_node_key:
                write_plain_key(layout.plain_key(member.slug), key)
            members.append(member)
        if deployer is None:
            account = new_node_key()
            write_keystore(layout.deployer_keystore, account, password, scrypt_n=scrypt_n)
            deployer = str(account.address)
        plan = NetworkPlan(
            chain_id=chain_id,
            block_period_seconds=block_period,
            evm_version=evm_version,
            besu_image=besu_image,
            deployer=deployer,
            genesis_validators=[m.node_address for m in members],
            members=members,
        )
        genesis = build_genesis(
            chain_id=chain_id,
            block_period=block_period,
            validators=plan.genesis_validators,
            deployer=deployer,
            evm_version=evm_version,
            timestamp=int(time.time()) if timestamp is None else timestamp,
        )
        text = genesis_text(genesis)
        write_text(layout.genesis, text)
        write_node_files(layout, plan, text)
        write_model(layout.plan, plan)
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return plan


def _check_target(out: Path, *, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise NotEmptyNotNetwork(out)
    if NetworkLayout(out).plan.exists():
        if not force:
            raise NetworkDirExists(out)
        return
    if any(out.iterdir()):
        raise NotEmptyNotNetwork(out)


def _move_into_place(staging: Path, out: Path) -> None:
    if out.exists() and not any(out.iterdir()):
        out.rmdir()
    if not out.exists():
        os.rename(staging, out)
        return
    replaced = out.parent / f".{out.name}.replaced-{os.getpid()}"
    os.rename(out, replaced)
    os.rename(staging, out)
    shutil.rmtree(replaced)
