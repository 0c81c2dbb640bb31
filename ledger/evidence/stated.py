"""What the evidence routes accept as an EPCIS body, stated as JSON Schema (2020-12, OpenAPI 3.1's
dialect): GS1's EPCIS 2.0 JSON Schema, the pinned file as it is, and beside it sanzhi's own rules
(`ledger.evidence.epcis.parse_epcis` and what the evidence service checks of an event before it
reads the chain), each derived from the constants the parser checks with, never copied.

`components(ref)` gives every named schema: `EPCIS` (the file's root) and `EPCIS.<definition>` (its
definitions, their `#/definitions/...` references rewritten by `ref`), sanzhi's rules as
`Sanzhi.*`, and the two bodies: `EpcisTradeEvents` (appended events) and `EpcisDecisions`
(customs decisions). The file is draft 07; it uses no keyword whose meaning changed in 2020-12
(no array-form `items`, `additionalItems`, `dependencies`, nor `$ref` beside other keywords), which
`epcis_components` checks, so renaming its definitions is the translation.

Two forms are restated, not copied: the file's two definitions that dispatch on `type` with an
`allOf` of `if`/`then` are written as the equivalent `anyOf` (`_by_type`), which Schemathesis can
generate from, and a time the hash reference cannot read is stated as the one pattern it must
match.

What no JSON Schema can state is left to the parser, and named where the service's fuzz test
lists it (tests/api/test_fuzz.py, PRINCIPLED_REFUSALS): a key's prefix declared in the `@context`
(one field against another; `sanzhi:` on an event's own fields and step is stated), a bare word
that GS1's event hash reference reads differently in a document than alone (one event against
another), a text the reference reads as an infinite number (no regular language), and everything
the chain, the clock and the organisation decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ledger.evidence.contexts import (
    PREFIX_IRI_PATTERN,
    PREFIX_NAME_PATTERN,
    WHITE_SPACE,
    protected_terms,
    reaches_customs,
)
from ledger.evidence.customs import FIELDS, LIST_FIELDS
from ledger.evidence.declarations import DECLARATION_PATTERN, DECLARATION_TYPES, DECLARATION_URN
from ledger.evidence.epcis import (
    DOCUMENT_CONTEXT_REFUSED,
    HASHABLE_TIME_PATTERN,
    HASHED_SENSOR_METADATA_TIMES,
    HASHED_SENSOR_REPORT_TIMES,
    HASHED_TIMES,
)
from ledger.evidence.schema import epcis_schema
from ledger.evidence.vocabulary import (
    CUSTOMS_NAMESPACE,
    CUSTOMS_PREFIX,
    STANDARD_CONTEXTS,
    EventType,
    Step,
)

Ref = Callable[[str], str]
EPCIS = "EPCIS"
TRADE_BODY = "EpcisTradeEvents"
DECISIONS_BODY = "EpcisDecisions"
# draft 07 keywords that 2020-12 reads otherwise or not at all
_CHANGED_KEYWORDS = ("additionalItems", "dependencies", "$schema", "$id", "definitions")
# a key written as a full IRI (`https://...`): refused anywhere in an event (ledger.evidence.contexts)
FULL_IRI_KEY = "^[^:]*://"
# a document-level `...:ignoreFields` list (ledger.evidence.event_hash.document_pre_hashes)
IGNORE_FIELDS_KEY = "^[^:]*:ignoreFields$"
_COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]")


def components(ref: Callable[[str], str] = lambda name: f"#/components/schemas/{name}") -> dict[str, Any]:
    """Every named schema of the statement, by name; `ref(name)` is how one names another."""
    found = epcis_components(ref)
    found.update(_sanzhi(ref))
    for kind, name in ((TRADE, TRADE_BODY), (DECISIONS, DECISIONS_BODY)):
        found[name] = {
            "description": kind.description,
            "allOf": [{"$ref": ref(EPCIS)}, {"$ref": ref(f"Sanzhi.Input.{kind.value}")}],
        }
    return found


def definition_name(name: str) -> str:
    """The component name of one of the file's definitions (`@context` -> `EPCIS._context`)."""
    return f"{EPCIS}.{_COMPONENT_NAME.sub('_', name)}"


