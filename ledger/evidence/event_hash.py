"""An EPCIS event's identity: the CBV 2.0 event hash `ni:///sha-256;<64 hex>?ver=CBV2.0`.

Computed by GS1's reference implementation (PyPI epcis-event-hash-generator 1.9.3), never
re-implemented here, so every party that runs the reference gets the same hash. What the
algorithm does, in short: it joins `key=value` pairs of the event's fields in a fixed order
(the standard fields, then extension fields sorted by their full IRI), with bare CBV words and
URNs turned into their web URIs, EPC URNs into GS1 Digital Link URIs, times into UTC at
millisecond precision, and numbers (and digit-only strings) read as numbers; list order does
not count; `recordTime`, `eventID` and `errorDeclaration` are left out, so an error declaration
names the same event as the one it corrects. Its SHA-256 digest is what goes on chain.

How we call it, and why:

- The event is validated against the EPCIS 2.0 JSON Schema first: the reference reads a time
  without an offset in the machine's local time zone, and quietly drops an event it cannot read.
- The event is hashed inside an EPCISDocument whose `@context` is the event's own (or the one
  given): the reference would otherwise hash an event-level `@context` as if it were a field,
  and it resolves extension prefixes only from the document's context.
- Contexts are the EPCIS 2.0 context URL (read from the reference's own copy, never fetched)
  and objects mapping prefixes to IRIs; any other context is refused, since the reference
  would fetch it from the network. Every prefix used in a key must be declared.
- The reference keeps module-level state (the prefixes of the last document it read, its join
  string) and sets JSON-LD's global document loader when imported: calls are serialised with a
  lock, the prefixes are cleared before each call, and our loader (offline, no deprecated API)
  replaces its own.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from epcis_event_hash_generator import hash_generator, json_to_py
from pyld import jsonld

from ledger.errors import InvalidDocument, InvalidInput
from ledger.evidence.contexts import prefixes_of, resolve_contexts, undeclared_prefixes
from ledger.evidence.schema import schema_problems
from ledger.evidence.vocabulary import EPCIS_CONTEXT, EPCIS_CONTEXT_DRAFT

NI_PREFIX = "ni:///sha-256;"
NI_SUFFIX = "?ver=CBV2.0"
# the context files the reference ships, by URL (read offline)
_CONTEXT_FILES = {
    EPCIS_CONTEXT_DRAFT: "14b10c9d3e92d35f577bfc610fe5ec15aa2941124987919389d7cd9998516861.jsonld",
    EPCIS_CONTEXT: "e532647e8eb371379b8b0e8602d8981c8566bc60f7351f22c76a5bc865962008.jsonld",
}
# Serialises calls into the reference, whose module-level state is not thread-safe.
_REFERENCE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class EventHash:
    """An event hash: `ni` as the standard writes it, `digest` the 32 bytes recorded on chain."""

    ni: str
    digest: bytes

    @classmethod
    def from_ni(cls, text: str) -> EventHash:
        """Parse `ni:///sha-256;<64 lowercase hex>?ver=CBV2.0`."""
        hex_part = text.removeprefix(NI_PREFIX).removesuffix(NI_SUFFIX)
        if (
            not text.startswith(NI_PREFIX)
            or not text.endswith(NI_SUFFIX)
            or len(hex_part) != 64
            or hex_part.strip("0123456789abcdef")
        ):
            raise InvalidInput(f"{text!r} is not an event hash ni:///sha-256;<64 hex>?ver=CBV2.0", path="eventHash")
        return cls(ni=text, digest=bytes.fromhex(hex_part))

    @property
    def hex(self) -> str:
        return "0x" + self.digest.hex()


def event_hash(event: Mapping[str, Any], *, context: Any = None, validate: bool = True) -> EventHash:
    """The CBV 2.0 hash of one EPCIS event (a JSON object).

    `context` is the `@context` of the document the event came from; the event's own
    `@context`, if any, is added to it; with neither, the EPCIS 2.0 context. Raises
    InvalidDocument listing every problem (with its JSON path) of an invalid event.

    `validate=False` skips the JSON Schema check (most of the cost): for checking that an
    event given with a proof bundle is the one anchored, only its hash matters.
    """
    text = pre_hash(event, context=context, validate=validate)
    return EventHash.from_ni(str(hash_generator.calculate_hashes_from_pre_hashes([text], "sha256")[0]))


def pre_hash(event: Mapping[str, Any], *, context: Any = None, validate: bool = True) -> str:
    """The reference's pre-hash string of a valid event: the text whose SHA-256 is its hash."""
    contexts = resolve_contexts(context, event.get("@context"))
    body = {key: value for key, value in event.items() if key != "@context"}
    problems = schema_problems({"@context": contexts, **body}) if validate else []
    problems.extend(undeclared_prefixes(body, prefixes_of(contexts)))
    if problems:
        raise InvalidDocument(problems)
    document = {
        "@context": contexts,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "1970-01-01T00:00:00Z",
        "epcisBody": {"eventList": [copy.deepcopy(body)]},
    }
    with _REFERENCE_LOCK:
        jsonld.set_document_loader(_offline_loader)
        json_to_py._namespaces.clear()
        events = json_to_py.event_list_from_epcis_document_json(document)
        texts = hash_generator.derive_prehashes_from_events(events)
    if len(texts) != 1:  # the reference logs and skips an event it fails on
        raise InvalidInput(
            "the EPCIS event hash reference cannot hash this event (a time whose fraction of a second "
            "rounds up to the next second, .9995 or more, or a value it reads as an infinite number, such as 'inf')",
            path="$",
        )
    return str(texts[0])


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """JSON-LD document loader that serves the reference's bundled EPCIS contexts and nothing else."""
    name = _CONTEXT_FILES.get(url)
    if name is None:
        raise jsonld.JsonLdError(
            f"sanzhi does not fetch JSON-LD contexts: {url}", "jsonld.LoadDocumentError", code="loading document failed"
        )
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": _context(name)}


@lru_cache(maxsize=8)
def _context_text(name: str) -> str:
    """A bundled context file's text, read once (the reference resolves contexts on every hash)."""
    return files("epcis_event_hash_generator").joinpath(name).read_text(encoding="utf-8")


def _context(name: str) -> Any:
    return json.loads(_context_text(name))  # a fresh object each time: PyLD may keep or change it
