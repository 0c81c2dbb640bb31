"""JSON Schemas of the document types, as published in schemas/<slug>.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ledger.documents.registry import DOCUMENT_TYPES, document_model

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def document_schema(doc_type: str) -> dict[str, Any]:
    """The JSON Schema a document of `doc_type` must satisfy."""
    schema = document_model(doc_type).model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": f"{doc_type}.schema.json", **schema}


def schema_text(doc_type: str) -> str:
    """The schema file's exact text (stable key order, UTF-8, trailing newline)."""
    return json.dumps(document_schema(doc_type), ensure_ascii=False, indent=2) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every document type's schema to `directory`/<slug>.schema.json."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for doc_type in sorted(DOCUMENT_TYPES):
        path = directory / f"{doc_type}.schema.json"
        path.write_text(schema_text(doc_type), encoding="utf-8")
        written.append(path)
    return written
