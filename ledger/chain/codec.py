"""One codec per contract, built from its compiled ABI: call data, return values, event topics
and EIP-712 struct types. Nothing here is typed by hand, so a contract change reaches every
caller through the build output.

eth_abi is the reference: this module derives the types and selectors once per contract (web3's
contract objects re-derive them on every call, which costs more than the node takes to answer the
batched reads of the feeds and of verification), and reads and writes the common shapes (static
values, arrays of static tuples) word by word. Those shapes are hand-written because eth_abi's
general coder validates every pointer and padding byte in Python: ~0.4 ms to encode and decode
one certificate's state, more than the node takes to answer. Anything else, and any value the
fast writer does not take as it is, goes to eth_abi, which then also gives the exact error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError, EncodingError
from eth_abi.grammar import ABIType, BasicType, TupleType, parse
from eth_utils.crypto import keccak

from ledger.errors import ConfigurationError, UndecodableData, UnencodableArguments

AbiItem = dict[str, Any]


def abi_type(param: AbiItem) -> str:
    """The canonical ABI type of a parameter: tuples spelled out as `(t1,t2,...)[]`."""
    kind: str = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def signature(item: AbiItem) -> str:
    """`name(type1,type2)` of a function, event or error."""
    return f"{item['name']}({','.join(abi_type(i) for i in item.get('inputs', []))})"


WordReader = Callable[[bytes, int], tuple[Any, int]]


def _static_reader(kind: ABIType) -> WordReader | None:
    """A reader of one value of a static type from 32-byte words (value, next offset), or None
    for types it does not cover (dynamic ones, arrays): those go to eth_abi.

    Static values are their words in order, so reading them needs no offsets; eth_abi's
    general decoder validates every pointer and costs ~0.2 ms a struct, which is most of the
    time of the oracle's batched reads of thousands of certifications.
    """
    if kind.arrlist or kind.is_dynamic:
        return None
    if isinstance(kind, TupleType):
        readers = [_static_reader(c) for c in kind.components]
        if any(r is None for r in readers):
            return None

        def read_tuple(data: bytes, at: int) -> tuple[Any, int]:
            values = []
            for reader in readers:
                value, at = reader(data, at)  # type: ignore[misc]
                values.append(value)
            return tuple(values), at

        return read_tuple
    if not isinstance(kind, BasicType):
        return None
    base, sub = kind.base, kind.sub
    if base == "uint":
        return lambda data, at: (int.from_bytes(data[at : at + 32], "big"), at + 32)
    if base == "int":
        return lambda data, at: (int.from_bytes(data[at : at + 32], "big", signed=True), at + 32)
    if base == "bool":
        return lambda data, at: (data[at + 31] == 1, at + 32)
    if base == "bytes" and isinstance(sub, int):
        return lambda data, at: (bytes(data[at : at + sub]), at + 32)
    if base == "address":  # 0x and lower case, as eth_abi decodes it (web3 checksums it afterwards)
        return lambda data, at: ("0x" + data[at + 12 : at + 32].hex(), at + 32)
    return None  # fixed-point: the general decoder


def _outputs_reader(types: Sequence[str]) -> WordReader | None:
    """A reader of a function's return values (as one tuple), when they are all static."""
    if not types:
        return None
    outputs = parse(f"({','.join(types)})")
    read_all = _static_reader(outputs)
    if read_all is None:
        return None
    size = 32 * _static_words(outputs)

    def read(data: bytes, at: int) -> tuple[Any, int]:
        if len(data) < size:
            raise ValueError(f"return data is {len(data)} bytes, {size} expected")
        return read_all(data, at)

    return read


def _static_words(kind: ABIType) -> int:
    if isinstance(kind, TupleType):
        return sum(_static_words(c) for c in kind.components)
    return 1


class _NotCovered(Exception):
    """A value the fast writer does not take as it is: eth_abi encodes it (or says why not)."""


WordWriter = Callable[[Any, list[bytes]], None]