def epcis_components(ref: Ref) -> dict[str, Any]:
    """GS1's schema as named schemas: its root as `EPCIS`, each definition as `EPCIS.<name>`, every
    `#/definitions/<name>` reference rewritten to `ref` of that name."""
    schema = epcis_schema()
    definitions: dict[str, Any] = schema.pop("definitions")
    names = {name: definition_name(name) for name in definitions}
    if len(set(names.values())) != len(names):  # pragma: no cover - the pinned file's names are distinct
        raise ValueError("two EPCIS definitions would have one component name")

    def rewrite(node: Any, where: str) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = str(node["$ref"])
                if len(node) != 1 or not target.startswith("#/definitions/"):
                    raise ValueError(f"{where}: a $ref this translation does not know ({node})")
                return {"$ref": ref(names[target.removeprefix("#/definitions/")])}
            if any(k in node for k in _CHANGED_KEYWORDS) or isinstance(node.get("items"), list):
                raise ValueError(f"{where}: a draft 07 keyword whose meaning changed ({node})")
            return {key: rewrite(value, f"{where}/{key}") for key, value in _by_type(node).items()}
        if isinstance(node, list):
            return [rewrite(value, f"{where}/{index}") for index, value in enumerate(node)]
        return node

    root = {key: value for key, value in schema.items() if key not in ("$schema", "$id")}
    root["description"] = f"GS1's EPCIS 2.0 JSON Schema ({schema['$id']}), the file sanzhi validates with"
    found = {EPCIS: rewrite(root, "")}
    found.update((names[name], rewrite(value, f"/definitions/{name}")) for name, value in definitions.items())
    return found


def _by_type(node: dict[str, Any]) -> dict[str, Any]:
    """`node` itself, unless it is an object that requires `type` and dispatches on it with an `allOf`
    of `if` (type is X) / `then` branches, the last for every other type: then the same as an
    `anyOf` of (type is X, and its `then`) branches, which Schemathesis's generator can read (it
    gives up on the `if`s: its canonical form of them grows with every branch)."""
    branches = node.get("allOf")
    if node.get("type") != "object" or "type" not in node.get("required", ()) or not isinstance(branches, list):
        return node
    named: list[tuple[str, Any]] = []
    for branch in branches[:-1]:
        condition = branch.get("if", {}) if isinstance(branch, dict) else {}
        values = condition.get("properties", {}).get("type", {}).get("enum")
        if (
            set(branch) != {"if", "then"}
            or set(condition) - {"type", "properties"}
            or condition.get("type", "object") != "object"
            or not (isinstance(values, list) and len(values) == 1 and set(condition["properties"]) == {"type"})
        ):
            return node
        named.append((values[0], branch["then"]))
    last = branches[-1] if isinstance(branches[-1], dict) else {}
    others = last.get("if", {}).get("not", {})
    if (
        set(last) != {"if", "then"}
        or set(last["if"]) != {"not"}
        or others
        != {
            "type": "object",
            "properties": {"type": {"enum": others.get("properties", {}).get("type", {}).get("enum")}},
        }
        or sorted(others["properties"]["type"]["enum"]) != sorted(name for name, _ in named)
    ):
        return node
    choices = [{"properties": {"type": {"const": name}}, "allOf": [then]} for name, then in named]
    choices.append({"properties": {"type": {"not": {"enum": [name for name, _ in named]}}}, "allOf": [last["then"]]})
    return {**{key: value for key, value in node.items() if key != "allOf"}, "anyOf": choices}


