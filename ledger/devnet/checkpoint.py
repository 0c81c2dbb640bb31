"""Consistent snapshots of the embedded node's state, taken by the senders themselves.

anvil can write its state on a timer (`--state-interval`), but such a snapshot reads the blocks
and then the accounts while anvil goes on mining: it can hold the effects of transactions whose
blocks it lacks (seen after SIGKILLs under load: account nonces ahead of the last block's, by one
to three transactions, nearly every time). A node started from it has those changes without
their blocks or events, and the journal of sent transactions cannot send them again (their
nonces are taken): acknowledged writes were gone from the chain's events and from the index.

So anvil writes its state itself only when it stops cleanly, and the senders take the snapshots
in between: after a send, once the state file is CHECKPOINT_SECONDS old, the sender holds every
key's nonce lock (no sanzhi transaction can be sent meanwhile, and the development node mines
only what is sent), makes sure nothing waits to be mined, asks anvil for its state
(`anvil_dumpState`) and writes it atomically where anvil loads it from. What is sent after it is
in the journal (ledger/chain/sent_journal.py), which the next start replays. A sender that cannot
have every lock at once (another is sending) leaves the snapshot to a later send.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ledger.chain.transport import RpcTransport
from ledger.errors import LedgerError
from ledger.files import write_atomic

CHECKPOINT_SECONDS = 10.0
LOCK_WAIT_SECONDS = 0.2  # for all the locks together: a sender busy longer gets its turn later
RETRY_SECONDS = 1.0  # after a snapshot could not be taken, before this client tries again
GZIP_MAGIC = b"\x1f\x8b"


class NodeCheckpoint:
    """Snapshots of one embedded node's state into its state file (see the module)."""

    def __init__(
        self, *, rpc_url: str, state_file: Path, lock_dir: Path, clock: Callable[[], float] = time.time
    ) -> None:
        self.rpc_url = rpc_url
        self.state_file = state_file
        self.lock_dir = lock_dir
        self.clock = clock
        self._not_before = 0.0  # this client's last attempt failed: not again until then

    def due(self) -> bool:
        """Whether the state file is missing or CHECKPOINT_SECONDS old (and this client's last
        attempt, if it failed, RETRY_SECONDS ago)."""
        if self.clock() < self._not_before:
            return False
        try:
            return self.clock() - self.state_file.stat().st_mtime >= CHECKPOINT_SECONDS
        except FileNotFoundError:
            return True

    def take(self, own: tuple[Path, Callable[[], AbstractContextManager[None]]] | None = None) -> bool:
        """Write a snapshot now unless another sender holds a lock or a transaction waits to be
        mined; whether it was written. `own` is the caller's nonce lock file with the way it
        holds it (re-entrant: the caller may hold it already)."""
        taken = self._take(own)
        self._not_before = 0.0 if taken else self.clock() + RETRY_SECONDS
        return taken

    def _take(self, own: tuple[Path, Callable[[], AbstractContextManager[None]]] | None) -> bool:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        with ExitStack() as stack:
            try:
                stack.enter_context(FileLock(str(self.state_file.with_suffix(".lock")), timeout=0))
                for path in sorted(self.lock_dir.glob("*.lock")):
                    if own is not None and path == own[0]:
                        stack.enter_context(own[1]())
                    else:
                        wait = max(0.0, deadline - time.monotonic())
                        stack.enter_context(FileLock(str(path), timeout=wait))
            except Timeout:
                return False
            try:
                state = self._dump()
            except LedgerError:  # the node went away meanwhile: the journal has what it lacks
                return False
            if state is None:
                return False
            write_atomic(self.state_file, state)
            return True

    def _dump(self) -> bytes | None:
        """anvil's whole state as the JSON it loads, or None while a transaction waits for its
        block (a node with timed blocks) or when the node does not answer as anvil does."""
        transport = RpcTransport(self.rpc_url)

        def call(method: str) -> Any:
            reply = transport.post({"jsonrpc": "2.0", "id": 1, "method": method, "params": []})
            return reply.get("result") if isinstance(reply, dict) else None

        # a transaction sent just before the locks were taken may still be being mined: the
        # snapshot counts only if no block came meanwhile and none waits
        before = call("eth_blockNumber")
        pool = call("txpool_status")
        if not isinstance(pool, dict) or any(int(str(count), 16) for count in pool.values()):
            return None
        dumped = call("anvil_dumpState")
        if not isinstance(dumped, str) or call("eth_blockNumber") != before:
            return None
        data = bytes.fromhex(dumped.removeprefix("0x"))
        state = gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data
        snapshot = json.loads(state)
        if snapshot.get("best_block_number") != int(str(before), 16):
            return None
        senders = [a for a, account in (snapshot.get("accounts") or {}).items() if _sender(account)]
        replies = transport.post([
            {"jsonrpc": "2.0", "id": i, "method": "eth_getTransactionCount", "params": [a, before]}
            for i, a in enumerate(senders)
        ])  # fmt: skip
        if not isinstance(replies, list):
            return None
        counts = {r.get("id"): r.get("result") for r in replies if isinstance(r, dict)}
        nonces = {a.lower(): int(str(counts.get(i)), 16) for i, a in enumerate(senders) if counts.get(i) is not None}
        return state if consistent(snapshot, nonces) else None


def _sender(account: dict[str, Any]) -> bool:
    """An account without code (a contract's nonce counts the contracts it created)."""
    return (account.get("code") or "0x") == "0x"


def consistent(snapshot: dict[str, Any], nonces: dict[str, int]) -> bool:
    """Whether the snapshot's blocks hold as many transactions as its receipts, and every account
    without code has the nonce the node gave for the block the snapshot ends with (`nonces`): the
    effects of a transaction whose block the snapshot lacks show as a nonce ahead (what anvil's own
    timed snapshots held), a receipt without its block as one count ahead of the other."""
    receipts = snapshot.get("transactions") or []
    if sum(len(block.get("transactions") or []) for block in snapshot.get("blocks") or []) != len(receipts):
        return False
    for address, account in (snapshot.get("accounts") or {}).items():
        if not _sender(account):
            continue
        nonce = account.get("nonce") or 0
        if (int(nonce, 16) if isinstance(nonce, str) else int(nonce)) != nonces.get(address.lower()):
            return False
    return True
