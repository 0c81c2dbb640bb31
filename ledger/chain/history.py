"""Chain history in JSON-RPC batches: logs, block headers, transactions (what the indexer's
follower reads). Standard JSON-RPC only (eth_getLogs, eth_getBlockByNumber, eth_getTransactionByHash)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.chain import reads
from ledger.chain.client import LedgerClient
from ledger.errors import ReadFailed


@dataclass(frozen=True)
class Header:
    number: int
    hash: bytes
    parent_hash: bytes
    time: int


@dataclass(frozen=True)
class Transaction:
    sender: bytes
    to: str | None
    input: bytes


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def headers(client: LedgerClient, numbers: Iterable[int]) -> dict[int, Header]:
    """The headers of `numbers` the node has (a number above its head is absent)."""
    wanted = sorted(set(numbers))
    replies = reads.batched(client, [reads.block_request(n) for n in wanted])
    found: dict[int, Header] = {}
    for number, reply in zip(wanted, replies, strict=True):
        if "error" in reply:
            raise ReadFailed(f"block {number}", reply["error"])
        block = reply.get("result")
        if block:
            found[number] = Header(
                number=int(block["number"], 16),
                hash=_bytes(block["hash"]),
                parent_hash=_bytes(block["parentHash"]),
                time=int(block["timestamp"], 16),
            )
    return found


def head_number(client: LedgerClient) -> int:
    [reply] = client.raw_batch([("eth_blockNumber", [])])
    if "error" in reply:
        raise ReadFailed("the block number", reply["error"])
    return int(reply["result"], 16)


def logs(
    client: LedgerClient,
    addresses: Sequence[str],
    start: int,
    end: int,
    topics: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """Every log of `addresses` in blocks start..end (inclusive), in chain order; with `topics`,
    only those matching them (None: any value at that position). reads.LogsRefused when the
    node refuses the range."""
    query: dict[str, Any] = {"fromBlock": hex(start), "toBlock": hex(end), "address": list(addresses)}
    if topics is not None:
        query["topics"] = list(topics)
    return reads.logs(client, query, what=f"logs of blocks {start}..{end}")


def transactions(client: LedgerClient, hashes: Iterable[str]) -> dict[str, Transaction]:
    """Sender, recipient and input of each transaction the node has (by 0x-hash, lower case); one
    missing was dropped by a reorganisation since its log was read."""
    wanted = sorted({h.lower() for h in hashes})
    replies = reads.batched(client, [("eth_getTransactionByHash", [h]) for h in wanted])
    found: dict[str, Transaction] = {}
    for tx_hash, reply in zip(wanted, replies, strict=True):
        if "error" in reply:
            raise ReadFailed(f"transaction {tx_hash}", reply["error"])
        tx = reply.get("result")
        if tx:
            found[tx_hash] = Transaction(sender=_bytes(tx["from"]), to=tx.get("to"), input=_bytes(tx["input"]))
    return found