@dataclass(frozen=True)
class Kind:
    """Which route's events: trade events (appended) or customs decisions."""

    value: str
    steps: tuple[Step, ...]
    description: str


TRADE = Kind(
    "trade",
    tuple(step for step in Step if not step.is_customs_decision),
    "An EPCIS 2.0 document or one event (JSON-LD) of trade steps: GS1's schema and sanzhi's rules",
)
DECISIONS = Kind(
    "decisions",
    tuple(step for step in Step if step.is_customs_decision),
    "An EPCIS 2.0 document or one event (JSON-LD) of customs decisions: GS1's schema and sanzhi's rules",
)


def step_forms(steps: Iterable[Step]) -> list[str]:
    """How a step can be written (ledger.evidence.epcis.classify): a CBV step's bare word and URI,
    a sanzhi step's URI and its compact form with the prefix `sanzhi` (the only one that may name
    sanzhi's namespace)."""
    forms: list[str] = []
    for step in steps:
        forms.extend([step.slug, step.uri] if step.is_cbv else [step.uri, f"{CUSTOMS_PREFIX}:BizStep-{step.slug}"])
    return forms


def _escape(text: str) -> str:
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


def _step_value(steps: Iterable[Step]) -> dict[str, Any]:
    return {"enum": step_forms(steps)}


def _sanzhi(ref: Ref) -> dict[str, Any]:
    found: dict[str, Any] = {}
    protected = protected_terms()
    found["Sanzhi.PrefixIri"] = {"type": "string", "pattern": PREFIX_IRI_PATTERN}
    found["Sanzhi.InlineContext"] = {
        "description": "Prefixes mapped to IRIs: no JSON-LD keyword, no term of the EPCIS 2.0 context "
        f"redefined, sanzhi's namespace named by the prefix `{CUSTOMS_PREFIX}` alone",
        "type": "object",
        "propertyNames": {"pattern": PREFIX_NAME_PATTERN},
        "properties": {
            **{
                term: ({"const": value} if isinstance(value, str) and _is_prefix_iri(value) else False)
                for term, value in sorted(protected.items())
            },
            CUSTOMS_PREFIX: {"const": CUSTOMS_NAMESPACE},
        },
        "additionalProperties": {
            "allOf": [{"$ref": ref("Sanzhi.PrefixIri")}, {"not": {"enum": _customs_reaching_iris()}}],
            "not": {"pattern": f"^{_escape(CUSTOMS_NAMESPACE)}"},
        },
    }
    entry = {"anyOf": [{"enum": list(STANDARD_CONTEXTS)}, {"$ref": ref("Sanzhi.InlineContext")}]}
    found["Sanzhi.Context"] = {
        "description": "The EPCIS 2.0 context URL (one of its two, not both) and inline prefixes; no other "
        "context is fetched",
        "anyOf": [
            entry,
            {
                "type": "array",
                "items": entry,
                "anyOf": [{"not": {"contains": {"const": url}}} for url in STANDARD_CONTEXTS],
            },
        ],
    }
    found["Sanzhi.DocumentContext"] = {
        "description": DOCUMENT_CONTEXT_REFUSED,
        "anyOf": [
            {"enum": list(STANDARD_CONTEXTS)},
            {"type": "array", "contains": {"enum": list(STANDARD_CONTEXTS)}},
        ],
    }
    found["Sanzhi.NoFullIriKeys"] = {
        "description": "No key written as a full IRI, at any depth: a key is `prefix:name`",
        "propertyNames": {"not": {"pattern": FULL_IRI_KEY}},
        "additionalProperties": {"$ref": ref("Sanzhi.NoFullIriKeys")},
        "items": {"$ref": ref("Sanzhi.NoFullIriKeys")},
    }
    for model, _, _ in FIELDS.values():
        schema = model.model_json_schema(ref_template=ref("Sanzhi.{model}"))
        for inner, definition in schema.pop("$defs", {}).items():
            found[f"Sanzhi.{inner}"] = definition
        found[f"Sanzhi.{model.__name__}"] = schema
    found["Sanzhi.UsesSanzhi"] = {
        "description": f"An event with a field or a step written with the prefix `{CUSTOMS_PREFIX}`",
        "type": "object",
        "anyOf": [
            *({"required": [f"{CUSTOMS_PREFIX}:{name}"]} for name in FIELDS),
            {"required": ["bizStep"], "properties": {"bizStep": {"type": "string", "pattern": f"^{CUSTOMS_PREFIX}:"}}},
        ],
    }
    found["Sanzhi.DeclaresSanzhi"] = {
        "description": f"A context declaring the prefix `{CUSTOMS_PREFIX}`",
        "anyOf": [
            {"type": "object", "required": [CUSTOMS_PREFIX]},
            {"type": "array", "contains": {"type": "object", "required": [CUSTOMS_PREFIX]}},
        ],
    }
    for kind in (TRADE, DECISIONS):
        found[f"Sanzhi.Event.{kind.value}"] = _event(kind, ref)
        found[f"Sanzhi.Input.{kind.value}"] = _input(kind, ref)
    return found


