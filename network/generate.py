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
from ledger.files import replace_directory
from ledger.model_files import write_model
from network.chain_ids import pick_chain_id
from network.errors import InvalidNetworkOption, NetworkDirExists, NotEmptyNotNetwork
from network.forks import required_milestones
from network.genesis import build_genesis
from network.keys import check_password, new_node_key
from network.layout import NetworkLayout
from network.models import MemberNode, NetworkPlan
from network.nodes import make_member
from network.plan import check_block_period, check_chain_id
from network.writer import genesis_text, write_node_files, write_text

# The official image, pinned: Besu has run Cancun on QBFT networks since 24.1.
DEFAULT_BESU_IMAGE = "hyperledger/besu:25.10.0"


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
    node_ids: dict[str, str] | None = None,
    evm_version: str,
    chain_id: int | None = None,
    block_period: int = 2,
    deployer: str | None = None,
    plain_node_key: bool = False,
    force: bool = False,
    besu_image: str = DEFAULT_BESU_IMAGE,
    timestamp: int | None = None,
    scrypt_n: int | None = None,
) -> NetworkPlan:
    """Generate a network in `out`; returns its plan. `node_ids`: members that hold their own key
    (`network new-key`) and gave only its node id. `chain_id` None: one of the network's own,
    drawn at random (network.chain_ids). `scrypt_n` lowers the keystore cost (tests)."""
    if deployer is None or set(member_ids) - set(node_ids or {}):
        check_password(password)  # a keystore will be written
    chain_id = pick_chain_id() if chain_id is None else check_chain_id(chain_id)
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
            member = make_member(
                layout=layout,
                members=members,
                member_id=member_id,
                host=hosts.get(member_id),
                node_id=(node_ids or {}).get(member_id),
                password=password,
                plain_node_key=plain_node_key,
                genesis_validator=True,
                scrypt_n=scrypt_n,
            )
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
        replace_directory(staging, out)
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
