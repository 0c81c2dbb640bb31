"""An EPCIS event's identity: the CBV 2.0 event hash `ni:///sha-256;<64 hex>?ver=CBV2.0`.

Computed by GS1's reference implementation (PyPI epcis-event-hash-generator 1.9.3), never
re-implemented here, so every party that runs the reference gets the same hash. What the
algorithm does, in short: it joins `key=value` pairs of the event's fields in a fixed order
(the standard fields, then extension fields sorted by their full IRI), with bare CBV words and
URNs turned into their web URIs, EPC URNs into GS1 Digital Link URIs, times into UTC at
millisecond precision, and numbers (and digit-only strings) read as numbers; list order does
not count; `recordTime`, `eventID` and `errorDeclaration` are left out, so an error declaration
names the same event as the one it corrects. Its SHA-256 digest is what goes on chain.

The rule: the hash we record for an event is the one the reference's command line computes
from the document as submitted, or the event is refused with the reason; never another hash.
How we call it, and why:

- The event is validated against the EPCIS 2.0 JSON Schema first: the reference reads a time
  without an offset in the machine's local time zone, and quietly drops an event it cannot read
  (that event is refused, with what the reference said); text that is not Unicode (a lone
  surrogate), which its hashing would fail on, is refused too.
- An event is hashed on its own, inside an EPCISDocument carrying the `@context` of the
  document it came from, so that anyone holding just the event (a proof bundle) gets its hash
  back. An event given alone (not in a document) is its own document: its `@context` is the
  document's (the EPCIS 2.0 context when it has none).
- An event inside a document may not carry its own `@context`: the reference resolves
  prefixes only from the document's context and hashes an event-level `@context` as if it
  were a field; it is refused (move the context to the document).
- Since the reference reads a document as a whole (bare words are matched against the CBV
  IRIs found anywhere in it, prefixes come from the document's context), `document_pre_hashes`
  runs it on the whole document as submitted, the way its command line does, and
  `parse_epcis` (ledger.evidence.epcis) refuses an event whose hash there is not its hash on
  its own. A document with a `...:ignoreFields` list is refused too: the reference's newer,
  unreleased sources leave those fields out of the hash, 1.9.3 does not.
- Contexts are the EPCIS 2.0 context URL (read from the reference's own copy, never fetched)
  and objects mapping prefixes to IRIs; any other context is refused, since the reference
  would fetch it from the network. Every prefix used in a key must be declared. A context
  redefining a term the EPCIS 2.0 context protects (`type`, `bizStep`, `gs1` ...) is refused
  with that term named; any other JSON-LD error is one InvalidInput line too.
- The reference keeps module-level state (the prefixes of the last document it read, its join
  string) and sets JSON-LD's global document loader when imported: calls are serialised with a
  lock, the prefixes are cleared before each call, and our loader (offline, no deprecated API)
  replaces its own.
- The reference logs through the root logger's functions (`logging.debug` even configures the
  root logger, a stderr handler for every library, when nothing has): its modules' `logging`
  is replaced by a stand-in that, during our calls, logs nothing and keeps its warnings and
  errors only to explain a refusal (at other times it passes them to `logging` unchanged).
  Logging's configuration is never touched; nothing of the reference reaches the user's log or
  terminal, and its failures, JSON-LD's included, are one-line LedgerErrors.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from epcis_event_hash_generator import (
    dl_normaliser,
    events_from_file_reader,
    file_document_loader,
    hash_generator,
    json_to_py,
    xml_to_py,
)
from pyld import jsonld

from ledger.errors import InvalidDocument, InvalidInput, LedgerError
from ledger.evidence.contexts import (
    CONTEXT_FILES,
    prefixes_of,
    protected_terms,
    resolve_contexts,
    standard_context_text,
    undeclared_prefixes,
)
from ledger.evidence.schema import schema_problems

NI_PREFIX = "ni:///sha-256;"
NI_SUFFIX = "?ver=CBV2.0"
# Serialises calls into the reference, whose module-level state is not thread-safe.
_REFERENCE_LOCK = threading.Lock()
CANNOT_HASH = (
    "the EPCIS event hash reference cannot hash this event (a time whose fraction of a second "
    "rounds up to the next second, .9995 or more, or a value it reads as an infinite number, such as 'inf')"
)

NOT_UNICODE = (
    "a text of this event is not Unicode (it has a lone surrogate, such as \\ud800): "
    "the EPCIS event hash reference cannot hash it"
)


class _ReferenceLogging:
    """What the reference's modules see as `logging`. During our calls (in the thread holding
    the lock) its records are kept, warnings and errors only, to explain a refusal, and go
    nowhere else; at any other time they go to `logging` as the reference intends."""

    def __init__(self) -> None:
        self.owner: int | None = None  # the thread in one of our calls
        self.kept: list[tuple[int, str, tuple[Any, ...]]] = []

    def _log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        if self.owner != threading.get_ident():
            kwargs.setdefault("stacklevel", 3)  # names the reference's function, not ours
            logging.log(level, msg, *args, **kwargs)
        elif level >= logging.WARNING:
            self.kept.append((level, str(msg), args))

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._log(logging.DEBUG, msg, *args, **kwargs)

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._log(logging.INFO, msg, *args, **kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._log(logging.WARNING, msg, *args, **kwargs)

    def error(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._log(logging.ERROR, msg, *args, **kwargs)

    def critical(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self._log(logging.CRITICAL, msg, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # constants and anything else of `logging`
        return getattr(logging, name)


_REFERENCE_LOG = _ReferenceLogging()
for _module in (dl_normaliser, events_from_file_reader, file_document_loader, hash_generator, json_to_py, xml_to_py):
    _module.logging = _REFERENCE_LOG


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

    @classmethod
    def of_pre_hash(cls, text: str) -> EventHash:
        """The hash of a pre-hash string (what `pre_hash` returns)."""
        return cls.from_ni(str(hash_generator.calculate_hashes_from_pre_hashes([text], "sha256")[0]))

    @property
    def hex(self) -> str:
        return "0x" + self.digest.hex()


def event_hash(event: Mapping[str, Any], *, context: Any = None, validate: bool = True) -> EventHash:
    """The CBV 2.0 hash of one EPCIS event (a JSON object).

    `context` is the `@context` of the document the event came from; an event of a document
    may not have its own `@context` (refused). An event given alone (`context` None) may have
    one, which is then its document's. With neither, the EPCIS 2.0 context. Raises
    InvalidDocument listing every problem (with its JSON path) of an invalid event, and
    InvalidInput (one line) when the reference cannot hash it.

    `validate=False` skips the JSON Schema check (most of the cost): for checking that an
    event given with a proof bundle is the one anchored, only its hash matters.
    """
    return EventHash.of_pre_hash(pre_hash(event, context=context, validate=validate))


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
    (text,) = _run_reference(document)
    if isinstance(text, InvalidInput):
        raise text
    return text


def document_pre_hashes(document: Mapping[str, Any]) -> list[str | InvalidInput]:
    """The pre-hash string of every event of an EPCISDocument as submitted, as the reference's
    command line computes it from the document's JSON (the whole document read at once); for an
    event it cannot hash, the InvalidInput saying so. The document must have passed the schema.

    Raises InvalidDocument for a document asking for fields to be left out of the hash
    (`...:ignoreFields`, read only by the reference's unreleased sources), InvalidInput when
    JSON-LD cannot read it (a protected term redefined)."""
    ignored = [key for key in document if key.partition(":")[2] == "ignoreFields"]
    if ignored:
        raise InvalidDocument(
            [
                (
                    f"$[{json.dumps(key, ensure_ascii=False)}]",
                    "GS1's event hash reference leaves the fields listed here out of the hash only in its "
                    "sources after 1.9.3, which sanzhi runs, so an event's id would depend on the reference "
                    "version: remove the list",
                )
                for key in ignored
            ]
        )
    return _run_reference(json.loads(json.dumps(dict(document), ensure_ascii=False)))


def difference(alone: str, in_document: str) -> str:
    """Where two pre-hash strings of one event differ, for a reason a user can act on."""
    at = next((i for i, (a, b) in enumerate(zip(alone, in_document, strict=False)) if a != b), None)
    if at is None:
        at = min(len(alone), len(in_document))
    brace = alone.rfind("{", max(0, at - 80), at)  # from the extension field's key, if there is one
    start = brace if brace >= 0 else max(0, at - 25)
    end = at + 60

    def part(text: str) -> str:
        return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")

    return f"{part(in_document)!r} in the document, {part(alone)!r} alone"


def _run_reference(document: dict[str, Any]) -> list[str | InvalidInput]:
    """The reference's pre-hash of every event of `document` (which it may change)."""
    texts: list[str | InvalidInput] = []
    with _reference() as kept:
        events = json_to_py.event_list_from_epcis_document_json(document)
        for event in events[2]:
            kept.clear()
            found = hash_generator.derive_prehashes_from_events(("EventList", "", [event]))
            if len(found) == 1 and _is_unicode(str(found[0])):
                texts.append(str(found[0]))
            elif len(found) == 1:  # the reference's hashing (UTF-8) would fail
                texts.append(InvalidInput(NOT_UNICODE, path="$"))
            else:  # the reference logs and skips an event it fails on
                said = [args[-1] for level, _, args in kept if level >= logging.ERROR and args]
                reason = f"{CANNOT_HASH}; it says: {_one_line(said[-1])}" if said else CANNOT_HASH
                texts.append(InvalidInput(reason, path="$"))
    return texts


@contextmanager
def _reference() -> Iterator[list[tuple[int, str, tuple[Any, ...]]]]:
    """One call into the reference: serialised, its state reset, its log kept from the user
    (the warnings and errors it logs, as (level, message, arguments)), its failures (JSON-LD's
    included) turned into InvalidInput."""
    with _REFERENCE_LOCK:
        jsonld.set_document_loader(_offline_loader)
        json_to_py._namespaces.clear()
        _REFERENCE_LOG.kept = []
        _REFERENCE_LOG.owner = threading.get_ident()
        try:
            yield _REFERENCE_LOG.kept
        except LedgerError:
            raise
        except jsonld.JsonLdError as exc:
            raise _jsonld_refusal(exc) from None
        except Exception as exc:  # the reference's own failure, never a traceback for the user
            raise InvalidInput(
                f"GS1's event hash reference cannot read this input: {_one_line(exc)}", path="$"
            ) from None
        finally:
            _REFERENCE_LOG.owner = None
            _REFERENCE_LOG.kept = []


def _jsonld_refusal(error: Any) -> InvalidInput:
    """One line for a JSON-LD error: a redefined protected term is named."""
    details = error.details if isinstance(error.details, dict) else {}
    local = details.get("context")
    if error.code == "protected term redefinition" and isinstance(local, dict):
        protected = protected_terms()
        terms = [key for key, value in local.items() if key in protected and protected[key] != value]
        if terms:
            named = ", ".join(repr(term) for term in terms)
            return InvalidInput(
                f"the @context redefines {named}, which the EPCIS 2.0 context protects: declare prefixes "
                "under names of your own",
                path="@context",
            )
    message = error.args[0] if error.args else "error"
    code = f" ({error.code})" if error.code else ""
    return InvalidInput(f"JSON-LD cannot read this document: {_one_line(message)}{code}", path="@context")


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _one_line(value: Any) -> str:
    text = f"{type(value).__name__}: {value}" if isinstance(value, BaseException) else str(value)
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:197] + "..."


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """JSON-LD document loader that serves the reference's bundled EPCIS contexts and nothing else."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(
            f"sanzhi does not fetch JSON-LD contexts: {url}", "jsonld.LoadDocumentError", code="loading document failed"
        )
    document = json.loads(standard_context_text(url))  # a fresh object each time: PyLD may keep or change it
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


jsonld.set_document_loader(_offline_loader)  # at import, as the reference sets its own; again before each call