def _static_writer(kind: ABIType) -> WordWriter | None:
    """A writer of one value of a static type as 32-byte words, for unsigned integers, bytesN
    given as exactly N bytes, and tuples of those; None for other types. A value of another
    Python type or out of range raises _NotCovered."""
    if kind.arrlist or kind.is_dynamic:
        return None
    if isinstance(kind, TupleType):
        writers = [_static_writer(c) for c in kind.components]
        if any(w is None for w in writers):
            return None

        def write_tuple(value: Any, out: list[bytes]) -> None:
            if type(value) not in (tuple, list) or len(value) != len(writers):
                raise _NotCovered
            for writer, item in zip(writers, value, strict=True):
                writer(item, out)  # type: ignore[misc]

        return write_tuple
    if not isinstance(kind, BasicType):
        return None
    base, sub = kind.base, kind.sub
    if base == "uint" and isinstance(sub, int):
        bound = 1 << sub

        def write_uint(value: Any, out: list[bytes]) -> None:
            if type(value) is not int or not 0 <= value < bound:
                raise _NotCovered
            out.append(value.to_bytes(32, "big"))

        return write_uint
    if base == "bytes" and isinstance(sub, int):
        padding = bytes(32 - sub)

        def write_bytes(value: Any, out: list[bytes]) -> None:
            if type(value) is not bytes or len(value) != sub:
                raise _NotCovered
            out.append(value + padding)

        return write_bytes
    return None


def _inputs_writer(types: Sequence[str]) -> Callable[[Sequence[Any]], bytes] | None:
    """A writer of call arguments when each is one of `_static_writer`'s types or a dynamic
    array of one; None otherwise. Raises _NotCovered for a value it does not take as it is."""
    parts: list[tuple[WordWriter, bool]] = []  # (writer of the value or of one item, is an array)
    for kind in (parse(t) for t in types):
        if kind.arrlist and len(kind.arrlist) == 1 and not kind.arrlist[0]:
            item = _static_writer(kind.item_type)
            if item is None:
                return None
            parts.append((item, True))
        else:
            static = _static_writer(kind)
            if static is None:
                return None
            parts.append((static, False))
    if not parts:
        return None

    def write(args: Sequence[Any]) -> bytes:
        if len(args) != len(parts):
            raise _NotCovered
        heads: list[bytes | None] = []  # None: the offset of the next array's tail
        tails: list[bytes] = []
        for (writer, is_array), value in zip(parts, args, strict=True):
            if not is_array:
                writer(value, heads)  # type: ignore[arg-type]
                continue
            if type(value) not in (list, tuple):
                raise _NotCovered
            words = [len(value).to_bytes(32, "big")]
            for item in value:
                writer(item, words)
            tails.append(b"".join(words))
            heads.append(None)
        offset = 32 * len(heads)
        lengths = iter(len(tail) for tail in tails)
        out = []
        for word in heads:
            if word is None:
                out.append(offset.to_bytes(32, "big"))
                offset += next(lengths)
            else:
                out.append(word)
        return b"".join(out) + b"".join(tails)

    return write


def _word(data: bytes, at: int) -> int:
    if at + 32 > len(data):
        raise ValueError(f"word at {at} is past the end of {len(data)} bytes")
    return int.from_bytes(data[at : at + 32], "big")


def _dynamic_reader(kind: ABIType) -> Callable[[bytes, int], Any] | None:
    """A reader of one dynamic value whose tail starts at `start`: `bytes`, `string`, or an
    array of one static type; None for other dynamic types."""
    if isinstance(kind, BasicType) and not kind.arrlist and kind.base in ("bytes", "string") and kind.sub is None:
        text = kind.base == "string"

        def read_bytes(data: bytes, start: int) -> Any:
            length = _word(data, start)
            if start + 32 + length > len(data):
                raise ValueError(f"{length} bytes at {start} run past the end")
            raw = bytes(data[start + 32 : start + 32 + length])
            return raw.decode("utf-8") if text else raw  # a UnicodeDecodeError is a ValueError

        return read_bytes
    if kind.arrlist and len(kind.arrlist[-1]) == 0:
        item = kind.item_type
        read_item = _static_reader(item)
        if read_item is None or item.is_dynamic:
            return None
        size = 32 * _static_words(item)

        def read_array(data: bytes, start: int) -> Any:
            length = _word(data, start)
            if start + 32 + length * size > len(data):
                raise ValueError(f"{length} items at {start} run past the end")
            return tuple(read_item(data, start + 32 + i * size)[0] for i in range(length))

        return read_array
    return None


