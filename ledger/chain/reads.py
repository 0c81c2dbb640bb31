"""Reads in JSON-RPC batches: view calls, storage words, logs with their block times and senders.

Every failed read raises ReadFailed (or the contract's decoded revert): none returns [] or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from ledger.chain.client import LedgerClient
from ledger.chain.reverts import revert_error
from ledger.errors import ReadFailed

if TYPE_CHECKING:
    from ledger.chain.contract import BoundCall

CHUNK = 500  # calls per JSON-RPC batch request


class LogsRefused(ReadFailed):
    """The node refused a log query (too many blocks or results, by its own limits): ask for a
    smaller range."""


def batched(
    client: LedgerClient, calls: Sequence[tuple[str, list[Any]]], *, chunk: int = CHUNK
) -> list[dict[str, Any]]:
    """The replies to `calls`, in order, sent `chunk` to a JSON-RPC batch."""
    replies: list[dict[str, Any]] = []
    for start in range(0, len(calls), chunk):
        replies.extend(client.raw_batch(calls[start : start + chunk]))
    return replies


def view_request(to: str, data: str, block: str = "latest") -> tuple[str, list[Any]]:
    """The JSON-RPC request of one view call (`data`: 0x-prefixed call data) at `block`, for
    `LedgerClient.raw_batch`: the one place that spells it."""
    return ("eth_call", [{"to": to, "data": data}, block])


def view_result(client: LedgerClient, reply: dict[str, Any], what: str) -> bytes:
    """The return data of a view call's reply; its revert decoded, or ReadFailed."""
    if "error" in reply:
        raise revert_error(client.artifacts, reply["error"], doing=what)
    result = reply.get("result")
    if not isinstance(result, str) or not result.startswith("0x"):
        raise ReadFailed(what, f"malformed reply {reply!r}")
    try:
        return bytes.fromhex(result[2:])
    except ValueError as exc:
        raise ReadFailed(what, f"malformed reply {result!r}") from exc


def block_request(block: int | str) -> tuple[str, list[Any]]:
    """The JSON-RPC request of a block's header (no transactions): by number, tag or hash."""
    if isinstance(block, int):
        return ("eth_getBlockByNumber", [hex(block), False])
    if len(block) == 66 and block.startswith("0x"):
        return ("eth_getBlockByHash", [block, False])
    return ("eth_getBlockByNumber", [block, False])


def block_ref(block: int | str) -> str:
    """`block` as a JSON-RPC block parameter (a number in hex, a tag or a hash)."""
    return hex(block) if isinstance(block, int) else block


def storage_at(client: LedgerClient, address: str, slot: int, block_hash: str) -> int:
    """One storage word of `address` at the block `block_hash` (EIP-1898)."""
    found = client.raw_batch([("eth_getStorageAt", [address, hex(slot), {"blockHash": block_hash}])])[0]
    if "result" not in found:
        raise ReadFailed(f"slot {hex(slot)} of {address} at block {block_hash}", found.get("error"))
    return int(found["result"], 16)


def code_at(client: LedgerClient, address: str, block: int | str = "latest") -> bytes:
    """The runtime code of `address` at `block` (empty for an account without code)."""
    [reply] = client.raw_batch([("eth_getCode", [address, block_ref(block)])])
    result = reply.get("result")
    if "error" in reply or not isinstance(result, str) or not result.startswith("0x"):
        raise ReadFailed(f"the code of {address}", reply.get("error", reply))
    return bytes.fromhex(result[2:])


def logs(client: LedgerClient, query: dict[str, Any], *, what: str = "logs") -> list[dict[str, Any]]:
    """The logs `query` matches (eth_getLogs; removed ones dropped), in chain order; LogsRefused
    when the node refuses the query."""
    [reply] = client.raw_batch([("eth_getLogs", [query])])
    if "error" in reply:
        raise LogsRefused(what, reply["error"])
    if not isinstance(reply.get("result"), list):
        raise ReadFailed(what, f"malformed reply {reply!r}")
    found = [log for log in reply["result"] if not log.get("removed")]
    return sorted(found, key=lambda e: (int(e["blockNumber"], 16), int(e["logIndex"], 16)))


def log_context(
    client: LedgerClient, found: Sequence[dict[str, Any]], *, senders: bool = True
) -> tuple[dict[str, int], dict[str, str]]:
    """Block times by block number (as the logs spell it) and checksummed transaction senders by
    hash, for `found`, in one JSON-RPC batch."""
    blocks = sorted({str(e["blockNumber"]) for e in found})
    txs = sorted({str(e["transactionHash"]) for e in found}) if senders else []
    calls = [("eth_getBlockByNumber", [b, False]) for b in blocks] + [("eth_getTransactionByHash", [t]) for t in txs]
    replies = client.raw_batch(calls) if calls else []
    times: dict[str, int] = {}
    for b, reply in zip(blocks, replies, strict=False):
        if not reply.get("result"):
            raise ReadFailed(f"block {b}", reply.get("error", "not found (reorganised?)"))
        times[b] = int(reply["result"]["timestamp"], 16)
    by_tx: dict[str, str] = {}
    for t, reply in zip(txs, replies[len(blocks) :], strict=True):
        if not reply.get("result"):
            raise ReadFailed(f"transaction {t}", reply.get("error", "not found (reorganised?)"))
        by_tx[t] = str(to_checksum_address(reply["result"]["from"]))
    return times, by_tx


def batch_call(client: LedgerClient, calls: Sequence[BoundCall], *, chunk: int = CHUNK) -> list[Any]:
    """The results of `calls` (eth_call at the latest block), one JSON-RPC batch per chunk.

    A function with one output returns that value, with several a tuple (structs as tuples);
    addresses as the codec reads them (lower case).
    """
    replies = batched(client, [c.request() for c in calls], chunk=chunk)
    return [bound.decode(view_result(client, reply, bound.what)) for bound, reply in zip(calls, replies, strict=True)]


def read_pages(
    client: LedgerClient, *, length: int, page: Callable[[int, int], BoundCall], page_size: int
) -> list[Any]:
    """All `length` entries of a paginated view (`page(offset, limit)`), in JSON-RPC batches."""
    calls = [page(offset, min(page_size, length - offset)) for offset in range(0, length, page_size)]
    return [entry for part in batch_call(client, calls) for entry in part]


def latest_timestamp(client: LedgerClient) -> int:
    """The latest block's time: what the contract reads as "now" for a view call."""
    [reply] = client.raw_batch([block_request("latest")])
    if "error" in reply or not reply.get("result"):
        raise ReadFailed("the latest block", reply.get("error", reply))
    return int(reply["result"]["timestamp"], 16)


def raw_results(client: LedgerClient, to: str, calls: Sequence[str], *, chunk: int = CHUNK) -> list[bytes]:
    """The raw return data of eth_call for every call data in `calls` at `to` (JSON-RPC batches)."""
    replies = batched(client, [view_request(to, data) for data in calls], chunk=chunk)
    return [view_result(client, reply, f"a view of {to}") for reply in replies]
