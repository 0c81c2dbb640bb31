"""Content identifiers: parsing both spellings, refusing every other shape, streaming builds.

The CIDs of real files are checked against a js-ipfs node in test_ipfs_backend.py; here the
vectors are ones IPFS printed (the empty file is the same in every IPFS)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from ledger.errors import InvalidInput
from ledger.store.cid import CidBuilder, ContentId, cid_of_bytes, cid_of_file
from ledger.store.unixfs import CHUNK_SIZE
from tests.support import deterministic_bytes

EMPTY = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"  # ipfs add --cid-version=1 of nothing
HELLO_BASE58 = "zb2rhZfjRh2FHHB2RkHVEvL2vJnCTcu7kwRqgVsf9gpkLgteo"  # js-ipfs: b"hello", raw leaves
DAG_PB = "bafybeibm4ghd6qd2j4gks7e2qavxq6ps2l3tizengm3uxryu7qnrkdxrji"


def _base32(raw: bytes) -> str:
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def test_known_vectors() -> None:
    assert cid_of_bytes(b"").text == EMPTY
    hello = cid_of_bytes(b"hello")
    assert hello == ContentId.parse(HELLO_BASE58)
    assert hello.base58btc == HELLO_BASE58
    assert hello.codec == "raw"
    assert hello.text.startswith("bafkrei")


def test_both_spellings_are_the_same_bytes() -> None:
    for text in (EMPTY, DAG_PB):
        cid = ContentId.parse(text)
        again = ContentId.parse(cid.base58btc)
        assert again == cid
        assert again.raw == cid.raw
        assert str(again) == text
        assert cid.base58btc.startswith("z")


def test_parts_of_a_cid() -> None:
    cid = ContentId.parse(DAG_PB)
    assert cid.codec == "dag-pb"
    assert len(cid.digest) == 32
    assert cid.raw == bytes([1, 0x70, 0x12, 0x20]) + cid.digest
    assert ContentId.of(codec="dag-pb", digest=cid.digest) == cid
    assert ContentId.of(codec="raw", digest=cid.digest) != cid
    assert repr(cid) == f"ContentId({DAG_PB})"


def test_a_cid_built_from_a_bytearray_is_hashable_and_equal() -> None:
    cid = ContentId.parse(EMPTY)
    again = ContentId(bytearray(cid.raw))  # type: ignore[arg-type]
    assert again == cid
    assert {again, cid} == {cid}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("QmRaaUwTNfwgFZpeUy8qrZwrp2dY4kCKmmB5xEqvH3vtD1", "CIDv0"),
        (_base32(bytes([1, 0x71, 0x12, 0x20]) + bytes(32)), "codec 0x71"),  # dag-cbor
        (_base32(bytes([1, 0x55, 0x13, 0x40]) + bytes(64)), "not sha2-256"),  # sha2-512
        (_base32(bytes([1, 0x55, 0xA0, 0xE4, 0x02, 0x20]) + bytes(32)), "not sha2-256"),  # blake2b-256
        (_base32(bytes([1, 0x55, 0x12, 0x14]) + bytes(20)), "not 32 bytes"),  # truncated digest
        (_base32(bytes([2, 0x55, 0x12, 0x20]) + bytes(32)), "version 2"),
        (_base32(bytes([0x12, 0x20]) + bytes(32)), "CIDv0"),
        (EMPTY[:-1], "not base32 of whole bytes"),
        (EMPTY[:-2], "not 32 bytes"),
        (EMPTY + "a", "not base32 of whole bytes"),
        (EMPTY + "aa", "not 32 bytes"),
        (EMPTY.upper(), "base32 (b...) or base58btc"),  # 'B': base32upper, another name for it
        ("B" + EMPTY[1:].upper(), "base32 (b...) or base58btc"),
        (" " + EMPTY, "base32 (b...) or base58btc"),
        (EMPTY + "\n", "base32 (b...) or base58btc"),
        ("f01551220" + "00" * 32, "base32 (b...) or base58btc"),  # base16
        ("z", "base32 (b...) or base58btc"),
        ("z0OIl", "not base58btc"),
        ("/ipfs/" + EMPTY, "base32 (b...) or base58btc"),
        ("b" + "a" * 250, "too long"),
    ],
)
def test_parse_refuses(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(reason)) as refused:
        ContentId.parse(text)
    assert refused.value.path == "cid"
    assert str(refused.value).startswith("cid: ")


def test_parse_refuses_a_second_spelling_of_the_same_bytes() -> None:
    # the last base32 character of a 36-byte CID carries 4 unused bits: 'a' and 'b' decode alike
    text = ContentId.parse(EMPTY).text
    last = "abcdefghijklmnopqrstuvwxyz234567".index(text[-1])
    twin = text[:-1] + "abcdefghijklmnopqrstuvwxyz234567"[last | 1]
    assert twin != text
    assert base64.b32decode(twin[1:].upper() + "======") == ContentId.parse(EMPTY).raw
    with pytest.raises(InvalidInput, match="canonical"):
        ContentId.parse(twin)


def test_parse_refuses_base58_with_leading_zero_bytes() -> None:
    raw = b"\x00" + ContentId.parse(EMPTY).raw
    with pytest.raises(InvalidInput, match="version 0"):
        ContentId.parse("z" + base58.b58encode(raw).decode())


def test_binary_that_is_not_ours_is_refused() -> None:
    with pytest.raises(InvalidInput, match="codec 0x71"):
        ContentId(bytes([1, 0x71, 0x12, 0x20]) + bytes(32))
    with pytest.raises(InvalidInput, match="not 32 bytes"):
        ContentId(bytes([1, 0x55, 0x12, 0x20]) + bytes(31))
    with pytest.raises(InvalidInput, match="neither raw nor dag-pb"):
        ContentId.of(codec="dag-cbor", digest=bytes(32))  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 3 * CHUNK_SIZE + 5), cuts=st.lists(st.integers(0, 3 * CHUNK_SIZE + 5), max_size=8))
def test_the_cid_does_not_depend_on_how_the_bytes_arrive(size: int, cuts: list[int]) -> None:
    data = deterministic_bytes(size, seed=size)
    builder = CidBuilder()
    start = 0
    for cut in sorted(c for c in cuts if c <= size):
        builder.update(data[start:cut])
        start = cut
    builder.update(memoryview(data)[start:])
    assert builder.size == size
    assert builder.finish() == cid_of_bytes(data)


def test_one_chunk_is_a_raw_block_and_more_are_a_dag_pb_root() -> None:
    assert cid_of_bytes(bytes(CHUNK_SIZE)).codec == "raw"
    assert cid_of_bytes(bytes(CHUNK_SIZE + 1)).codec == "dag-pb"
    assert cid_of_bytes(bytes(CHUNK_SIZE)) != cid_of_bytes(bytes(CHUNK_SIZE - 1))


def test_cid_of_file_equals_cid_of_its_bytes(tmp_path: Path) -> None:
    data = deterministic_bytes(CHUNK_SIZE * 2 + 7)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert cid_of_file(path) == cid_of_bytes(data)


def test_a_finished_builder_takes_no_more_bytes() -> None:
    builder = CidBuilder()
    builder.update(b"x")
    first = builder.finish()
    assert builder.finish() == first
    with pytest.raises(RuntimeError):
        builder.update(b"y")


class _Stored(BaseModel):
    cid: ContentId


def test_in_a_pydantic_model_a_cid_is_its_base32_text() -> None:
    model = _Stored.model_validate({"cid": HELLO_BASE58})
    assert model.cid == cid_of_bytes(b"hello")
    assert model.model_dump(mode="json") == {"cid": cid_of_bytes(b"hello").text}
    assert _Stored.model_validate_json(model.model_dump_json()) == model
    with pytest.raises(ValidationError, match="CIDv0"):
        _Stored.model_validate({"cid": "QmRaaUwTNfwgFZpeUy8qrZwrp2dY4kCKmmB5xEqvH3vtD1"})
    with pytest.raises(ValidationError, match="a CID is text"):
        _Stored.model_validate({"cid": 12})
    schema = _Stored.model_json_schema()["properties"]["cid"]
    assert schema["type"] == "string"