def _tuple_reader(types: Sequence[str]) -> Callable[[bytes], tuple[Any, ...]] | None:
    """A reader of ABI-encoded values of `types` (heads, then the tails of the dynamic ones)
    when the dynamic ones are `bytes`, `string` or arrays of a static type; None otherwise.

    Events are read by the thousand (the indexer, evidence timelines): eth_abi's decoder checks
    every pointer and padding byte and costs ~0.5 ms for an EvidenceAppended log, this a few
    tens of microseconds. An offset or length out of range raises ValueError; the caller then
    lets eth_abi decode, for its exact error.
    """
    parts: list[tuple[WordReader | None, Callable[[bytes, int], Any] | None]] = []
    head = 0
    for kind in (parse(t) for t in types):
        if kind.is_dynamic:
            dynamic = _dynamic_reader(kind)
            if dynamic is None:
                return None
            parts.append((None, dynamic))
            head += 32
        else:
            static = _static_reader(kind)
            if static is None:
                return None
            parts.append((static, None))
            head += 32 * _static_words(kind)

    def read(data: bytes) -> tuple[Any, ...]:
        if len(data) < head:
            raise ValueError(f"{len(data)} bytes, {head} expected at least")
        values = []
        at = 0
        for static, dynamic in parts:
            if static is not None:
                value, at = static(data, at)
            else:
                assert dynamic is not None
                value = dynamic(data, _word(data, at))
                at += 32
            values.append(value)
        return tuple(values)

    return read


@dataclass(frozen=True)
class FunctionCodec:
    """Encodes the call data of one function and decodes what it returns."""

    name: str
    selector: bytes
    input_types: tuple[str, ...]
    output_types: tuple[str, ...]
    _fast_outputs: WordReader | None = None
    _fast_dynamic_outputs: Callable[[bytes], tuple[Any, ...]] | None = None
    _fast_inputs: Callable[[Sequence[Any]], bytes] | None = None

    def encode(self, *args: Any) -> bytes:
        """The call data; UnencodableArguments when `args` do not fit the function's types."""
        if self._fast_inputs is not None:
            try:
                return self.selector + self._fast_inputs(args)
            except _NotCovered:
                pass
        try:
            return self.selector + abi_encode(list(self.input_types), list(args))
        except (EncodingError, TypeError, ValueError) as exc:  # eth_abi's exact reason, kept as the cause
            raise UnencodableArguments(self.name, ",".join(self.input_types), exc) from exc

    def call_data(self, *args: Any) -> str:
        """`0x`-prefixed call data, as JSON-RPC takes it."""
        return "0x" + self.encode(*args).hex()

    def decode(self, data: bytes) -> Any:
        """The return value like web3's `call()`: one output as itself, several as a tuple.

        Raises UndecodableData when `data` is not what the ABI says the function returns.
        """
        try:
            if self._fast_outputs is not None:
                values, _ = self._fast_outputs(data, 0)
            elif self._fast_dynamic_outputs is not None:
                try:
                    values = self._fast_dynamic_outputs(data)
                except ValueError:  # eth_abi decides, with its exact error
                    values = abi_decode(list(self.output_types), data)
            else:
                values = abi_decode(list(self.output_types), data)
        except (DecodingError, ValueError) as exc:
            raise UndecodableData(f"what {self.name} returned ({len(data)} bytes)", exc) from exc
        return values[0] if len(values) == 1 else tuple(values)


def function_codec(item: AbiItem) -> FunctionCodec:
    """The codec of one ABI function item, with the fast paths its types allow."""
    inputs = tuple(abi_type(p) for p in item.get("inputs", []))
    outputs = tuple(abi_type(p) for p in item.get("outputs", []))
    static_outputs = _outputs_reader(outputs)
    return FunctionCodec(
        name=item["name"],
        selector=keccak(text=signature(item))[:4],
        input_types=inputs,
        output_types=outputs,
        _fast_outputs=static_outputs,
        _fast_dynamic_outputs=None if static_outputs or not outputs else _tuple_reader(outputs),
        _fast_inputs=_inputs_writer(inputs),
    )


