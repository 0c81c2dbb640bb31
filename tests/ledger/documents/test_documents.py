"""Document models: validation with field paths, utilization quantity, schemas, samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.documents import DOCUMENT_TYPES, CertificateOfOrigin, parse_document
from ledger.documents.samples import generate_samples
from ledger.documents.schemas import schema_text, write_schemas
from ledger.errors import InvalidDocument, InvalidInput
from tests.support import CO_DATA, ROOT, certificate_of_origin, co_data

SCHEMAS = ROOT / "schemas"


def _problem_paths(data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(InvalidDocument) as caught:
        parse_document("certificate-of-origin", data)
    return dict(caught.value.problems)


def test_valid_certificate_parses_with_unicode_intact() -> None:
    document = certificate_of_origin()
    assert isinstance(document, CertificateOfOrigin)
    assert document.exporter.name == "广东华美进出口有限公司"
    assert document.importer.name == "บริษัท สยามอะกริฟู้ด จำกัด"
    again = parse_document("certificate-of-origin", document.model_dump_json())
    assert again == document


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        ("items.1.hs_code", "0901.21", "pattern"),
        ("items.0.hs_code", "12345", "pattern"),
        ("items.0.quantity", "0", "greater than 0"),
        ("items.0.quantity", "1.0001", "more than 3 decimals"),
        ("items.1.unit_code", "kilogram", "pattern"),
        ("origin_country", "XX", "ISO 3166-1"),
        ("importer.address.country", "cn", "pattern"),
        ("transport.loading_location", "Canton", "pattern"),
        ("expiry_date", "2025-12-31", "before the issue date"),
        ("trade_agreement", "NAFTA", "Input should be"),
        ("exporter.name", "", "at least 1 character"),
    ],
)
def test_invalid_field_is_reported_with_its_path(path: str, value: str, reason: str) -> None:
    data = co_data()
    *parents, last = path.split(".")
    node: object = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    node[int(last) if last.isdigit() else last] = value  # type: ignore[index]
    problems = _problem_paths(data)
    assert path in problems
    assert reason in problems[path]


def test_missing_and_unknown_fields_are_reported() -> None:
    data = co_data(colour="red")
    del data["items"][0]["description"]
    problems = _problem_paths(data)
    assert "items.0.description" in problems
    assert "colour" in problems


def test_error_message_names_path_and_reason() -> None:
    with pytest.raises(InvalidInput, match=r"origin_country: .*ISO 3166-1"):
        parse_document("certificate-of-origin", co_data(origin_country="ZZ"))


def test_unknown_document_type_and_bad_json_are_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown document type"):
        parse_document("bill-of-lading", CO_DATA)
    with pytest.raises(InvalidInput, match="JSON"):
        parse_document("certificate-of-origin", "{not json")


def test_utilization_quantity_is_thousandths_of_the_shared_unit() -> None:
    assert certificate_of_origin().utilization_quantity == 12_625


def test_utilization_quantity_refuses_mixed_units_naming_the_field() -> None:
    data = co_data()
    data["items"][1]["unit_code"] = "TNE"
    document = parse_document("certificate-of-origin", data)
    with pytest.raises(InvalidInput) as caught:
        _ = document.utilization_quantity
    assert caught.value.path == "items.1.unit_code"


def test_quantity_is_serialised_canonically() -> None:
    data = co_data()
    data["items"][0]["quantity"] = "012.500"
    dumped = parse_document("certificate-of-origin", data).model_dump(mode="json")
    assert dumped["items"][0]["quantity"] == "12.5"


def test_committed_schema_files_match_the_models() -> None:
    for doc_type in DOCUMENT_TYPES:
        committed = (SCHEMAS / f"{doc_type}.schema.json").read_text(encoding="utf-8")
        assert committed == schema_text(doc_type), f"regenerate schemas/{doc_type}.schema.json"


def test_write_schemas_writes_one_file_per_type(tmp_path: Path) -> None:
    written = write_schemas(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{t}.schema.json" for t in DOCUMENT_TYPES)
    schema = json.loads(written[0].read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("doc_type", sorted(DOCUMENT_TYPES))
def test_samples_are_valid_varied_and_deterministic(doc_type: str) -> None:
    samples = generate_samples(doc_type, 60, seed=7)
    assert samples == generate_samples(doc_type, 60, seed=7)
    assert samples != generate_samples(doc_type, 60, seed=8)
    assert all(sample.utilization_quantity > 0 for sample in samples)
    text = json.dumps([s.model_dump(mode="json") for s in samples], ensure_ascii=False)
    for script_sample in ("有限公司", "บริษัท", "شركة"):
        assert script_sample in text
    assert len({s.items[0].unit_code for s in samples}) > 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("issue_date", 0, "not a number"),
        ("issue_date", "2026-11-20T00:00:00", "write YYYY-MM-DD"),
        ("issue_date", "20261120", "write YYYY-MM-DD"),
        ("origin_country", "AA", "not an ISO 3166-1"),
        ("transport.mode_code", "1", "not true, false or text"),
        ("transport.mode_code", True, "not true, false or text"),
        ("transport.mode_code", 1.5, "integer"),
    ],
)
def test_a_document_field_takes_values_of_its_own_type_only(field: str, value: object, words: str) -> None:
    """As the published schema states them: a date is YYYY-MM-DD text (never seconds since 1970
    nor a midnight time), a code an integer (never text or a boolean)."""
    data = co_data()
    *parents, name = field.split(".")
    node = data
    for part in parents:
        node[part] = dict(node[part])
        node = node[part]
    node[name] = value
    problems = _problem_paths(data)
    assert words in problems[field], problems


def test_a_code_written_as_a_whole_json_number_is_that_integer() -> None:
    """8.0 is an integer as JSON Schema reads one."""
    data = co_data()
    data["transport"] = {**data["transport"], "mode_code": 1.0}
    assert parse_document("certificate-of-origin", data).transport.mode_code == 1  # type: ignore[attr-defined]
