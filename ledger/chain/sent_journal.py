"""The embedded node's write-ahead journal of signed transactions, and their replay after a kill.

The development node's state is written to disk every few seconds (a snapshot its senders take,
ledger/devnet/checkpoint.py): killed with SIGKILL, it comes back without the blocks mined
since the last one, so transactions whose receipts were
already handed out (a certificate issued, a quantity drawn) would vanish. Every transaction sent
to it is therefore appended here (sender, hash, signed bytes) before it is sent, under the
sender's nonce lock, so the journal holds each sender's transactions in nonce order. When the
node starts again the journal is replayed: each transaction the node does not know is sent again,
as the same signed bytes (the same hash), in the order they were first sent; its nonce makes it
land at most once. A clean stop (the node writes its whole state) empties the journal.

Appends are plain `write`s to a file opened with O_APPEND, not fsynced: the hazard is a killed
process (the kernel keeps what was written), not a lost machine, and an fsync per transaction
would slow every write on the development chain.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ledger.chain.transport import RpcTransport
from ledger.errors import LedgerError

LOCK_SECONDS = 30.0  # a sender's nonce lock is held for one send: longer means its holder is stuck
CHUNK = 200
REASONS_KEPT = 5


@dataclass(frozen=True)
class JournalEntry:
    sender: str  # lower-case address: the name of its nonce lock file
    tx_hash: str
    raw: str  # 0x-prefixed signed transaction


@dataclass(frozen=True)
class ReplayReport:
    journalled: int
    resent: int
    refused: int  # the node refused them again (a nonce another transaction took meanwhile)
    reasons: tuple[str, ...] = ()  # the node's words for the first few refusals, with each hash


class SentJournal:
    """The append-only journal file of one embedded node."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entries: Sequence[JournalEntry]) -> None:
        """Record `entries` before they are sent (one write: a batch stays in nonce order)."""
        if not entries:
            return
        self._write(
            "".join(
                json.dumps({"from": e.sender, "hash": e.tx_hash, "raw": e.raw}, separators=(",", ":")) + "\n"
                for e in entries
            )
        )

    def _write(self, lines: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, lines.encode())
        finally:
            os.close(fd)

    def withdraw(self, tx_hashes: Sequence[str]) -> None:
        """The node refused these (or they were never sent after one it refused): a replay must
        not send them, or a write its sender was told failed would happen after all."""
        if tx_hashes:
            self._write("".join(json.dumps({"withdrawn": h}) + "\n" for h in tx_hashes))

    def entries(self) -> list[JournalEntry]:
        """Every readable entry not withdrawn, in file order (a line torn by a kill mid-write is
        skipped)."""
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return []
        found, withdrawn = [], set()
        for line in text.splitlines():
            try:
                item = json.loads(line)
                if "withdrawn" in item:
                    withdrawn.add(str(item["withdrawn"]))
                else:
                    found.append(JournalEntry(str(item["from"]), str(item["hash"]), str(item["raw"])))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return [e for e in found if e.tx_hash not in withdrawn]

    def clear(self) -> None:
        """Forget every entry: the node's state file now holds all it mined."""
        self.path.unlink(missing_ok=True)


def hold_senders(journal: SentJournal, lock_dir: Path) -> ExitStack:
    """The nonce locks of every sender in the journal, held (sorted: no deadlock with another
    holder of several) until the returned stack closes: no new transaction takes a journalled
    transaction's nonce before the replay sent it again."""
    stack = ExitStack()
    senders = sorted({e.sender for e in journal.entries()})
    lock_dir.mkdir(parents=True, exist_ok=True)
    for sender in senders:
        try:
            stack.enter_context(FileLock(str(lock_dir / f"{sender}.lock"), timeout=LOCK_SECONDS))
        except Timeout:
            continue  # a stuck holder: replay anyway; a nonce it takes shows as `refused`
    return stack


def replay(journal: SentJournal, rpc_url: str) -> ReplayReport:
    """Send again, in journal order, each journalled transaction the node does not know."""
    entries = journal.entries()
    transport = RpcTransport(rpc_url)
    known: set[str] = set()
    for start in range(0, len(entries), CHUNK):
        part = entries[start : start + CHUNK]
        calls = [
            {"jsonrpc": "2.0", "id": i, "method": "eth_getTransactionByHash", "params": [e.tx_hash]}
            for i, e in enumerate(part)
        ]
        replies = transport.post(calls)
        if not isinstance(replies, list):
            raise LedgerError(f"the node did not answer the journal's look-up: {replies}")
        known |= {part[r["id"]].tx_hash for r in replies if isinstance(r, dict) and r.get("result")}
    resent = refused = 0
    reasons: list[str] = []
    for entry in entries:
        if entry.tx_hash in known:
            continue
        known.add(entry.tx_hash)  # a transaction journalled twice is sent once
        reply = transport.post({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": [entry.raw]})
        if isinstance(reply, dict) and "result" in reply:
            resent += 1
        else:
            refused += 1
            if len(reasons) < REASONS_KEPT:
                error = reply.get("error", reply) if isinstance(reply, dict) else reply
                reasons.append(f"{entry.tx_hash} from {entry.sender}: {error}")
    return ReplayReport(journalled=len(entries), resent=resent, refused=refused, reasons=tuple(reasons))
