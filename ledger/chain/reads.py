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
