"""The sha2-256 digest of a CIDv1, and the forms refused."""

from __future__ import annotations

import base64
import hashlib

import pytest

from ledger.errors import InvalidInput
from ledger.statistics.cid import cid_digest, cid_of_digest

# IPFS's CIDv1 (raw codec) of the bytes "hello world"
HELLO = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"


def b32(raw: bytes) -> str:
    return "b" + base64.b32encode(raw).decode().rstrip("=").lower()


def test_digest_of_a_known_cid() -> None:
    assert cid_digest(HELLO) == hashlib.sha256(b"hello world").digest()
    assert cid_of_digest(hashlib.sha256(b"hello world").digest()) == HELLO


def test_other_codecs_of_a_sha256_digest() -> None:
    digest = hashlib.sha256(b"rows").digest()
    assert cid_digest(cid_of_digest(digest, codec=0x70)) == digest  # dag-pb
    assert cid_digest(b32(bytes([1, 0x80, 0x01, 0x12, 32]) + digest)) == digest  # two-byte codec varint


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u", "CIDv0"),
        (HELLO.upper(), "base32"),
        ("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA", "base32"),
        (b32(bytes([1, 0x55, 0x12, 32]) + bytes(31)), "truncated"),
        (HELLO[:-1], "not a valid CID"),
        (HELLO[:-3], "truncated"),
        (b32(bytes([1, 0x55, 0x13, 64]) + bytes(64)), "sha2-256"),
        (b32(bytes([1, 0x55, 0x12, 20]) + bytes(20)), "sha2-256"),
        (b32(bytes([2, 0x55, 0x12, 32]) + bytes(32)), "version 2"),
        (b32(bytes([1, 0x55, 0x12, 32]) + bytes(33)), "bytes after its digest"),
        (b32(bytes([1, 0xD5, 0x00, 0x12, 32]) + bytes(32)), "not a valid CID"),  # non-minimal varint
        ("b", "not a CIDv1"),
        ("", "not a CIDv1"),
    ],
)
def test_refused(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        cid_digest(text)