class ContractCodec:
    """The functions, events and structs of one contract's ABI."""

    def __init__(self, name: str, abi: Sequence[AbiItem]) -> None:
        self.name = name
        self._functions: dict[str, FunctionCodec] = {}
        self._events: dict[str, bytes] = {}
        self._event_items: dict[str, AbiItem] = {}
        self._structs: dict[str, list[AbiItem]] = {}
        for item in abi:
            if item.get("type") == "function":
                if item["name"] in self._functions:
                    raise ConfigurationError(f"{name}.{item['name']} is overloaded; the codec needs unique names")
                self._functions[item["name"]] = function_codec(item)
            elif item.get("type") == "event":
                self._events[item["name"]] = keccak(text=signature(item))
                self._event_items[item["name"]] = item
            for param in [*item.get("inputs", []), *item.get("outputs", [])]:
                self._collect_structs(param)

    def _collect_structs(self, param: AbiItem) -> None:
        internal = str(param.get("internalType", ""))
        if internal.startswith("struct "):
            struct = internal.removeprefix("struct ").split(".")[-1].split("[")[0]
            self._structs.setdefault(struct, param["components"])
        for component in param.get("components", []):
            self._collect_structs(component)

    def function(self, name: str) -> FunctionCodec:
        try:
            return self._functions[name]
        except KeyError:
            raise ConfigurationError(f"{self.name} has no function {name} (is the build output current?)") from None

    def event_topic(self, name: str) -> bytes:
        try:
            return self._events[name]
        except KeyError:
            raise ConfigurationError(f"{self.name} has no event {name} (is the build output current?)") from None

    def event_decoder(self, name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """A decoder of JSON-RPC logs of event `name` into its arguments by name (indexed
        arguments from the topics, the others from the data)."""
        item = self._event_items.get(name)
        if item is None:
            raise ConfigurationError(f"{self.name} has no event {name} (is the build output current?)")
        inputs = item.get("inputs", [])
        indexed = [(p["name"], abi_type(p)) for p in inputs if p.get("indexed")]
        plain = [(p["name"], abi_type(p)) for p in inputs if not p.get("indexed")]
        topic = self._events[name]
        topic_readers = [_static_reader(parse(kind)) for _, kind in indexed]
        read_data = _tuple_reader([t for _, t in plain])

        def decode(log: dict[str, Any]) -> dict[str, Any]:
            try:
                return read(log)
            except (DecodingError, ValueError, KeyError, TypeError) as exc:
                raise UndecodableData(f"a {name} log of {self.name}", exc) from exc

        def read(log: dict[str, Any]) -> dict[str, Any]:
            topics = [bytes.fromhex(str(t)[2:]) for t in log["topics"]]
            if not topics or topics[0] != topic or len(topics) != len(indexed) + 1:
                raise ValueError(f"log is not a {name} event of {self.name}")
            values: dict[str, Any] = {
                key: reader(word, 0)[0] if reader is not None and len(word) == 32 else abi_decode([kind], word)[0]
                for (key, kind), word, reader in zip(indexed, topics[1:], topic_readers, strict=True)
            }
            data = bytes.fromhex(str(log["data"])[2:])
            try:
                if read_data is None:
                    raise ValueError("not covered by the fast reader")
                decoded = read_data(data)
            except ValueError:  # eth_abi decides, with its own error for a malformed log
                decoded = abi_decode([t for _, t in plain], data)
            values.update(zip((k for k, _ in plain), decoded, strict=True))
            return values

        return decode

    def struct_type(self, name: str) -> str:
        """The EIP-712 encoding of struct `name`: `Name(type1 field1,...)`, then the structs it
        uses, sorted by name, as EIP-712 asks."""
        used = self._used_structs(name, set())
        return self._struct_member_list(name) + "".join(self._struct_member_list(s) for s in sorted(used - {name}))

    def _struct_member_list(self, name: str) -> str:
        try:
            components = self._structs[name]
        except KeyError:
            raise ConfigurationError(f"{self.name} has no struct {name}") from None
        fields = ",".join(f"{self._eip712_type(c)} {c['name']}" for c in components)
        return f"{name}({fields})"

    def _eip712_type(self, param: AbiItem) -> str:
        internal = str(param.get("internalType", ""))
        if internal.startswith("struct "):
            return internal.removeprefix("struct ").split(".")[-1]
        if internal.startswith("enum "):
            return "uint8"
        return str(param["type"])

    def _used_structs(self, name: str, seen: set[str]) -> set[str]:
        seen.add(name)
        for c in self._structs.get(name, []):
            internal = str(c.get("internalType", ""))
            if internal.startswith("struct "):
                inner = internal.removeprefix("struct ").split(".")[-1].split("[")[0]
                if inner not in seen:
                    self._used_structs(inner, seen)
        return seen