def _is_prefix_iri(value: str) -> bool:
    return re.fullmatch(PREFIX_IRI_PATTERN, value) is not None


def _customs_reaching_iris() -> list[str]:
    """Every IRI a prefix could map to that starts sanzhi's namespace (`https://` ... the whole)."""
    start = CUSTOMS_NAMESPACE.index("://") + 3
    found = [CUSTOMS_NAMESPACE[:end] for end in range(start, len(CUSTOMS_NAMESPACE) + 1)]
    assert all(reaches_customs(iri) for iri in found)
    return found


def _event(kind: Kind, ref: Ref) -> dict[str, Any]:
    """One event as sanzhi records it on this route."""
    allowed = set(kind.steps)
    properties: dict[str, Any] = {
        "type": {"enum": [event_type.epcis_name for event_type in EventType]},
        "bizStep": _step_value(kind.steps),
        "bizTransactionList": _transactions(kind),
        **{key: _HASHABLE_TIME for key in HASHED_TIMES},
        "sensorElementList": {
            "items": {
                "properties": {
                    "sensorMetadata": {"properties": {key: _HASHABLE_TIME for key in HASHED_SENSOR_METADATA_TIMES}},
                    "sensorReport": {
                        "items": {"properties": {key: _HASHABLE_TIME for key in HASHED_SENSOR_REPORT_TIMES}}
                    },
                }
            }
        },
    }
    if kind is DECISIONS:  # a corrected decision gives its reason (ledger.evidence.service)
        properties["errorDeclaration"] = {
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "pattern": f"[^{WHITE_SPACE}]"}},
        }
    rules: list[dict[str, Any]] = [{"$ref": ref("Sanzhi.NoFullIriKeys")}]
    for name, (model, steps, required) in FIELDS.items():
        key = f"{CUSTOMS_PREFIX}:{name}"
        value = {"$ref": ref(f"Sanzhi.{model.__name__}")}
        properties[key] = {"type": "array", "minItems": 1, "items": value} if name in LIST_FIELDS else value
        here = [step for step in Step if step in steps and step in allowed]
        if not here:
            properties[key] = False  # on no step of this route
            continue
        if required:
            rules.append({"if": _step_is(here), "then": {"required": [key]}})
        rules.append({"if": {"required": [key]}, "then": {"properties": {"bizStep": _step_value(here)}}})
    if Step.ADVANCE_DECLARATION_FILED in allowed:
        rules.append(
            {
                "if": _step_is([Step.ADVANCE_DECLARATION_FILED]),
                "then": {"required": ["bizTransactionList"], "properties": {"bizTransactionList": {"minItems": 1}}},
            }
        )
    return {
        "description": f"An event of this route: {', '.join(sorted({t.epcis_name for t in EventType}))}, with "
        "a business step of the route and sanzhi's fields where they belong",
        "type": "object",
        "required": ["bizStep", "bizTransactionList"] if kind is DECISIONS else ["bizStep"],
        "properties": properties,
        "propertyNames": {
            "if": {"pattern": f"^{CUSTOMS_PREFIX}:"},
            "then": {"enum": [f"{CUSTOMS_PREFIX}:{name}" for name in FIELDS]},
        },
        "allOf": rules,
    }


