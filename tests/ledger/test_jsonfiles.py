"""The strict JSON reader: repeated keys, depth and size bounds, positions of syntax errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.errors import InvalidInput, InvalidJson
from ledger.jsonfiles import load_strict, loads_strict

DEEP = "[" * 90_000 + "]" * 90_000


def test_reads_ordinary_json() -> None:
    text = '{"a": [1, {"b": "x[{\\"y"}], "c": null, "d": {"e": true}}'
    assert loads_strict(text, source="t") == {"a": [1, {"b": 'x[{"y'}], "c": None, "d": {"e": True}}
    assert loads_strict(b'\xef\xbb\xbf{"bom": 1}', source="t") == {"bom": 1}


def test_refuses_duplicate_key_at_top_level() -> None:
    with pytest.raises(InvalidJson, match=r'^in\.json: duplicate key "member" in the object at \$$'):
        loads_strict('{"member": "CN", "operators": [], "member": "SG"}', source="in.json")


def test_refuses_duplicate_key_nested() -> None:
    text = '{"operators": [{"id": 1}, {"id": 2, "tier": {"code": 1, "code": 2}}]}'
    with pytest.raises(InvalidJson, match=r'duplicate key "code" in the object at \$\.operators\[1\]\.tier$'):
        loads_strict(text, source="in.json")
    with pytest.raises(InvalidJson, match=r'duplicate key "x" in the object at \$\["a b"\]$'):
        loads_strict('{"a b": {"x": 1, "x": 1}}', source="in.json")


def test_error_is_an_invalid_input_naming_the_source() -> None:
    with pytest.raises(InvalidInput) as caught:
        loads_strict('{"a": 1, "a": 1}', source="partner feed")
    assert isinstance(caught.value, InvalidJson)
    assert caught.value.source == "partner feed"
    assert "\n" not in str(caught.value)


def test_refuses_deep_nesting_quickly_before_parsing() -> None:
    started = time.monotonic()
    with pytest.raises(InvalidJson, match=r"^deep\.json: nested deeper than 64 levels \(at line 1, column 65\)$"):
        loads_strict(DEEP, source="deep.json")
    assert time.monotonic() - started < 1.0
    assert loads_strict("[" * 64 + "]" * 64, source="t") is not None  # 64 levels are fine
    with pytest.raises(InvalidJson, match="nested deeper than 8 levels"):
        loads_strict('{"a": ' * 9 + "1" + "}" * 9, source="t", max_depth=8)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '["' + "[{" * 1000 + '\\"' + "]" * 10 + '"]'
    assert loads_strict(text, source="t") == ["[{" * 1000 + '"' + "]" * 10]


def test_deep_document_does_not_crash_with_a_raised_recursion_limit() -> None:
    # What a dependency that raises the recursion limit does to a process: json's C decoder then
    # recurses until the C stack overflows (exit 139) instead of raising RecursionError.
    code = (
        "import sys; sys.setrecursionlimit(10**6)\n"
        "from ledger.jsonfiles import loads_strict\n"
        "from ledger.errors import InvalidJson\n"
        "try: loads_strict('[' * 90000 + ']' * 90000, source='deep.json')\n"
        "except InvalidJson as exc: print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "deep.json: nested deeper than 64 levels (at line 1, column 65)\n"


def test_refuses_too_large_input() -> None:
    with pytest.raises(InvalidJson, match=r"^big: larger than 100 bytes \(101 bytes\)$"):
        loads_strict(b'"' + b"x" * 99 + b'"', source="big", max_bytes=100)
    with pytest.raises(InvalidJson, match=r"^big: larger than 100 bytes$"):
        loads_strict('"' + "x" * 99 + '"', source="big", max_bytes=100)
    with pytest.raises(InvalidJson, match=r"^big: larger than 100 bytes$"):
        loads_strict('"' + "é" * 60 + '"', source="big", max_bytes=100)  # 60 characters, 122 bytes


def test_refuses_too_large_file_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text("[" + "1," * 100 + "1]")
    with pytest.raises(InvalidJson, match=rf"^{re.escape(str(path))}: larger than 64 bytes$"):
        load_strict(path, max_bytes=64)
    assert len(load_strict(path)) == 101


def test_reports_invalid_json_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": [1, 2,]\n}\n')
    shown = re.escape(str(path))
    with pytest.raises(InvalidJson, match=rf"^{shown}: invalid JSON at line 2, column 14: Expecting value$"):
        load_strict(path)
    with pytest.raises(InvalidJson, match=r"^t: not UTF-8 text \(byte 1\)$"):
        loads_strict(b'"\xff"', source="t")


def test_load_strict_names_the_source(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"a": 1, "a": 2}')
    with pytest.raises(InvalidJson, match=r'^profiles: duplicate key "a"'):
        load_strict(path, source="profiles")
    with pytest.raises(FileNotFoundError, match=r"missing\.json"):
        load_strict(tmp_path / "missing.json")


def test_document_profile_and_keystore_inputs_are_read_strictly(tmp_path: Path) -> None:
    from ledger.accounts.keys import account_from_keystore
    from ledger.accounts.profiles import load_profiles
    from ledger.documents import parse_document
    from ledger.errors import ConfigurationError, KeyUnavailable

    with pytest.raises(InvalidJson, match=r'^document: duplicate key "certificate_number" in the object at \$$'):
        parse_document("certificate-of-origin", '{"certificate_number": "A", "certificate_number": "B"}')
    (tmp_path / "profiles.json").write_text('{"profiles": {}, "profiles": {}}')
    with pytest.raises(ConfigurationError, match=r'is unreadable: duplicate key "profiles"'):
        load_profiles(tmp_path)
    (tmp_path / "key.json").write_text('{"version": 3, "crypto": {"kdf": "scrypt", "kdf": "pbkdf2"}}')
    with pytest.raises(KeyUnavailable, match=r'is unreadable: duplicate key "kdf" in the object at \$\.crypto$'):
        account_from_keystore(tmp_path / "key.json", "pw")


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_json = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30
)


@given(_json, st.booleans())
def test_reads_any_json_as_the_standard_parser_does(value: object, ascii_only: bool) -> None:
    # strings full of quotes, backslashes, colons and brackets must not change the structure
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert loads_strict(text, source="t") == json.loads(text)


@given(st.dictionaries(st.text(), _json, min_size=1, max_size=4), st.data())
def test_refuses_a_repeated_key_wherever_it_is(obj: dict[str, object], data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(obj)))
    inner = json.dumps(obj)
    repeated = inner[:-1] + ", " + json.dumps(key) + ": 0}"  # the key again, last
    text = data.draw(st.sampled_from([repeated, f'{{"wrap": [1, {repeated}]}}']))
    with pytest.raises(InvalidJson, match=re.escape(f"duplicate key {json.dumps(key)}")):
        loads_strict(text, source="t")


@given(st.integers(1, 80), st.text(alphabet='[]{}":\\ab', max_size=12))
def test_the_depth_limit_counts_only_the_structure(depth: int, noise: str) -> None:
    text = "[" * (depth - 1) + json.dumps({"s": noise, "t": [noise]}) + "]" * (depth - 1)
    levels = depth + 1  # the inner object's list
    if levels <= 64:
        assert loads_strict(text, source="t") == json.loads(text)
    else:
        with pytest.raises(InvalidJson, match="nested deeper than 64 levels"):
            loads_strict(text, source="t")


def test_malformed_brackets_are_the_parsers_error_not_a_depth_error() -> None:
    for text in ("[}" * 40, '{"a": [' * 20 + "}" * 40, '"' + "[" * 100):
        with pytest.raises(InvalidJson, match="invalid JSON at line 1"):
            loads_strict(text, source="t")
