"""Follow the deployment's contract events into the index: from the checkpoint (at first the
block before the deployment) to the head less `confirmations`, one block range at a time.

Per range: the checkpoint's block is still the chain's (else a reorganisation: walk back to the
last stored block the chain still has, delete what is above it, go on); the logs of every
deployed contract (eth_getLogs); the headers of their blocks and their transactions (batches);
then one database transaction writes the events, the blocks and the new checkpoint. A log
whose block hash is not the header's, a transaction the node no longer has, or a range end
whose hash changed while reading means the chain moved under the read: the range is read
again after the checkpoint check, so nothing the chain does not have is ever written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from ledger.chain import history
from ledger.chain.client import LedgerClient
from ledger.chain.reads import LogsRefused, view_request
from ledger.consortium.registries import REGISTRY_KINDS, kind_bytes
from ledger.errors import NodeNotRunning, NotDeployed, TransactionFailed
from ledger.index.catalogue import EventCatalogue
from ledger.index.chain_match import record_mismatch, record_seen
from ledger.index.errors import ChainReset
from ledger.index.rows import event_rows
from ledger.index.signers import SignerReader
from ledger.index.state import (
    ChainIdentity,
    Checkpoint,
    check_identity,
    cut_above,
    forget_chain,
    insert_blocks,
    insert_events,
    issuing_members,
    move_checkpoint,
    read_checkpoint,
    stored_blocks_below,
)

DEFAULT_RANGE = 1_000  # blocks per eth_getLogs (Besu's default cap is 1,000)
WALK_BACK_STEP = 64


class IndexReport(BaseModel):
    """What one catch-up did."""

    chain_id: int
    start_block: int  # the checkpoint it started from
    checkpoint: int  # the checkpoint it ended at
    head: int
    events: int  # events written
    ranges: int
    reorganisations: int
    events_removed: int  # by reorganisations
    seconds: float


class _ChainMoved(Exception):
    """The chain changed while a range was read: read it again."""


class Follower:
    """Indexes one client's deployment into one database."""

    def __init__(self, *, client: LedgerClient, engine: Engine, range_blocks: int = DEFAULT_RANGE) -> None:
        if client.deployment is None or client.deployment.chain_id != client.chain_id:
            raise NotDeployed(client.chain_id, "no deployment record to index")
        self.client = client
        self.engine = engine
        self.range_blocks = max(1, range_blocks)
        self.contracts = {n: c.address.lower() for n, c in client.deployment.contracts.items()}
        # from which block each address counts: a registry version from the block it was listed
        self.since: dict[str, int] = {}
        self._read_contracts()

    def _read_contracts(self) -> None:
        """Every registry version the consortium lists joins the deployment record's contracts,
        as `Kind@vN` (its events stored as the kind's), from the block it was listed."""
        listed = listed_versions(self.client, set(self.contracts.values()), self.range_blocks)
        for name, (address, block) in listed.items():
            if name not in self.contracts:
                self.contracts[name] = address
                self.since[address] = block
        self.catalogue = EventCatalogue(self.client.artifacts, self.contracts)
        self.signers = SignerReader(self.client.artifacts, self.contracts)

    def identity(self) -> ChainIdentity:
        assert self.client.deployment is not None
        base = max(self.client.deployment.deployment_block - 1, 0)
        found = history.headers(self.client, [0, base, base + 1])
        if 0 not in found or base not in found or base + 1 not in found:
            raise ChainReset(f"the node has no block {base + 1}, where the deployment starts")
        return ChainIdentity(
            chain_id=self.client.chain_id,
            genesis_hash=found[0].hash,
            base_block=base,
            base_hash=found[base].hash,
            base_time=found[base].time,
            contracts=self.contracts,
            deployment_hash=found[base + 1].hash,
        )

    def catch_up(
        self, *, confirmations: int = 0, rebuild: bool = False, stop: threading.Event | None = None
    ) -> IndexReport:
        """Index up to the head less `confirmations`; `rebuild` first deletes what the index
        holds of a chain (after a reset). Returns early, at a range boundary, once `stop` is set.
        What it saw of the node is recorded for the services reading the index (chain_match)."""
        try:
            report = self._catch_up(confirmations=confirmations, rebuild=rebuild, stop=stop)
        except ChainReset as exc:
            record_mismatch(self.engine, reason=exc.detail)  # readers stop answering from it
            raise
        record_seen(self.engine, head=report.head)
        return report

    def _catch_up(self, *, confirmations: int, rebuild: bool, stop: threading.Event | None) -> IndexReport:
        started = time.perf_counter()
        self._read_contracts()  # an upgrade voted since the last catch-up adds a version
        identity = self.identity()
        with self.engine.begin() as connection:
            if rebuild:
                forget_chain(connection)
            checkpoint = check_identity(connection, identity)
        report = IndexReport(
            chain_id=identity.chain_id,
            start_block=checkpoint.block,
            checkpoint=checkpoint.block,
            head=0,
            events=0,
            ranges=0,
            reorganisations=0,
            events_removed=0,
            seconds=0.0,
        )
        added = {n: a for n, a in self.contracts.items() if n not in checkpoint.contracts}
        while stop is None or not stop.is_set():
            report.head = history.head_number(self.client)
            target = report.head - confirmations
            try:
                if checkpoint.block >= target and not added:
                    # nothing new, but an index must never outlive the blocks it holds
                    self._check_still_on_chain(checkpoint, report)
                    break
                if added:
                    checkpoint = self._backfill(checkpoint, added, report)
                    added = {}
                    continue
                checkpoint = self._index_range(checkpoint, min(checkpoint.block + self.range_blocks, target), report)
                continue
            except _ChainMoved:
                pass
            except LogsRefused:
                if self.range_blocks == 1:
                    raise
                self.range_blocks = max(1, self.range_blocks // 2)
                continue
            with self.engine.connect() as connection:
                checkpoint = read_checkpoint(connection) or checkpoint
        report.checkpoint = checkpoint.block
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    # ---------------------------------------------------------------- one range

    def _check_still_on_chain(self, checkpoint: Checkpoint, report: IndexReport) -> None:
        found = history.headers(self.client, [checkpoint.block]).get(checkpoint.block)
        if found is None or found.hash != checkpoint.hash:
            self._rewind(checkpoint, report)
            raise _ChainMoved

    def _index_range(self, checkpoint: Checkpoint, end: int, report: IndexReport) -> Checkpoint:
        before = history.headers(self.client, [checkpoint.block, end])
        if before.get(checkpoint.block) is None or before[checkpoint.block].hash != checkpoint.hash:
            self._rewind(checkpoint, report)
            raise _ChainMoved
        if end not in before:
            raise _ChainMoved  # the chain is shorter than it was a moment ago
        addresses = sorted(checkpoint.contracts.values())
        rows, blocks = self._read(addresses, checkpoint.block + 1, end, keep_end=True)
        if blocks[end].hash != before[end].hash:
            raise _ChainMoved
        with self.engine.begin() as connection:
            if not move_checkpoint(
                connection, expected=checkpoint, block=end, block_hash=blocks[end].hash, contracts=checkpoint.contracts
            ):
                raise _ChainMoved  # another follower wrote this range: carry on from its checkpoint
            insert_blocks(connection, [(b.number, b.hash, b.parent_hash, b.time) for b in blocks.values()])
            insert_events(connection, rows)
        report.events += len(rows)
        report.ranges += 1
        return Checkpoint(end, blocks[end].hash, checkpoint.contracts)

    def _read(
        self, addresses: list[str], start: int, end: int, *, keep_end: bool
    ) -> tuple[list[dict[str, Any]], dict[int, history.Header]]:
        logs = [
            log
            for log in history.logs(self.client, addresses, start, end)
            if int(log["blockNumber"], 16) >= self.since.get(str(log["address"]).lower(), 0)
        ]
        numbers = {int(log["blockNumber"], 16) for log in logs} | ({end} if keep_end else set())
        blocks = history.headers(self.client, numbers)
        txs = history.transactions(self.client, [str(log["transactionHash"]) for log in logs])
        for log in logs:
            header = blocks.get(int(log["blockNumber"], 16))
            if header is None or header.hash != bytes.fromhex(str(log["blockHash"])[2:]):
                raise _ChainMoved
            if str(log["transactionHash"]).lower() not in txs:
                raise _ChainMoved
        if keep_end and end not in blocks:
            raise _ChainMoved

        def earlier(roots: list[bytes]) -> dict[bytes, str]:
            with self.engine.connect() as connection:
                return issuing_members(connection, roots)

        rows = event_rows(
            chain_id=self.client.chain_id,
            logs=logs,
            blocks=blocks,
            txs=txs,
            catalogue=self.catalogue,
            signer_reader=self.signers,
            issuing_members=earlier,
        )
        return rows, blocks

    # ---------------------------------------------------------------- reorganisations

    def _rewind(self, checkpoint: Checkpoint, report: IndexReport) -> None:
        """Back to the highest stored block the chain still has; everything above it goes."""
        below = checkpoint.block
        while True:
            with self.engine.connect() as connection:
                stored = stored_blocks_below(connection, below, WALK_BACK_STEP)
            if not stored:
                raise ChainReset("none of the blocks it indexed is on the chain any more")
            chain = history.headers(self.client, [n for n, _ in stored])
            ancestor = next(((n, h) for n, h in stored if n in chain and chain[n].hash == h), None)
            if ancestor is not None:
                break
            below = stored[-1][0] - 1
        number, block_hash = ancestor
        assert self.client.deployment is not None
        if number < self.client.deployment.deployment_block:
            # the deployment itself was replaced: contracts at the same addresses on another
            # history are another deployment, whatever their addresses say
            raise ChainReset(f"the blocks from {self.client.deployment.deployment_block}, where the contracts were "
                             "deployed, are not the ones it indexed")  # fmt: skip
        with self.engine.begin() as connection:
            if not move_checkpoint(
                connection, expected=checkpoint, block=number, block_hash=block_hash, contracts=checkpoint.contracts
            ):
                return  # another follower got there first
            report.events_removed += cut_above(connection, number)
        report.reorganisations += 1

    # ---------------------------------------------------------------- contracts added later

    def _backfill(self, checkpoint: Checkpoint, added: dict[str, str], report: IndexReport) -> Checkpoint:
        """Index the events of contracts deployed after the index started, up to its checkpoint."""
        assert self.client.deployment is not None
        start = min(
            self.since[a] if n not in self.client.deployment.contracts else self.client.deployment.contracts[n].block
            for n, a in added.items()
        )
        addresses = sorted(added.values())
        rows: list[dict[str, Any]] = []
        blocks: dict[int, history.Header] = {}
        for first in range(start, checkpoint.block + 1, self.range_blocks):
            part, part_blocks = self._read(
                addresses, first, min(first + self.range_blocks - 1, checkpoint.block), keep_end=False
            )
            rows.extend(part)
            blocks.update(part_blocks)
        contracts = {**checkpoint.contracts, **added}
        with self.engine.begin() as connection:
            if not move_checkpoint(
                connection, expected=checkpoint, block=checkpoint.block, block_hash=checkpoint.hash, contracts=contracts
            ):
                raise _ChainMoved
            insert_blocks(connection, [(b.number, b.hash, b.parent_hash, b.time) for b in blocks.values()])
            insert_events(connection, rows)
        report.events += len(rows)
        return Checkpoint(checkpoint.block, checkpoint.hash, contracts)


def listed_versions(client: LedgerClient, known: set[str], range_blocks: int) -> dict[str, tuple[str, int]]:
    """Name -> (address, block it was first listed) for every registry version the consortium
    lists that is not in `known` (lower-case addresses already followed). A version is named by
    its kind when the deployment record names no deployment of that kind and it is the first
    version (so a record that later names it agrees), else `Kind@vN`."""
    assert client.deployment is not None
    consortium = client.deployment.contracts.get("Consortium")
    if consortium is None:
        return {}
    versions_of = client.artifacts.codec("Consortium").function("registryVersions")
    calls = [view_request(consortium.address, versions_of.call_data(kind_bytes(kind))) for kind in REGISTRY_KINDS]
    found: dict[str, tuple[str, int]] = {}
    for kind, reply in zip(REGISTRY_KINDS, client.raw_batch(calls), strict=True):
        if "result" not in reply:
            raise TransactionFailed(f"the consortium did not list its {kind} versions: {reply.get('error')}")
        for number, address in enumerate(versions_of.decode(bytes.fromhex(str(reply["result"])[2:])), start=1):
            if address.lower() in known:
                continue
            name = kind if number == 1 and kind not in client.deployment.contracts else f"{kind}@v{number}"
            found[name] = (address.lower(), _listed_at(client, consortium.address, address, range_blocks))
    return found


def _listed_at(client: LedgerClient, consortium: str, registry: str, range_blocks: int) -> int:
    """The block of the vote that first listed `registry` (its first RegistryActivated), read
    forward from the deployment in ranges a node serves (Besu caps eth_getLogs ranges)."""
    assert client.deployment is not None
    topic = "0x" + client.artifacts.codec("Consortium").event_topic("RegistryActivated").hex()
    topics = [topic, None, "0x" + registry[2:].lower().rjust(64, "0")]
    head = history.head_number(client)
    for start in range(client.deployment.deployment_block, head + 1, range_blocks):
        found = history.logs(client, [consortium], start, min(start + range_blocks - 1, head), topics)
        if found:
            return int(found[0]["blockNumber"], 16)
    raise TransactionFailed(f"the consortium lists {registry} but the node has no record of the vote")


def follow(
    *,
    follower: Follower,
    confirmations: int = 0,
    poll_seconds: float = 2.0,
    stop: threading.Event,
    on_report: Callable[[IndexReport], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Catch up, wait `poll_seconds`, again, until `stop` is set. An unreachable or failing node,
    or a database that dropped the connection, is reported and retried; a chain reset (or any
    other refusal) ends the loop by raising."""
    while not stop.is_set():
        try:
            report = follower.catch_up(confirmations=confirmations, stop=stop)
        except (NodeNotRunning, TransactionFailed, OperationalError) as exc:
            if on_error is not None:
                on_error(exc)
        else:
            if on_report is not None:
                on_report(report)
        stop.wait(poll_seconds)