# UNHASHABLE_TIME_REFUSED (ledger.evidence.epcis)
_HASHABLE_TIME = {"pattern": HASHABLE_TIME_PATTERN}


def _transactions(kind: Kind) -> dict[str, Any]:
    """`bizTransactionList`: every item with its type (UNTYPED_TRANSACTION_REFUSED); a trade
    event names at most one customs declaration, and one spelled as a sanzhi reference
    (`urn:sanzhi:declaration:...`) is one; a decision names exactly one, a sanzhi reference
    (ledger.evidence.declarations)."""
    declaration = {"required": ["type", "bizTransaction"], "properties": {"type": {"enum": list(DECLARATION_TYPES)}}}
    spelled = {"properties": {"bizTransaction": {"pattern": DECLARATION_PATTERN}}}
    if kind is DECISIONS:
        checked = {"anyOf": [{"not": declaration}, spelled]}
    else:
        urn = {"properties": {"bizTransaction": {"pattern": f"^{_escape(DECLARATION_URN)}"}}}
        checked = {"anyOf": [{"not": {"allOf": [declaration, urn]}}, spelled]}
    return {
        "items": {"required": ["type"], **checked},
        "contains": declaration,
        "minContains": 1 if kind is DECISIONS else 0,
        "maxContains": 1,
    }


def _step_is(steps: Iterable[Step]) -> dict[str, Any]:
    return {"required": ["bizStep"], "properties": {"bizStep": {"enum": step_forms(steps)}}}


def _input(kind: Kind, ref: Ref) -> dict[str, Any]:
    """The body: one event of the route, or an EPCISDocument of at least one; no EPCISQueryDocument.
    Whatever uses the prefix `sanzhi` where the parser reads it (an event's sanzhi field or its
    step) is in a document or event whose `@context` declares it."""
    event = {"$ref": ref(f"Sanzhi.Event.{kind.value}")}
    uses, declares = {"$ref": ref("Sanzhi.UsesSanzhi")}, {"$ref": ref("Sanzhi.DeclaresSanzhi")}
    document = {
        "properties": {
            "type": {"const": "EPCISDocument"},
            "@context": {"$ref": ref("Sanzhi.DocumentContext")},
            "epcisBody": {
                "properties": {
                    "eventList": {"minItems": 1, "items": {"allOf": [event, {"not": {"required": ["@context"]}}]}}
                }
            },
        },
        "propertyNames": {"not": {"pattern": IGNORE_FIELDS_KEY}},
        "anyOf": [
            {"properties": {"epcisBody": {"properties": {"eventList": {"items": {"not": uses}}}}}},
            {"required": ["@context"], "properties": {"@context": declares}},
        ],
    }
    alone = {
        "allOf": [event],
        "properties": {"type": {"enum": [event_type.epcis_name for event_type in EventType]}},
        "anyOf": [{"not": uses}, {"required": ["@context"], "properties": {"@context": declares}}],
    }
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"@context": {"$ref": ref("Sanzhi.Context")}},
        "anyOf": [document, alone],
    }


def standalone(body: str) -> dict[str, Any]:
    """One body's schema as a JSON Schema 2020-12 document of its own (its components under
    `$defs`), to validate with `jsonschema` outside an OpenAPI document."""
    found = components(lambda name: f"#/$defs/{name}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": f"#/$defs/{body}", "$defs": found}
