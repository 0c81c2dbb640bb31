"""The one revert decoder: a node's error reply (or web3's ContractLogicError) to a LedgerError."""

from __future__ import annotations

from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

from ledger.chain.artifacts import Artifacts
from ledger.chain.codec import abi_type
from ledger.errors import ContractRevert, LedgerError, ReadFailed, TransactionFailed, UndecodableData
from ledger.ids import name_of_id

ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string): require with a message
PANIC = bytes.fromhex("4e487b71")  # Panic(uint256): assert, overflow, division by zero


def revert_data(error: Any) -> bytes | None:
    """The revert data in a JSON-RPC error object, a web3 ContractLogicError or its `data`.

    Nodes differ: anvil and geth put the hex in `data`, some clients nest it as `data.data`.
    """
    data = getattr(error, "data", error) if not isinstance(error, dict) else error.get("data")
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x") and len(data) % 2 == 0:
        try:
            return bytes.fromhex(data[2:])
        except ValueError:
            return None
    return None


def decode_revert(artifacts: Artifacts, data: bytes) -> ContractRevert | None:
    """The ContractRevert subclass instance for revert `data`, or None for an unknown selector.

    Raises UndecodableData when the selector is known but its arguments are malformed.
    """
    if len(data) < 4:
        return None
    known = artifacts.error_selectors.get(data[:4])
    if known is None:
        return None
    contract, item = known
    inputs = item.get("inputs", [])
    try:
        values = abi_decode([abi_type(i) for i in inputs], data[4:]) if inputs else ()
    except (DecodingError, ValueError) as exc:
        raise UndecodableData(f"the arguments of {contract}.{item['name']}", exc) from exc
    named = {(i.get("name") or f"arg{n}"): v for n, (i, v) in enumerate(zip(inputs, values, strict=True))}
    names = {k: n for k, v in named.items() if isinstance(v, bytes) and (n := name_of_id(v)) is not None}
    return ContractRevert.for_error(item["name"])(item["name"], named, contract=contract, names=names)


def revert_error(artifacts: Artifacts, error: Any, *, doing: str, read: bool = True) -> LedgerError:
    """The LedgerError for a node's error reply to `doing` (e.g. "Consortium.threshold").

    A custom error of the compiled contracts becomes its ContractRevert subclass; anything else
    (a revert with a message, a panic, a node refusing the request) becomes ReadFailed for a
    read, TransactionFailed for an estimate or a transaction (`read=False`).
    """
    data = revert_data(error)
    if data is not None:
        try:
            decoded = decode_revert(artifacts, data)
        except UndecodableData as exc:
            return exc
        if decoded is not None:
            return decoded
    detail = _describe(error, data)
    return ReadFailed(doing, detail) if read else TransactionFailed(f"{doing} failed: {detail}")


def _describe(error: Any, data: bytes | None) -> str:
    """What a user can read of an error the contracts do not declare."""
    if data is not None and data[:4] == ERROR_STRING:
        try:
            return f"reverted: {abi_decode(['string'], data[4:])[0]}"
        except (DecodingError, ValueError):
            pass
    if data is not None and data[:4] == PANIC and len(data) == 36:
        return f"panic 0x{int.from_bytes(data[4:], 'big'):02x}"
    if isinstance(error, dict):
        message = error.get("message")
        if data:
            return f"{message or 'reverted'} (data 0x{data.hex()})"
        return str(message or error)
    message = getattr(error, "message", None)
    return str(message or error)
