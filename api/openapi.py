"""The OpenAPI document: FastAPI's, with every error response as problem+json and the models
that only raw request bodies name (the verify upload) added to the components, and the EPCIS
bodies' schemas (GS1's EPCIS 2.0 JSON Schema and sanzhi's rules, ledger.evidence.stated)."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.errors import ERROR_DESCRIPTIONS, PROBLEM_JSON, Problem
from api.schemas.certificates import VerifiableCredential
from ledger.certificates.wrapped import WrappedCertificate
from ledger.documents.common import Document
from ledger.documents.registry import DOCUMENT_TYPES
from ledger.documents.samples import generate_samples
from ledger.evidence import stated
from ledger.ids import CertificateType

DESCRIPTION = """The sanzhi service of one consortium member: verify certificates, look up their
status and AEO recognition (public); issue, revoke, utilize, manage AEO certifications, MRAs and
accreditations, and audit (with an API key of the member's organisation and the right role).

Errors are `application/problem+json` with a stable `code` (see docs/api.md)."""
EXTRA_MODELS: tuple[type[BaseModel], ...] = (Problem, WrappedCertificate, VerifiableCredential)
_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _add_models(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in EXTRA_MODELS:
        found = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        for name, definition in found.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, found)
    for name, definition in stated.components().items():
        if name in components:  # pragma: no cover - the names are EPCIS.*, Sanzhi.* and the two bodies
            raise ValueError(f"component {name} is named twice")
        components[name] = definition


EXAMPLE_DAY = datetime.date(2026, 11, 20)  # the examples' day: the document does not change with the clock
DOCUMENT_PREFIX = "document."
"""Components of the trade documents' models are named document.<Model> (their Party is not the
consignment's)."""


def _issuance_documents(schema: dict[str, Any]) -> None:
    """The issuance request as one variant per document type: `type` and the model its
    `documents` must each satisfy (the very schema of schemas/<type>.schema.json)."""
    components = schema["components"]["schemas"]
    request = components["IssueRequest"]
    variants = []
    for doc_type, model in sorted(DOCUMENT_TYPES.items()):
        found = model.model_json_schema(ref_template="#/components/schemas/" + DOCUMENT_PREFIX + "{model}")
        for name, definition in [*found.pop("$defs", {}).items(), (model.__name__, found)]:
            if components.setdefault(DOCUMENT_PREFIX + name, definition) != definition:
                raise AssertionError(f"two document models are both named {name}")
        variant = copy.deepcopy(
            {key: request[key] for key in ("type", "properties", "required", "additionalProperties")}
        )
        variant["title"] = f"IssueRequest ({doc_type})"
        variant["properties"]["type"] = {"const": doc_type}
        if doc_type == CertificateType.CERTIFICATE_OF_ORIGIN:  # the default type
            variant["properties"]["type"]["default"] = doc_type
        else:
            variant["required"] = [*variant["required"], "type"]
        variant["properties"]["documents"]["items"] = {
            "$ref": f"#/components/schemas/{DOCUMENT_PREFIX}{model.__name__}"
        }
        variant["properties"]["documents"]["description"] = f"Documents as JSON, each a {doc_type}"
        variants.append(variant)
    sample = generate_samples(
        CertificateType.CERTIFICATE_OF_ORIGIN, 1, seed=1, today=EXAMPLE_DAY, origin="CN", destination="SG"
    )
    example = sample[0]
    components["IssueRequest"] = {
        "oneOf": variants,
        "title": request["title"],
        "description": request["description"],
        "examples": [{"type": example.doc_type, "documents": [_reading_order(example)]}],
    }


def _reading_order(document: Document) -> dict[str, Any]:
    """A document as JSON with its number first and its items last (the models declare `items`
    first, in their shared base), as a reader of the example expects."""
    data = document.model_dump(mode="json", exclude_none=True)
    number = {document.number_field: data.pop(document.number_field)}
    items = {"items": data.pop("items")}
    return number | data | items


def _problems_everywhere(schema: dict[str, Any]) -> None:
    """Every documented error answers problem+json; each operation documents 422 (a malformed
    parameter or body) with FastAPI's default replaced."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("422", {"description": ERROR_DESCRIPTIONS[422]})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400 and not _documents_own_body(response):
                    response["content"] = _PROBLEM
                    if response.get("description") in (None, "Validation Error"):
                        response["description"] = ERROR_DESCRIPTIONS.get(int(status), "Error")
    schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
    schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)


def _documents_own_body(response: dict[str, Any]) -> bool:
    """Whether an error response documents a body of its own (the health report of /health's
    503), rather than FastAPI's validation error or a problem."""
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return bool(ref) and not ref.endswith(("/Problem", "/HTTPValidationError"))


# pydantic names a bound it cannot place inside a type with a before-validator (the strict query
# integers of api/schemas/common.py) by its own name; JSON Schema's are these
_BOUND_NAMES = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _json_schema_bounds(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") in ("integer", "number"):
                for name, standard in _BOUND_NAMES.items():
                    if name in item:
                        item[standard] = item.pop(name)
            if item.get("type") == "integer":
                _exact_integer_bounds(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _exact_integer_bounds(schema: dict[str, Any]) -> None:
    """An integer's bounds as exact inclusive integers: FastAPI writes 2**256 as a float, which a
    generator reads as a slightly different number (a uint256 quantity is below 2**256, inclusive
    2**256 - 1)."""
    for bound in ("minimum", "maximum"):
        if isinstance(schema.get(bound), float) and schema[bound].is_integer():
            schema[bound] = int(schema[bound])
    for exclusive, inclusive, step in (("exclusiveMinimum", "minimum", 1), ("exclusiveMaximum", "maximum", -1)):
        value = schema.get(exclusive)
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            schema[inclusive] = int(value) + step
            del schema[exclusive]


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=DESCRIPTION,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            _add_models(schema)
            _issuance_documents(schema)
            _problems_everywhere(schema)
            _json_schema_bounds(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
