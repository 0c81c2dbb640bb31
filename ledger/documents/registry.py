"""Document types by slug, and parsing raw data into a validated document."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ledger.documents.certificate_of_origin import CertificateOfOrigin
from ledger.documents.common import Document
from ledger.documents.phytosanitary import PhytosanitaryCertificate
from ledger.errors import InvalidDocument, InvalidInput
from ledger.jsonfiles import loads_strict

# One trade document; a batch is many files, each read on its own.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024

DOCUMENT_TYPES: dict[str, type[Document]] = {
    model.doc_type: model for model in (CertificateOfOrigin, PhytosanitaryCertificate)
}


def document_model(doc_type: str) -> type[Document]:
    """The model class for a document type slug."""
    try:
        return DOCUMENT_TYPES[doc_type]
    except KeyError:
        known = ", ".join(sorted(DOCUMENT_TYPES))
        raise InvalidInput(f"unknown document type {doc_type!r} (known: {known})") from None


def parse_document(doc_type: str, data: Mapping[str, Any] | str | bytes, *, source: str = "document") -> Document:
    """Validate `data` (a mapping, or JSON text) as a document of type `doc_type`.

    JSON text is read strictly (ledger.jsonfiles: no repeated keys, bounded size and depth);
    `source` names it in those errors.
    """
    model = document_model(doc_type)
    if isinstance(data, str | bytes):
        data = loads_strict(data, source=source, max_bytes=MAX_DOCUMENT_BYTES)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidDocument(validation_problems(exc)) from None


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(dotted field path, reason) for each error pydantic found."""
    problems = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in error["loc"])
        if error["type"] == "json_invalid":
            path = ""
        problems.append((path, error["msg"]))
    return problems


def to_json_data(document: Document) -> dict[str, Any]:
    """The document as plain JSON values (what gets hashed and carried)."""
    data: dict[str, Any] = document.model_dump(mode="json")
    return data


def describe_json(data: Any) -> str:
    """Short JSON rendering of a value, for error messages."""
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
