"""JSON-LD contexts as the ledger accepts them: the EPCIS 2.0 context URL and inline prefixes.

No context is ever fetched: a context URL other than the EPCIS 2.0 one is refused, and inline
contexts may only map prefixes to IRIs (no JSON-LD keywords such as `@vocab`). Every prefix a key
uses must be declared. The context is the document's: an event inside a document may not have its
own (GS1's event hash reference would hash it as a field); an event given alone may.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ledger.errors import InvalidInput
from ledger.evidence.vocabulary import EPCIS_CONTEXT, STANDARD_CONTEXTS

EVENT_CONTEXT_REFUSED = (
    "an event-level @context is not supported: GS1's event hash reference hashes it as a field of the event; "
    "move the context to the document"
)


def resolve_contexts(document_context: Any, event_context: Any) -> list[Any]:
    """The context of an event as a list, each entry checked: its document's, or for an event
    given alone its own. An event of a document with its own `@context` is refused (GS1's
    reference would hash that context as a field, ledger.evidence.event_hash)."""
    if document_context is not None and event_context is not None:
        raise InvalidInput(EVENT_CONTEXT_REFUSED, path="@context")
    entries: list[Any] = []
    for given in (document_context, event_context):
        if given is None:
            continue
        for entry in given if isinstance(given, list) else [given]:
            if isinstance(entry, str):
                if entry not in STANDARD_CONTEXTS:
                    raise InvalidInput(
                        f"context {entry!r} is not the EPCIS 2.0 context; define prefixes inline instead",
                        path="@context",
                    )
            elif not isinstance(entry, dict) or not all(
                isinstance(key, str) and isinstance(value, str) and "://" in value for key, value in entry.items()
            ):
                raise InvalidInput(
                    f"context entry {json.dumps(entry, ensure_ascii=False)[:80]} must map prefixes to IRIs",
                    path="@context",
                )
            elif keywords := [key for key in entry if key.startswith("@")]:
                raise InvalidInput(
                    f"context key {keywords[0]!r}: an inline context maps prefixes to IRIs, "
                    "JSON-LD keywords are not supported",
                    path="@context",
                )
            if entry not in entries:
                entries.append(entry)
    if not any(isinstance(entry, str) for entry in entries):
        entries.insert(0, EPCIS_CONTEXT)
    return entries


def prefixes_of(contexts: list[Any]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for entry in contexts:
        if isinstance(entry, dict):
            prefixes.update(entry)
    return prefixes


def undeclared_prefixes(value: Any, prefixes: Mapping[str, str], path: str = "$") -> list[tuple[str, str]]:
    """Keys `p:name` whose prefix `p` no context declares (the reference would hash them as
    written, or with a prefix another document declared), and keys written as full IRIs (the
    reference hashes `https://ns/name` differently from the same key written `p:name`)."""
    problems: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            prefix, colon, rest = key.partition(":")
            where = f"{path}[{json.dumps(key, ensure_ascii=False)}]" if colon else f"{path}.{key}"
            if colon and rest.startswith("//"):
                problems.append((where, "write this key with a prefix declared in the @context (prefix:name)"))
            elif colon and prefix not in prefixes:
                problems.append((where, f"prefix {prefix!r} is not declared in the @context"))
            problems.extend(undeclared_prefixes(child, prefixes, where))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            problems.extend(undeclared_prefixes(child, prefixes, f"{path}[{index}]"))
    return problems
