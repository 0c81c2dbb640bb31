"""The embedded node's journal of sent transactions: what survives a kill mid-write, and what a
replay sends again (the node's side is tests/ledger/devnet/test_node.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ledger.chain import sent_journal
from ledger.chain.sent_journal import JournalEntry, SentJournal, replay


def _entry(n: int) -> JournalEntry:
    return JournalEntry(sender="0x" + "ab" * 20, tx_hash=f"0x{n:064x}", raw=f"0x{n:04x}")


def test_entries_come_back_in_the_order_written_and_a_torn_line_is_skipped(tmp_path: Path) -> None:
    journal = SentJournal(tmp_path / "node" / "sent.jsonl")
    journal.append([_entry(1), _entry(2)])
    journal.append([_entry(3)])
    with journal.path.open("a") as out:
        out.write('{"from": "0xab", "hash": "0x0')  # a writer killed mid-line
    assert journal.entries() == [_entry(1), _entry(2), _entry(3)]
    journal.clear()
    assert journal.entries() == []


class _Node:
    """A stand-in for the node's JSON-RPC: knows some hashes, refuses some raw transactions."""

    def __init__(self, known: set[str], refused: set[str]) -> None:
        self.known, self.refused = known, refused
        self.sent: list[str] = []

    def post(self, payload: Any) -> Any:
        if isinstance(payload, list):
            hashes = [(c["id"], c["params"][0]) for c in payload]
            return [{"id": i, "result": {"hash": h} if h in self.known else None} for i, h in hashes]
        raw = payload["params"][0]
        self.sent.append(raw)
        return {"id": 1, "error": {"message": "nonce too low"}} if raw in self.refused else {"id": 1, "result": "0x"}


def test_a_replay_sends_only_what_the_node_lacks_in_journal_order_and_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = SentJournal(tmp_path / "sent.jsonl")
    journal.append([_entry(1), _entry(2), _entry(3), _entry(4)])
    journal.append([_entry(3)])  # journalled twice (a send retried with the same bytes)
    node = _Node(known={_entry(1).tx_hash}, refused={_entry(4).raw})
    monkeypatch.setattr(sent_journal, "RpcTransport", lambda url: node)
    report = replay(journal, "http://127.0.0.1:1")
    assert node.sent == [_entry(2).raw, _entry(3).raw, _entry(4).raw]
    assert (report.journalled, report.resent, report.refused) == (5, 2, 1)
    assert json.loads(journal.path.read_text().splitlines()[0])["hash"] == _entry(1).tx_hash


def test_a_transaction_the_node_refused_is_never_sent_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its sender was told it failed: a replay that landed it would make the write happen after all."""
    journal = SentJournal(tmp_path / "sent.jsonl")
    journal.append([_entry(1), _entry(2), _entry(3)])
    journal.withdraw([_entry(2).tx_hash, _entry(3).tx_hash])  # refused, and the one after it never sent
    assert journal.entries() == [_entry(1)]
    node = _Node(known=set(), refused=set())
    monkeypatch.setattr(sent_journal, "RpcTransport", lambda url: node)
    assert replay(journal, "http://127.0.0.1:1").resent == 1
    assert node.sent == [_entry(1).raw]
