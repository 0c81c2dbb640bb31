"""The issuance request's body is stated in full in the OpenAPI document: one variant per
document type, whose `documents` are each that type's model, the very schema published in
schemas/<type>.schema.json; so a client (or a generator) can build a valid request from the
document alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from api.main import create_app
from api.openapi import DOCUMENT_PREFIX
from ledger.documents.registry import DOCUMENT_TYPES
from ledger.documents.samples import generate_samples
from ledger.settings import LedgerSettings

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
DOCUMENT = create_app(LedgerSettings()).openapi()


def request_validator() -> Draft202012Validator:
    """A validator of IssueRequest that resolves the document's own `#/components/...` refs."""
    registry: Registry[Any] = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(DOCUMENT))
    return Draft202012Validator(
        {"$ref": "urn:openapi#/components/schemas/IssueRequest"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def sample(doc_type: str, **fields: Any) -> dict[str, Any]:
    data = generate_samples(doc_type, 1, seed=7, origin="CN", destination="SG")[0].model_dump(mode="json")
    return {**data, **fields}


@pytest.mark.parametrize("doc_type", sorted(DOCUMENT_TYPES))
def test_each_type_states_its_published_schema(doc_type: str) -> None:
    model = DOCUMENT_TYPES[doc_type]
    published = json.loads((SCHEMAS / f"{doc_type}.schema.json").read_text(encoding="utf-8"))
    stated = DOCUMENT["components"]["schemas"][DOCUMENT_PREFIX + model.__name__]
    as_published = json.loads(json.dumps(stated).replace(f"#/components/schemas/{DOCUMENT_PREFIX}", "#/$defs/"))
    assert as_published == {key: value for key, value in published.items() if key not in ("$schema", "$id", "$defs")}
    for name, definition in published.get("$defs", {}).items():
        restated = json.dumps(DOCUMENT["components"]["schemas"][DOCUMENT_PREFIX + name])
        assert json.loads(restated.replace(f"#/components/schemas/{DOCUMENT_PREFIX}", "#/$defs/")) == definition


def test_a_request_the_document_allows_is_one_the_models_accept() -> None:
    validator = request_validator()
    [example] = DOCUMENT["components"]["schemas"]["IssueRequest"]["examples"]
    assert not list(validator.iter_errors(example))
    phyto = {"type": "phytosanitary-certificate", "documents": [sample("phytosanitary-certificate")]}
    assert not list(validator.iter_errors(phyto))


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"documents": [sample("phytosanitary-certificate")]}, "a phytosanitary certificate as the default type"),
        ({"type": "phytosanitary-certificate", "documents": [sample("certificate-of-origin")]}, "the other model"),
        ({"documents": [sample("certificate-of-origin", origin_country="AA")]}, "not a country"),
        ({"documents": [sample("certificate-of-origin", issue_date=0)]}, "a number for a date"),
        ({"documents": [sample("certificate-of-origin", issue_date="2026-11-20T00:00:00")]}, "a time for a date"),
        ({"documents": [{**sample("certificate-of-origin"), "items": [{"quantity": "0"}]}]}, "a zero quantity"),
        ({"documents": [sample("certificate-of-origin", extra="x")]}, "a field no model has"),
    ],
)
def test_a_request_the_models_refuse_the_document_forbids(body: dict[str, Any], why: str) -> None:
    assert list(request_validator().iter_errors(body)), why
