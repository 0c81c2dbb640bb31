"""Event decoding: the codec's own reader of log data agrees with eth_abi on every event of
every compiled contract, and a malformed log still fails the way eth_abi fails."""

from __future__ import annotations

import re
from typing import Any

import pytest
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.codec import abi_type
from ledger.errors import UndecodableData

ARTIFACTS = Artifacts(DEFAULT_ARTIFACTS_DIR)
CONTRACTS = ("Consortium", "CertificateRegistry", "AeoRegistry", "EvidenceRegistry")
EVENTS = [
    (contract, item) for contract in CONTRACTS for item in ARTIFACTS.get(contract).abi if item.get("type") == "event"
]


def values_of(kind: str) -> st.SearchStrategy[Any]:
    if kind.endswith("[]"):
        return st.lists(values_of(kind[:-2]), max_size=5)
    if kind == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    if kind == "bool":
        return st.booleans()
    if kind == "string":
        return st.text(max_size=40)
    if kind == "bytes":
        return st.binary(max_size=80)
    if match := re.fullmatch(r"bytes(\d+)", kind):
        size = int(match.group(1))
        return st.binary(min_size=size, max_size=size)
    if match := re.fullmatch(r"(u?)int(\d+)", kind):
        bits = int(match.group(2))
        return st.integers(0, 2**bits - 1) if match.group(1) else st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    raise AssertionError(f"no values for {kind}: add them here")


def log_of(topic: bytes, inputs: list[dict[str, Any]], values: list[Any]) -> dict[str, Any]:
    indexed = [(abi_type(p), v) for p, v in zip(inputs, values, strict=True) if p.get("indexed")]
    plain = [(abi_type(p), v) for p, v in zip(inputs, values, strict=True) if not p.get("indexed")]
    topics = [topic] + [abi_encode([t], [v]) for t, v in indexed]
    data = abi_encode([t for t, _ in plain], [v for _, v in plain])
    return {"topics": ["0x" + t.hex() for t in topics], "data": "0x" + data.hex()}


@pytest.mark.parametrize(("contract", "item"), EVENTS, ids=[f"{c}.{i['name']}" for c, i in EVENTS])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_event_decodes_as_eth_abi_decodes_it(contract: str, item: dict[str, Any], data: st.DataObject) -> None:
    codec = ARTIFACTS.codec(contract)
    inputs = item["inputs"]
    values = [data.draw(values_of(abi_type(p))) for p in inputs]
    log = log_of(codec.event_topic(item["name"]), inputs, values)
    decoded = codec.event_decoder(item["name"])(log)
    topics = [bytes.fromhex(t[2:]) for t in log["topics"][1:]]
    indexed = [p for p in inputs if p.get("indexed")]
    plain = [p for p in inputs if not p.get("indexed")]
    expected = {p["name"]: abi_decode([abi_type(p)], word)[0] for p, word in zip(indexed, topics, strict=True)}
    data = abi_decode([abi_type(p) for p in plain], bytes.fromhex(log["data"][2:]))
    expected.update(zip([p["name"] for p in plain], data, strict=True))
    assert decoded == expected


def test_a_truncated_log_fails_as_eth_abi_fails() -> None:
    codec = ARTIFACTS.codec("EvidenceRegistry")
    item = next(i for c, i in EVENTS if c == "EvidenceRegistry" and i["name"] == "EvidenceAppended")
    values = [b"\x01" * 32, b"\x02" * 32, b"CN".ljust(32, b"\0"), 1, b"\x03" * 32, 3, 0, False, b"\x05" * 32, 1,
              b"\0" * 32, b"cid", [b"\x04" * 32]]  # fmt: skip
    log = log_of(codec.event_topic("EvidenceAppended"), item["inputs"], values)
    decode = codec.event_decoder("EvidenceAppended")
    assert decode(log)["parents"] == (b"\x04" * 32,)
    for cut in (40, 200, len(log["data"]) - 70):
        with pytest.raises(UndecodableData) as raised:
            decode({**log, "data": log["data"][:cut]})
        assert isinstance(raised.value.__cause__, DecodingError)  # eth_abi's exact error, kept as the cause
