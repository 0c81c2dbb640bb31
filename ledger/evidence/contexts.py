"""JSON-LD contexts as the ledger accepts them: the EPCIS 2.0 context URL and inline prefixes.

No context is ever fetched: a context URL other than the EPCIS 2.0 one is refused, and inline
contexts may only map prefixes to IRIs (no JSON-LD keywords such as `@vocab`). Every prefix a key
uses must be declared. The context is the document's: an event inside a document may not have its
own (GS1's event hash reference would hash it as a field); an event given alone may.

A context given with new events meets stricter rules (`check_new_context`): one of the EPCIS 2.0
context's two URLs, not both; a prefix is a name without `:` or `/` not starting with `@`, its
IRI an absolute one as JSON-LD reads it, containing `://`; a term the EPCIS 2.0 context protects
keeps its meaning (wherever the inline context stands); sanzhi's namespace is named by the prefix
`sanzhi` only (no other prefix maps to it, or to a part of it). Each is a pattern or a list here,
which `ledger.evidence.stated` states as JSON Schema too. An event recorded before is still hashed
under the rules it was recorded under (a proof bundle's).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from ledger.errors import InvalidInput
from ledger.evidence.vocabulary import (
    CUSTOMS_NAMESPACE,
    CUSTOMS_PREFIX,
    EPCIS_CONTEXT,
    EPCIS_CONTEXT_DRAFT,
    STANDARD_CONTEXTS,
)

# the context files GS1's event hash reference ships, by URL (read offline, never fetched)
CONTEXT_FILES = {
    EPCIS_CONTEXT_DRAFT: "14b10c9d3e92d35f577bfc610fe5ec15aa2941124987919389d7cd9998516861.jsonld",
    EPCIS_CONTEXT: "e532647e8eb371379b8b0e8602d8981c8566bc60f7351f22c76a5bc865962008.jsonld",
}
# what Python's `\s` (JSON-LD's reading of an IRI, PyLD) calls white space, spelled out so the
# pattern reads the same as an ECMAScript regular expression (JSON Schema's)
WHITE_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PREFIX_NAME_PATTERN = r"^[^:/@][^:/]*$"
"""A prefix an inline context declares: JSON-LD reads a term with `:` or `/` as an IRI, one
starting with `@` as a keyword, and refuses an empty one."""
PREFIX_IRI_PATTERN = rf"^(?:[A-Za-z][A-Za-z0-9+,.-]*|_):(?://|[^{WHITE_SPACE}]*://)[^{WHITE_SPACE}]*$"
"""The IRI a prefix maps to: absolute as JSON-LD reads one (a scheme, `:`, no white space), and
with `://` in it."""
PREFIX_NAME = re.compile(PREFIX_NAME_PATTERN)
PREFIX_IRI = re.compile(PREFIX_IRI_PATTERN)

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


def check_new_context(given: Any) -> None:
    """The stricter rules a context given with new events meets (ledger.evidence.epcis.parse_epcis),
    beyond what `resolve_contexts` takes of one already recorded (a proof bundle's event is hashed
    under the rules it was recorded under): one EPCIS 2.0 context URL, not both; prefixes named as
    JSON-LD reads terms and mapped to IRIs as it reads absolute ones; no protected term redefined
    (even before the EPCIS 2.0 context, where JSON-LD would let that context override it); sanzhi's
    namespace named by `sanzhi` alone."""
    entries = given if isinstance(given, list) else [given] if given is not None else []
    if sum(isinstance(entry, str) for entry in entries) > 1:
        raise InvalidInput(
            "name one EPCIS 2.0 context URL, not both (they define `quantity` differently)", path="@context"
        )
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if bad := [value for value in entry.values() if not PREFIX_IRI.fullmatch(str(value))]:
            raise InvalidInput(
                f"context entry {json.dumps(entry, ensure_ascii=False)[:80]} must map prefixes to IRIs "
                f"(absolute, with ://, without white space: not {json.dumps(bad[0], ensure_ascii=False)[:40]})",
                path="@context",
            )
        _check_prefixes(entry)


def _check_prefixes(entry: Mapping[str, str]) -> None:
    protected = protected_terms()
    for key, value in entry.items():
        if not PREFIX_NAME.fullmatch(key):
            raise InvalidInput(
                f"context key {key!r}: a prefix is a name without ':' or '/' (JSON-LD reads those as IRIs)",
                path="@context",
            )
        if key in protected and protected[key] != value:
            raise InvalidInput(
                f"the @context redefines {key!r}, which the EPCIS 2.0 context protects: declare prefixes "
                "under names of your own",
                path="@context",
            )
        if key == CUSTOMS_PREFIX and value != CUSTOMS_NAMESPACE:
            raise InvalidInput(
                f"the prefix {CUSTOMS_PREFIX!r} names sanzhi's namespace, {CUSTOMS_NAMESPACE}: map it to that",
                path="@context",
            )
        if key != CUSTOMS_PREFIX and reaches_customs(value):
            raise InvalidInput(
                f"context key {key!r}: sanzhi's namespace ({CUSTOMS_NAMESPACE}) is written with the prefix "
                f"{CUSTOMS_PREFIX!r} only",
                path="@context",
            )


def reaches_customs(iri: str) -> bool:
    """Whether a prefix mapped to `iri` could write an IRI of sanzhi's namespace."""
    return CUSTOMS_NAMESPACE.startswith(iri) or iri.startswith(CUSTOMS_NAMESPACE)


@cache
def standard_context_text(url: str) -> str:
    """The EPCIS context file the event hash reference ships for `url` (read once)."""
    return files("epcis_event_hash_generator").joinpath(CONTEXT_FILES[url]).read_text(encoding="utf-8")


@cache
def protected_terms() -> dict[str, Any]:
    """The terms the bundled EPCIS 2.0 contexts define (all protected), with their definitions
    (the two URLs' files define the same terms)."""
    terms: dict[str, Any] = {}
    for url in CONTEXT_FILES:
        defined = json.loads(standard_context_text(url))["@context"]
        terms.update((k, v) for k, v in defined.items() if not k.startswith("@"))
    return terms


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
