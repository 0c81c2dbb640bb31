"""Salted field hashing: every leaf field hashed with its own salt, a document hash over them.

Scheme (version 1), all hashes keccak256, all JSON canonical (RFC 8785):

- Leaf fields. The document's JSON form (`model_dump(mode="json")`) is flattened into leaves
  named by dotted paths, list elements by index: `exporter.address.city`, `items.0.hs_code`.
  A leaf is a string, number, boolean or null, or an empty list/object.
- Salts. Each leaf gets 16 random bytes, written as 32 lowercase hex characters.
- field_hash = keccak256(JCS([path, salt_hex, value])), e.g. the UTF-8 bytes of
  `["items.0.quantity","00112233445566778899aabbccddeeff","12.5"]`.
- document_hash = keccak256(keccak256(utf8(doc_type)) || h_1 || ... || h_n) where h_1..h_n are
  the 32-byte field hashes of every leaf (visible or hidden), sorted ascending as bytes.
  keccak256(doc_type) is also the on-chain certificate type id, so a certificate of origin can
  never pass as a phytosanitary certificate.

Hiding a field drops its value and salt and keeps only its field hash; the document hash is
unchanged, and without the salt the value cannot be guessed back from the hash.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from sha3 import keccak_256

from ledger.errors import InvalidInput
from ledger.hashing.canonical import canonical_scalar
from ledger.hashing.keccak import keccak256

SALT_BYTES = 16
_HIDDEN = object()
_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True, slots=True)
class SaltedDocument:
    """A document's JSON data with a salt and a field hash per leaf, and its document hash."""

    doc_type: str
    data: dict[str, Any]
    salts: dict[str, str]
    field_hashes: dict[str, bytes]
    document_hash: bytes


@lru_cache(maxsize=256)
def type_id(doc_type: str) -> bytes:
    """keccak256 of the type slug: the on-chain certificate type and the hash domain."""
    return keccak256(doc_type.encode("utf-8"))


def field_hash(path: str, salt_hex: str, value: Any) -> bytes:
    """keccak256 of the canonical JSON `[path, salt_hex, value]`."""
    # path (checked identifier keys and digits) and salt (hex) never need JSON escaping
    return keccak256(f'["{path}","{salt_hex}",{canonical_scalar(value)}]'.encode())


def field_hashes(leaves: Mapping[str, Any], salts: Mapping[str, str]) -> list[bytes]:
    """`field_hash` of every leaf with its salt from `salts`, in one loop (the cost of checking a
    certificate). Raises KeyError for a leaf without a salt, and TypeError or ValueError for a
    value that has no canonical JSON (NaN, a lone surrogate)."""
    hashes: list[bytes] = []
    append = hashes.append
    for path, value in leaves.items():
        text = encode_basestring(value) if type(value) is str else canonical_scalar(value)
        append(keccak_256(f'["{path}","{salts[path]}",{text}]'.encode()).digest())
    return hashes


def document_hash(doc_type: str, field_hashes: Iterable[bytes]) -> bytes:
    """keccak256 of the type id followed by the sorted field hashes."""
    return keccak256(type_id(doc_type) + b"".join(sorted(field_hashes)))


def flatten(data: Mapping[str, Any], *, check_keys: bool = True) -> dict[str, Any]:
    """Leaf fields by dotted path. A null list element is a hidden element and yields nothing.

    Keys must be identifiers, so a path names exactly one place (`a.b` cannot be a key);
    `check_keys=False` skips that check for data our own models produced.
    """
    leaves: dict[str, Any] = {}
    if data:  # no fields at all (a holder hid every one) is no leaf, not one leaf named ""
        _flatten_into(leaves, "", data, check_keys)
    return leaves


def _flatten_into(leaves: dict[str, Any], prefix: str, node: Any, check: bool) -> None:
    if type(node) is dict and node:
        for key, value in node.items():
            if check and (type(key) is not str or not (key.isascii() and key.isidentifier())):
                raise InvalidInput("field names must be identifiers", path=f"{prefix}{key}")
            if type(value) in _SCALARS:  # most leaves: skip a call
                leaves[prefix + key] = value
            else:
                _flatten_into(leaves, f"{prefix}{key}.", value, check)
    elif type(node) is list and node:
        for index, value in enumerate(node):
            if value is not None:
                _flatten_into(leaves, f"{prefix}{index}.", value, check)
    else:
        leaves[prefix[:-1]] = node


def salt_document(
    doc_type: str, data: dict[str, Any], *, random_bytes: Callable[[int], bytes] = os.urandom
) -> SaltedDocument:
    """Salt every leaf of a document's JSON `data` and compute its field hashes and document hash."""
    leaves = flatten(data, check_keys=False)
    # one system call per document; each salt is a 32-character slice of it
    salt_text = random_bytes(SALT_BYTES * len(leaves)).hex()
    width = 2 * SALT_BYTES
    salts = {path: salt_text[i * width : (i + 1) * width] for i, path in enumerate(leaves)}
    hashes = dict(zip(leaves, field_hashes(leaves, salts), strict=True))
    return SaltedDocument(
        doc_type=doc_type,
        data=data,
        salts=salts,
        field_hashes=hashes,
        document_hash=document_hash(doc_type, hashes.values()),
    )


def select_paths(visible: Iterable[str], requested: Iterable[str]) -> set[str]:
    """Leaf paths matched by `requested` paths (a path also matches every leaf under it)."""
    visible = list(visible)
    selected: set[str] = set()
    for path in requested:
        below = path + "."
        matched = [leaf for leaf in visible if leaf == path or leaf.startswith(below)]
        if not matched:
            raise InvalidInput("no visible field at this path", path=path)
        selected.update(matched)
    return selected


def without_paths(data: Mapping[str, Any], hidden: set[str]) -> dict[str, Any]:
    """`data` minus the hidden leaves. Emptied objects are dropped, emptied list slots become
    null, so the index of every other list element is kept."""
    result = _without(dict(data), "", hidden)
    return {} if result is _HIDDEN else dict(result)


def _without(node: Any, prefix: str, hidden: set[str]) -> Any:
    if prefix[:-1] in hidden:
        return _HIDDEN
    if type(node) is dict and node:
        kept = {}
        for key, value in node.items():
            rest = _without(value, f"{prefix}{key}.", hidden)
            if rest is not _HIDDEN:
                kept[key] = rest
        return kept or _HIDDEN
    if type(node) is list and node:
        slots = [
            None if value is None or rest is _HIDDEN else rest
            for index, value in enumerate(node)
            for rest in (_without(value, f"{prefix}{index}.", hidden),)
        ]
        return slots if any(slot is not None for slot in slots) else _HIDDEN
    return node
