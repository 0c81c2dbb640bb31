"""Chain history in JSON-RPC batches: logs, block headers, transactions (what the indexer's
follower reads). Standard JSON-RPC only (eth_getLogs, eth_getBlockByNumber, eth_getTransactionByHash)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.chain.client import LedgerClient
from ledger.errors import ReadFailed

CHUNK = 500  # calls per batch request


class LogRangeTooLarge(ReadFailed):
    """The node refused an eth_getLogs range (too many blocks or results): ask for less."""

    def __init__(self, start: int, end: int, detail: str) -> None:
        super().__init__(f"logs of blocks {start}..{end}", detail)


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


def _hex(value: int) -> str:
    return hex(value)


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def _batched(client: LedgerClient, calls: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    for start in range(0, len(calls), CHUNK):
        replies.extend(client.raw_batch(calls[start : start + CHUNK]))
    return replies


def headers(client: LedgerClient, numbers: Iterable[int]) -> dict[int, Header]:
    """The headers of `numbers` the node has (a number above its head is absent)."""
    wanted = sorted(set(numbers))
    replies = _batched(client, [("eth_getBlockByNumber", [_hex(n), False]) for n in wanted])
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
    only those matching them (None: any value at that position)."""
    query: dict[str, Any] = {"fromBlock": _hex(start), "toBlock": _hex(end), "address": list(addresses)}
    if topics is not None:
        query["topics"] = list(topics)
    [reply] = client.raw_batch([("eth_getLogs", [query])])
    if "error" in reply:
        error = reply["error"]
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        raise LogRangeTooLarge(start, end, message)
    found = [log for log in reply["result"] if not log.get("removed")]
    found.sort(key=lambda log: (int(log["blockNumber"], 16), int(log["logIndex"], 16)))
    return found


def transactions(client: LedgerClient, hashes: Iterable[str]) -> dict[str, Transaction]:
    """Sender, recipient and input of each transaction the node has (by 0x-hash, lower case); one
    missing was dropped by a reorganisation since its log was read."""
    wanted = sorted({h.lower() for h in hashes})
    replies = _batched(client, [("eth_getTransactionByHash", [h]) for h in wanted])
    found: dict[str, Transaction] = {}
    for tx_hash, reply in zip(wanted, replies, strict=True):
        if "error" in reply:
            raise ReadFailed(f"transaction {tx_hash}", reply["error"])
        tx = reply.get("result")
        if tx:
            found[tx_hash] = Transaction(sender=_bytes(tx["from"]), to=tx.get("to"), input=_bytes(tx["input"]))
    return found
