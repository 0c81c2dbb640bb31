"""The embedded chain: anvil run in the background with its state kept under the data dir."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from ledger.chain.sent_journal import ReplayReport, SentJournal, hold_senders, replay
from ledger.chain.transport import RpcTransport
from ledger.devnet.checkpoint import NodeCheckpoint
from ledger.errors import ConfigurationError, LedgerError
from ledger.files import write_atomic
from ledger.paths import foundry_binary

DEV_CHAIN_ID = 31337
DEV_ACCOUNTS = 20
# States of recent blocks kept in memory (none are written to ~/.foundry): with none kept, a
# read of "latest" can race the next interval-mined block, and replaying a failed
# transaction at its parent block has nothing to run on.
KEPT_STATES = 64


class NodeProfile(StrEnum):
    """How the embedded node mines: `dev` one block per transaction; `besu` like Besu QBFT as
    `sanzhi network` configures it (gas price 0, base fee 0, timed blocks, the contracts' fork).
    anvil cannot write QBFT extraData into its blocks (`--init` sets block 0 only, and not
    together with `--state`)."""

    DEV = "dev"
    BESU = "besu"


class NodeInfo(BaseModel):
    """What `node.json` records about the running node."""

    pid: int
    host: str
    port: int
    profile: NodeProfile
    chain_id: int
    started_at: float

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class NodeStatus:
    running: bool
    info: NodeInfo | None
    block_number: int | None = None


class NodeStartFailed(LedgerError):
    code = "node-start-failed"


def sent_journal_path(node_dir: Path) -> Path:
    """The journal of the transactions sent to the node (ledger/chain/sent_journal.py)."""
    return node_dir / "sent.jsonl"


def state_file_path(node_dir: Path) -> Path:
    """anvil's state file: loaded at start, written at a clean stop and by the senders' snapshots."""
    return node_dir / "state.json"


def read_node_info(node_dir: Path) -> NodeInfo | None:
    path = node_dir / "node.json"
    try:
        return NodeInfo.model_validate_json(path.read_text())
    except (OSError, ValueError):
        return None


def anvil_command(*, host: str, port: int, profile: NodeProfile, state_file: Path, chain_id: int) -> list[str]:
    """The anvil command line; `--prune-history` keeps anvil from writing every block's state to disk."""
    # imported here, for starting only: `sanzhi node status` and `stop` read this module, and the
    # keys' and contracts' modules bring eth-account and web3 (most of a second)
    from ledger.accounts.keys import DEV_MNEMONIC
    from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
    from ledger.chain.evm_version import compiled_evm_version

    command = [
        str(foundry_binary("anvil")),
        "--host", host,
        "--port", str(port),
        "--chain-id", str(chain_id),
        "--mnemonic", DEV_MNEMONIC,
        "--accounts", str(DEV_ACCOUNTS),
        "--prune-history", str(KEPT_STATES),
        "--state", str(state_file),  # written at a clean stop; snapshots between (ledger/devnet/checkpoint.py)
        "--silent",
    ]  # fmt: skip
    if profile is NodeProfile.BESU:
        command += [
            "--block-time", "1",
            "--gas-price", "0",
            "--base-fee", "0",
            "--disable-min-priority-fee",
            # the fork `sanzhi network init` writes into a Besu genesis, not anvil's latest
            "--hardfork", compiled_evm_version(Artifacts(DEFAULT_ARTIFACTS_DIR)),
        ]  # fmt: skip
    return command


class EmbeddedNode:
    """Start, stop and inspect the embedded anvil node of one data directory."""

    def __init__(self, data_dir: Path, *, host: str = "127.0.0.1", port: int = 8545) -> None:
        self.node_dir = data_dir / "node"
        self.lock_dir = data_dir / "locks"  # the senders' nonce locks (ledger/connect.py)
        self.host = host
        self.port = port
        self.replayed: ReplayReport | None = None  # what the last start sent again from the journal

    @property
    def state_file(self) -> Path:
        return state_file_path(self.node_dir)

    @property
    def checkpoint(self) -> NodeCheckpoint:
        info = read_node_info(self.node_dir)
        url = info.rpc_url if info else f"http://{self.host}:{self.port}"
        return NodeCheckpoint(rpc_url=url, state_file=self.state_file, lock_dir=self.lock_dir)

    @property
    def journal(self) -> SentJournal:
        return SentJournal(sent_journal_path(self.node_dir))

    @property
    def info_file(self) -> Path:
        return self.node_dir / "node.json"

    def status(self) -> NodeStatus:
        info = read_node_info(self.node_dir)
        if info is None or not _alive(info.pid):
            return NodeStatus(running=False, info=info)
        return NodeStatus(running=True, info=info, block_number=_block_number(info.rpc_url))

    def start(self, profile: NodeProfile = NodeProfile.DEV, chain_id: int = DEV_CHAIN_ID) -> tuple[NodeInfo, bool]:
        """Start the node unless it runs; returns its info and whether this call started it."""
        current = self.status()
        if current.running and current.info is not None:
            return current.info, False
        if _block_number(f"http://{self.host}:{self.port}") is not None:
            raise NodeStartFailed(
                f"port {self.port} on {self.host} already has a node that this data directory "
                "did not start; choose another --port"
            )
        self.node_dir.mkdir(parents=True, exist_ok=True)
        command = anvil_command(
            host=self.host,
            port=self.port,
            profile=profile,
            state_file=self.state_file,
            chain_id=chain_id,
        )
        log_path = self.node_dir / "anvil.log"
        keep_first_genesis(self.state_file)
        # a node killed before it wrote its state lost its latest blocks: the transactions sent
        # to it are sent again (same bytes, same hashes) before any sender may take a new nonce
        with hold_senders(self.journal, self.lock_dir):
            info = self._spawn(command, log_path, profile, chain_id)
            self.replayed = replay(self.journal, info.rpc_url)
        write_atomic(self.info_file, json.dumps(info.model_dump(mode="json")) + "\n")
        self.checkpoint.take()  # the genesis block and what the replay sent, kept from the start
        return info, True

    def _spawn(self, command: list[str], log_path: Path, profile: NodeProfile, chain_id: int) -> NodeInfo:
        """Start anvil and wait until it answers."""
        pid = _spawn_detached(command, log_path)
        info = NodeInfo(
            pid=pid,
            host=self.host,
            port=self.port,
            profile=profile,
            chain_id=chain_id,
            started_at=time.time(),
        )
        deadline = time.monotonic() + 20
        while _block_number(info.rpc_url) is None:
            if not _alive(pid) or time.monotonic() > deadline:
                _kill(pid)
                tail = log_path.read_text(errors="replace")[-800:].strip()
                raise NodeStartFailed(f"anvil did not start on {info.rpc_url}: {tail or 'no output'}")
            time.sleep(0.05)
        return info

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the node, letting anvil write its state first; False if it was not running."""
        info = read_node_info(self.node_dir)
        if info is None or not _alive(info.pid):
            return False
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(info.pid):
            if time.monotonic() > deadline:
                os.kill(info.pid, signal.SIGKILL)
                raise ConfigurationError(f"anvil (pid {info.pid}) did not stop in {timeout:.0f}s; killed")
            time.sleep(0.05)
        self.journal.clear()  # anvil wrote its whole state as it stopped
        return True


def keep_first_genesis(state_file: Path) -> None:
    """Leave one block 0, the first start's, in anvil's state file.

    anvil makes a new genesis block (its timestamp: the start's) every time it starts and writes
    it into its state beside the loaded blocks; with several blocks 0 in the file, which one the
    next start serves is a matter of order, and a different genesis hash makes the chain look
    reset (the index then refuses it). The earliest is the chain's own."""
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return  # none yet, or not anvil's: anvil says what is wrong with it
    blocks = state.get("blocks") if isinstance(state, dict) else None
    if not isinstance(blocks, list):
        return
    genesis = [b for b in blocks if _block_number_of(b) == 0]
    if len(genesis) < 2:
        return
    first = min(genesis, key=lambda b: int(str(b["header"].get("timestamp", "0x0")), 16))
    state["blocks"] = [b for b in blocks if _block_number_of(b) != 0 or b is first]
    write_atomic(state_file, json.dumps(state))


def _block_number_of(block: object) -> int | None:
    try:
        return int(str(block["header"]["number"]), 16)  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def _spawn_detached(command: list[str], log_path: Path) -> int:
    """Start `command` in its own session, output to `log_path`; it outlives this process."""
    return os.posix_spawn(
        command[0],
        command,
        dict(os.environ),
        setsid=True,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ],
    )


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    _alive(pid)


def _alive(pid: int) -> bool:
    """Whether `pid` is a live (not zombie) process; reaps it if it is our own child."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _block_number(rpc_url: str) -> int | None:
    """The node's block number; None when no node answers at `rpc_url` (within 2 s)."""
    transport = RpcTransport(rpc_url, timeout_seconds=2)
    try:
        reply = transport.post({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []})
        return int(reply["result"], 16)
    except (LedgerError, ValueError, KeyError, TypeError):
        return None
