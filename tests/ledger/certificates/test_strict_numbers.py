"""Certificate numbers are ASCII letters, digits and - / . after NFKC: a look-alike of an issued
number (Cyrillic letters, zero-width characters) is refused by name, a full-width copy folds to
the same number and so draws on the same quantity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger.certificates.issuance import issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.wrapped import number_hash, read_wrapped
from ledger.errors import InvalidInput
from tests.support import Chain, co_data

ISSUED = "CN-2026/RCEP.0001"


def wide(text: str) -> str:
    """The full-width form of printable ASCII text (what NFKC folds back)."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def write_document(directory: Path, number: str, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    data = co_data(certificate_number=number, destination_country="SG")
    data["importer"]["address"]["country"] = "SG"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def issue_number(chain: Chain, tmp_path: Path, number: str, name: str) -> Path:
    registry = CertificateRegistryBinding(chain.client("cn-issuer"))
    issue_files(
        registry=registry,
        doc_type="certificate-of-origin",
        files=[write_document(tmp_path / "in" / name, number, f"{name}.json")],
        out_dir=tmp_path / "out" / name,
        numbers=IssuedNumbers(numbers_path(chain.data_dir)),
        workers=1,
    )
    return tmp_path / "out" / name / f"{name}.json"


@pytest.mark.parametrize(
    ("lookalike", "named"),
    [
        ("\u0421N-2026/RCEP.0001", "U+0421 CYRILLIC CAPITAL LETTER ES"),
        ("CN-2026/R\u0421EP.0001", "U+0421 CYRILLIC CAPITAL LETTER ES"),
        ("CN-2026/RCEP.00\u200b01", "U+200B ZERO WIDTH SPACE"),
        ("CN-2026/RCEP.0001\u200d", "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_a_lookalike_of_an_issued_number_is_refused_naming_the_character(
    chain: Chain, tmp_path: Path, lookalike: str, named: str
) -> None:
    issue_number(chain, tmp_path, ISSUED, "first")
    with pytest.raises(InvalidInput) as refused:
        issue_number(chain, tmp_path, lookalike, "copy")
    assert named in refused.value.message
    assert "certificate number" in refused.value.message
    assert not (tmp_path / "out" / "copy" / "copy.json").exists()


def test_a_full_width_copy_is_the_same_number(chain: Chain, tmp_path: Path) -> None:
    first = read_wrapped(issue_number(chain, tmp_path, ISSUED, "first"))
    full_width = wide("CN-2026/RCEP.0001")
    with pytest.raises(InvalidInput, match="already issued certificate numbers CN2026RCEP0001"):
        issue_number(chain, tmp_path, full_width, "copy")
    assert number_hash(full_width).hex() == first.proof.number_hash[2:]


def test_a_full_width_number_is_issued_as_its_ascii_form(chain: Chain, tmp_path: Path) -> None:
    issued = read_wrapped(issue_number(chain, tmp_path, wide("CN-2026-7"), "wide"))
    assert issued.data["certificate_number"] == "CN-2026-7"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("CN 2026", "U+0020 SPACE"),
        ("CN_2026", "U+005F LOW LINE"),
        ("CN\t2026", "U+0009"),
        ("CN2026\u00a0", None),  # NFKC makes it a space, which is refused
        ("CN#2026", "U+0023 NUMBER SIGN"),
        (wide("CN") + "\u30002026", "U+0020 SPACE"),
    ],
)
def test_characters_outside_the_number_alphabet_are_refused(text: str, named: str | None) -> None:
    from ledger.documents.certificate_numbers import parse_certificate_number

    with pytest.raises(InvalidInput) as refused:
        parse_certificate_number(text)
    assert refused.value.message.count("\n") == 0
    if named is not None:
        assert named in refused.value.message


@pytest.mark.parametrize("text", ["", "-/.", "A" * 257])
def test_an_empty_or_overlong_number_is_refused(text: str) -> None:
    from ledger.documents.certificate_numbers import parse_certificate_number

    with pytest.raises(InvalidInput):
        parse_certificate_number(text)


def test_the_canonical_form_of_ascii_numbers_is_unchanged() -> None:
    from ledger.documents.certificate_numbers import canonical_number

    # numbers issued before this rule keep their hash: the same canonical text as always
    assert canonical_number("cn-2026/rcep.0001") == "CN2026RCEP0001"
    assert canonical_number(wide("cn-2026")) == "CN2026"
