"""ContractBinding: one deployed contract, read and written through the project's codec.

Every typed binding (ConsortiumBinding, the registries) is built on this: view calls (one, or
many in JSON-RPC batches), transactions, call data for pipelined sends, log queries and events
out of a receipt, with reverts decoded by ledger.chain.reverts and failed reads as ReadFailed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.grammar import ABIType, BasicType, TupleType, parse
from eth_utils.address import to_checksum_address

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.codec import ContractCodec, FunctionCodec
from ledger.chain.reads import block_ref, logs, view_request, view_result


@dataclass(frozen=True)
class BoundCall:
    """One view call of a function at an address with its arguments, not yet sent."""

    contract: str
    address: str
    function: FunctionCodec
    args: tuple[Any, ...]

    @property
    def call_data(self) -> str:
        return self.function.call_data(*self.args)

    @property
    def what(self) -> str:
        return f"{self.contract}.{self.function.name}"

    def request(self, block: int | str = "latest") -> tuple[str, list[Any]]:
        """The JSON-RPC request of this call, for LedgerClient.raw_batch."""
        return view_request(self.address, self.call_data, block_ref(block))

    def decode(self, data: bytes) -> Any:
        return self.function.decode(data)


class ContractBinding:
    """Contract `name` at `address` (by default its deployment on the client's chain)."""

    def __init__(self, client: LedgerClient, name: str, address: str | None = None) -> None:
        self.client = client
        self.name = name
        self.codec: ContractCodec = client.artifacts.codec(name)
        self.address: str = to_checksum_address(address) if address else client.address_of(name)

    def at(self, address: str) -> ContractBinding:
        """The same contract at another address (another version of a registry)."""
        return ContractBinding(self.client, self.name, address)

    # ------------------------------------------------------------------ reads

    def fn(self, function: str, *args: Any) -> BoundCall:
        """A view call to batch with `ledger.chain.reads.batch_call`."""
        return BoundCall(self.name, self.address, self.codec.function(function), args)

    def call(self, function: str, *args: Any, block: int | str = "latest") -> Any:
        """One view call; addresses in the result checksummed (as web3 returned them)."""
        bound = self.fn(function, *args)
        [reply] = self.client.raw_batch([bound.request(block)])
        value = bound.decode(view_result(self.client, reply, bound.what))
        return _checksummed(value, bound.function.output_types)

    # ------------------------------------------------------------------ writes

    def tx(self, function: str, *args: Any) -> dict[str, Any]:
        """The transaction fields of a call (`to`, `data`), for send_batch or an estimate."""
        return {"to": self.address, "data": self.codec.function(function).call_data(*args)}

    def transact(self, function: str, *args: Any, gas: int | None = None) -> SentTransaction:
        """Send a call as a transaction from the client's key and wait for it to be mined."""
        return self.client.send(self.tx(function, *args), gas=gas)

    # ------------------------------------------------------------------ events

    def events(self, receipt: Any, event: str) -> list[dict[str, Any]]:
        """The arguments of every `event` this contract emitted in a transaction's receipt."""
        topic = "0x" + self.codec.event_topic(event).hex()
        decode = self.codec.event_decoder(event)
        found = []
        for log in receipt["logs"]:
            topics = [_hex(t) for t in log["topics"]]
            if topics and topics[0] == topic and str(log["address"]).lower() == self.address.lower():
                found.append(decode({"topics": topics, "data": _hex(log["data"])}))
        return found

    def logs(
        self,
        events: Sequence[str],
        *topics: str | Sequence[str] | None,
        from_block: int = 0,
        to_block: int | str = "latest",
    ) -> list[dict[str, Any]]:
        """This contract's JSON-RPC logs of `events` in blocks from_block..to_block, in chain
        order; `topics` match the indexed arguments in order (None: any)."""
        names = ["0x" + self.codec.event_topic(e).hex() for e in events]
        query = {
            "address": self.address,
            "fromBlock": hex(from_block),
            "toBlock": block_ref(to_block),
            "topics": [names if len(names) > 1 else names[0], *topics],
        }
        return logs(self.client, query, what=f"{self.name} events {', '.join(events)}")


def _hex(value: Any) -> str:
    """A log field as 0x-prefixed hex, whether web3 gave bytes or JSON text."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("0x") else "0x" + text


def _checksummed(value: Any, types: Sequence[str]) -> Any:
    """`value` with its addresses checksummed, walking the ABI types of the outputs."""
    if not any("address" in t for t in types):
        return value
    if len(types) == 1:
        return _walk(value, parse(types[0]))
    return tuple(_walk(v, parse(t)) for v, t in zip(value, types, strict=True))


def _walk(value: Any, kind: ABIType) -> Any:
    if kind.arrlist:
        return tuple(_walk(v, kind.item_type) for v in value)
    if isinstance(kind, TupleType):
        return tuple(_walk(v, c) for v, c in zip(value, kind.components, strict=True))
    if isinstance(kind, BasicType) and kind.base == "address":
        return to_checksum_address(value)
    return value
