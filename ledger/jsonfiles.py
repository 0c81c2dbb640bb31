"""The strict JSON reader for every input a user or a partner hands us.

Python's `json` lets the last of two equal object keys win silently, and parses nesting
recursively: a document nested tens of thousands of levels deep exhausts the stack (and, where a
dependency raised the recursion limit, crashes the process). `loads_strict` bounds the size and
the nesting depth before parsing, with a scan that does not recurse, refuses duplicate keys
naming the key and its JSON path, and reports invalid JSON with its line and column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ledger.errors import InvalidJson

MAX_DEPTH = 64
MAX_BYTES = 64 * 1024 * 1024

# A complete string (possessive, so that a long string cannot backtrack), an opening or a
# closing bracket, or a quote that opens a string never closed.
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[{]|[\]}]|"')
_NOT_STRUCTURE_BYTES = bytes(b for b in range(256) if b not in b'[]{}":')
_INNERMOST = re.compile(r"\[\]|\{\}")


def loads_strict(text: str | bytes, *, source: str, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """Decode one JSON document; `source` names the input in errors.

    Raises InvalidJson (one line) when the input is larger than `max_bytes`, nested deeper than
    `max_depth` arrays and objects, not valid UTF-8 or JSON, or repeats a key in an object.
    """
    if isinstance(text, bytes):
        if len(text) > max_bytes:
            raise InvalidJson(source, f"larger than {_size(max_bytes)} ({len(text)} bytes)")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJson(source, f"not UTF-8 text (byte {exc.start})") from None
    elif len(text) > max_bytes or (len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes):
        raise InvalidJson(source, f"larger than {_size(max_bytes)}")
    text = text.removeprefix("\ufeff")
    structure = _structure(text)
    if not _nested_within(structure, max_depth):
        _check_depth(text, source, max_depth)  # the exact scan: where it is too deep, or malformed
    keys = 0

    def count_keys(obj: dict[str, Any]) -> dict[str, Any]:
        nonlocal keys
        keys += len(obj)
        return obj

    try:
        data = json.loads(text, object_hook=count_keys)
    except json.JSONDecodeError as exc:
        raise InvalidJson(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:  # not reached after the depth check, unless max_depth is very large
        raise InvalidJson(source, "nested too deeply to parse") from None
    # The text parsed, so it is JSON and every colon outside its strings separates a key from
    # its value: fewer keys in the objects than colons means an object repeated a key.
    if structure.count(":") != keys:
        _refuse_repeated_key(text, source)
    return data


def _structure(text: str) -> str:
    """The brackets and colons outside the strings of `text`, when it is JSON (for other text,
    something the parser then refuses).

    Worked on the UTF-8 bytes, at C speed: a backslash is only ever inside a string, where it
    escapes the next character, so without the escaped backslashes and quotes the quotes
    alternate opening and closing; no byte of a multi-byte character is ASCII.
    """
    raw = text.encode("utf-8", "surrogatepass")
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = raw.translate(None, _NOT_STRUCTURE_BYTES)
    return b"".join(kept.split(b'"')[0::2]).decode("ascii")


def _nested_within(structure: str, max_depth: int) -> bool:
    """Whether the brackets in `structure` are balanced and nested at most `max_depth` deep:
    each pass removes the innermost pairs, one level."""
    brackets = structure.replace(":", "")
    if brackets.count("[") + brackets.count("{") <= max_depth:
        return True  # too few to nest deeper (the parser refuses unbalanced ones)
    for _ in range(max_depth):
        if not brackets:
            return True
        inner = _INNERMOST.sub("", brackets)
        if inner == brackets:
            return False
        brackets = inner
    return not brackets


def _refuse_repeated_key(text: str, source: str) -> None:
    """Parse again keeping each object's pairs, and refuse the first object that repeated a key."""
    # id of an object that repeated a key -> (the key, the object, kept alive so that its id
    # is not reused by a later object when a repeated key of its parent discards it)
    duplicates: dict[int, tuple[str, dict[str, Any]]] = {}

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates[id(obj)] = (key, obj)
                    break
                seen.add(key)
        return obj

    data = json.loads(text, object_pairs_hook=pairs_hook)
    if duplicates:
        key, path = _first_duplicate(data, duplicates)
        raise InvalidJson(source, f"duplicate key {json.dumps(key)} in the object at {path}")
    raise AssertionError("the keys and the colons disagree, yet no object repeated a key")  # pragma: no cover


def load_strict(
    path: Path, *, source: str | None = None, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES
) -> Any:
    """Decode the JSON file at `path` like `loads_strict`; a file larger than `max_bytes` is
    refused before it is read. OSError (missing or unreadable file) is left to the caller."""
    name = source or str(path)
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidJson(name, f"larger than {_size(max_bytes)}")
    return loads_strict(data, source=name, max_depth=max_depth, max_bytes=max_bytes)


def _check_depth(text: str, source: str, max_depth: int) -> None:
    """Refuse nesting deeper than `max_depth` without recursing; brackets in strings do not count."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line, column = _position(text, match.start())
                raise InvalidJson(source, f"nested deeper than {max_depth} levels (at line {line}, column {column})")
        elif token in "]}":
            depth -= 1
        elif token == '"':  # an unterminated string: the parser reports it
            return


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _first_duplicate(data: Any, duplicates: dict[int, tuple[str, dict[str, Any]]]) -> tuple[str, str]:
    """The first object in document order that repeated a key: the key and the object's path."""
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if id(value) in duplicates:
                return duplicates[id(value)][0], path
            stack.extend((child, _child_path(path, key)) for key, child in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]") for i, child in reversed(list(enumerate(value))))
    # An object whose key was repeated and discarded sits in an object that repeated that key,
    # so some recorded object is always reachable from the top.
    raise AssertionError("no recorded duplicate in the document")  # pragma: no cover


def _child_path(path: str, key: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"
