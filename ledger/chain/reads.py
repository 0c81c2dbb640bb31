"""Many view calls in one JSON-RPC batch (the feed reads thousands of certifications)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.abi import get_abi_output_types
from web3.contract.contract import ContractFunction

from ledger.chain.client import LedgerClient
from ledger.errors import TransactionFailed

CHUNK = 500


def view_request(to: str, data: str, block: str = "latest") -> tuple[str, list[Any]]:
    """The JSON-RPC request of one view call (`data`: 0x-prefixed call data) at `block`, for
    `LedgerClient.raw_batch`: the one place that spells it."""
    return ("eth_call", [{"to": to, "data": data}, block])


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
        raise TransactionFailed(
            f"cannot read slot {hex(slot)} of {address} at block {block_hash}: {found.get('error')}"
        )
    return int(found["result"], 16)


def logs_with_times(client: LedgerClient, query: dict[str, Any]) -> list[tuple[dict[str, Any], int]] | None:
    """The logs `query` matches (eth_getLogs), oldest first, each with its block's time; None
    when the node refuses the query (a range it does not serve)."""
    reply = client.raw_batch([("eth_getLogs", [query])])[0]
    if "error" in reply:
        return None
    logs = sorted(reply["result"], key=lambda e: (int(e["blockNumber"], 16), int(e["logIndex"], 16)))
    blocks = sorted({e["blockNumber"] for e in logs})
    replies = client.raw_batch([("eth_getBlockByNumber", [b, False]) for b in blocks])
    times = {b: int(r["result"]["timestamp"], 16) for b, r in zip(blocks, replies, strict=True) if r.get("result")}
    return [(e, times[e["blockNumber"]]) for e in logs if e["blockNumber"] in times]


def batch_call(client: LedgerClient, fns: Sequence[ContractFunction], *, chunk: int = CHUNK) -> list[Any]:
    """The results of `fns` (eth_call at the latest block), decoded like web3's `call()`.

    A function with one output returns that value, with several a tuple (structs as tuples).
    """
    results: list[Any] = []
    for start in range(0, len(fns), chunk):
        part = fns[start : start + chunk]
        calls = [view_request(fn.address, fn._encode_transaction_data()) for fn in part]
        for fn, reply in zip(part, client.raw_batch(calls), strict=True):
            results.append(_decode(client, fn, reply))
    return results


def _decode(client: LedgerClient, fn: ContractFunction, reply: dict[str, Any]) -> Any:
    if "error" in reply:
        error = reply["error"]
        data = error.get("data") if isinstance(error, dict) else None
        if isinstance(data, str) and data.startswith("0x"):
            decoded = client.artifacts.decode_revert(bytes.fromhex(data[2:]))
            if decoded is not None:
                raise decoded
        raise TransactionFailed(f"{fn.fn_name} failed: {error}")
    types = get_abi_output_types(fn.abi)
    values = abi_decode(types, bytes.fromhex(str(reply["result"])[2:]))
    return values[0] if len(values) == 1 else tuple(values)


def read_pages(
    client: LedgerClient, *, length: int, page: Callable[[int, int], ContractFunction], page_size: int
) -> list[Any]:
    """All `length` entries of a paginated view (`page(offset, limit)`), in JSON-RPC batches."""
    fns = [page(offset, min(page_size, length - offset)) for offset in range(0, length, page_size)]
    return [entry for part in batch_call(client, fns) for entry in part]


def latest_timestamp(client: LedgerClient) -> int:
    """The latest block's time: what the contract reads as "now" for a view call."""
    reply = client.raw_batch([("eth_getBlockByNumber", ["latest", False])])[0]
    if "error" in reply or not reply.get("result"):
        raise TransactionFailed(f"node did not return the latest block: {reply.get('error')}")
    return int(reply["result"]["timestamp"], 16)


def raw_results(client: LedgerClient, to: str, calls: Sequence[str], *, chunk: int = CHUNK) -> list[bytes]:
    """The raw return data of eth_call for every call data in `calls` at `to` (JSON-RPC batches)."""
    results: list[bytes] = []
    for start in range(0, len(calls), chunk):
        part = calls[start : start + chunk]
        replies = client.raw_batch([view_request(to, data) for data in part])
        for reply in replies:
            if "error" in reply or "result" not in reply:
                raise TransactionFailed(f"view call failed: {reply.get('error')}")
            results.append(bytes.fromhex(str(reply["result"])[2:]))
    return results
