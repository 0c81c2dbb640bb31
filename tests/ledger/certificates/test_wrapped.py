"""Wrapped certificates: batches, integrity under tampering, selective disclosure, files."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.certificates.destined_batches import leaf_places, plan_destined
from ledger.certificates.wrapped import (
    WrappedCertificate,
    check_integrity,
    from_hex,
    hide,
    parse_wrapped,
    read_wrapped,
    wrap_documents,
    wrapped_bytes,
    write_wrapped,
)
from ledger.documents.samples import generate_samples
from ledger.errors import InvalidInput
from ledger.hashing.keccak import keccak256
from ledger.hashing.merkle import MerkleTree, verify
from ledger.hashing.salted import flatten
from tests.support import (
    CHAIN_ID,
    ISSUER,
    REGISTRY_ADDRESS,
    certificate_of_origin,
)


def _wrap(documents: list[Any], batch_size: int = 100) -> list[Any]:
    return wrap_documents(
        documents,
        issuer=ISSUER,
        registry=REGISTRY_ADDRESS,
        chain_id=CHAIN_ID,
        batch_size=batch_size,
    )


@functools.cache
def _certificates() -> tuple[WrappedCertificate, ...]:
    # the samples go to several destinations, so to several batches (one per destination)
    origin = _wrap([certificate_of_origin(), *generate_samples("certificate-of-origin", 4, 3, origin="CN")])
    phyto = _wrap(generate_samples("phytosanitary-certificate", 3, 3, origin="CN"))
    return tuple(certificate for batch in (*origin, *phyto) for certificate in batch.certificates)


_CERTIFICATE = st.sampled_from(range(8)).map(lambda i: _certificates()[i])


def _dump(wrapped: WrappedCertificate) -> dict[str, Any]:
    return copy.deepcopy(wrapped.model_dump(mode="json"))


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _remove(data: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = None
    else:
        del node[last]


def _verdict(raw: dict[str, Any]) -> bool:
    return check_integrity(parse_wrapped(raw)).valid


def test_wrapped_certificates_verify_and_carry_the_proof() -> None:
    for wrapped in _certificates():
        result = check_integrity(wrapped)
        assert result.valid, result.reason
        assert wrapped.proof.registry == REGISTRY_ADDRESS
        assert wrapped.proof.chain_id == CHAIN_ID
    first = _certificates()[0]
    assert first.proof.quantity == 12_625
    assert "quantity agree" in check_integrity(first).reason
    assert first.to_document() == certificate_of_origin()


def test_batches_are_split_at_the_cap_each_with_its_own_root() -> None:
    batches = _wrap(generate_samples("certificate-of-origin", 7, 1, origin="CN", destination="SG"), batch_size=3)
    assert [len(b.certificates) for b in batches] == [3, 3, 1]
    for batch in batches:
        assert MerkleTree.build(batch.leaves).root.hex() == batch.root[2:]
        assert all(c.proof.root == batch.root for c in batch.certificates)
    assert batches[2].certificates[0].proof.path == []


def test_mixed_types_or_mixed_units_are_refused_before_wrapping() -> None:
    co, phyto = certificate_of_origin(), generate_samples("phytosanitary-certificate", 1, 1)[0]
    with pytest.raises(InvalidInput, match="one document type"):
        _wrap([co, phyto])
    data = co.model_dump(mode="json")
    data["items"][1]["unit_code"] = "TNE"
    with pytest.raises(InvalidInput) as caught:
        _wrap([type(co).model_validate(data)])
    assert caught.value.path == "items.1.unit_code"


@settings(max_examples=150, deadline=None)
@given(_CERTIFICATE, st.data())
def test_changing_any_field_fails(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    raw = _dump(wrapped)
    path = data.draw(st.sampled_from(sorted(raw["salts"])))
    old = flatten(raw["data"])[path]
    new = data.draw(st.one_of(st.text(max_size=5), st.integers(), st.none(), st.booleans()))
    if new == old and type(new) is type(old):
        return
    _set(raw["data"], path, new)
    assert not _verdict(raw)


@settings(max_examples=100, deadline=None)
@given(_CERTIFICATE, st.data())
def test_adding_a_field_fails(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    raw = _dump(wrapped)
    parent = data.draw(st.sampled_from(["", "items.0", "issuing_authority"]))
    name = data.draw(st.from_regex(r"[a-z_]{1,10}", fullmatch=True))
    path = f"{parent}.{name}" if parent else name
    if path in raw["salts"] or any(p.startswith(path + ".") for p in raw["salts"]):
        return
    _set(raw["data"], path, data.draw(st.text(max_size=5)))
    assert not _verdict(raw)
    raw["salts"][path] = "00" * 16  # a salt does not help: the field is not in the hash
    assert not _verdict(raw)


@settings(max_examples=100, deadline=None)
@given(_CERTIFICATE, st.data())
def test_removing_a_field_fails(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    raw = _dump(wrapped)
    path = data.draw(st.sampled_from(sorted(raw["salts"])))
    _remove(raw["data"], path)
    assert not _verdict(raw)
    del raw["salts"][path]
    assert not _verdict(raw)


@settings(max_examples=150, deadline=None)
@given(_CERTIFICATE, st.data())
def test_changing_any_salt_byte_fails(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    raw = _dump(wrapped)
    path = data.draw(st.sampled_from(sorted(raw["salts"])))
    salt = bytearray.fromhex(raw["salts"][path])
    salt[data.draw(st.integers(0, 15))] ^= data.draw(st.integers(1, 255))
    raw["salts"][path] = salt.hex()
    assert not _verdict(raw)


@settings(max_examples=150, deadline=None)
@given(_CERTIFICATE, st.data())
def test_changing_any_proof_byte_fails(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    raw = _dump(wrapped)
    choices = [("root", None), ("document_hash", None)] + [("path", i) for i in range(len(raw["proof"]["path"]))]
    field, index = data.draw(st.sampled_from(choices))
    holder: Any
    key: Any
    holder, key = (raw, "document_hash") if field == "document_hash" else (raw["proof"], field)
    if index is not None:
        holder, key = holder["path"], index
    value = bytearray.fromhex(holder[key][2:])
    value[data.draw(st.integers(0, 31))] ^= data.draw(st.integers(1, 255))
    holder[key] = "0x" + value.hex()
    assert not _verdict(raw)


def test_wrong_quantity_type_or_cert_type_fails() -> None:
    raw = _dump(_certificates()[0])
    raw["proof"]["quantity"] += 1
    assert not _verdict(raw)
    raw = _dump(_certificates()[0])
    raw["type"] = "phytosanitary-certificate"
    assert not _verdict(raw)


@settings(max_examples=100, deadline=None)
@given(_CERTIFICATE, st.data())
def test_hiding_any_fields_still_verifies(wrapped: WrappedCertificate, data: st.DataObject) -> None:
    paths = sorted(wrapped.salts)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=len(paths)))
    hidden = hide(wrapped, chosen)
    assert check_integrity(hidden).valid, check_integrity(hidden).reason
    assert hidden.document_hash == wrapped.document_hash
    assert not set(chosen) & set(hidden.salts)
    assert not set(chosen) & set(flatten(hidden.data))
    # hide again, from the already-hidden copy
    rest = sorted(hidden.salts)
    if rest:
        again = hide(hidden, [data.draw(st.sampled_from(rest))])
        assert check_integrity(again).valid


def test_hiding_a_prefix_hides_everything_under_it() -> None:
    wrapped = _certificates()[0]
    hidden = hide(wrapped, ["exporter", "items.1"])
    assert "exporter" not in hidden.data
    assert hidden.data["items"][1] is None
    assert not any(p.startswith(("exporter.", "items.1.")) for p in hidden.salts)
    hidden_count = sum(1 for p in wrapped.salts if p.startswith(("exporter.", "items.1.")))
    assert len(hidden.obfuscated) == hidden_count
    result = check_integrity(hidden)
    assert result.valid
    assert "not compared" in result.reason
    assert "广东华美" not in json.dumps(hidden.model_dump(mode="json"), ensure_ascii=False)
    with pytest.raises(InvalidInput, match="fields are hidden"):
        hidden.to_document()


def test_hiding_an_unknown_or_already_hidden_path_is_invalid_input() -> None:
    wrapped = _certificates()[0]
    with pytest.raises(InvalidInput) as caught:
        hide(wrapped, ["exporter.colour"])
    assert caught.value.path == "exporter.colour"
    with pytest.raises(InvalidInput):
        hide(hide(wrapped, ["exporter"]), ["exporter.name"])


def test_files_round_trip_with_unicode(tmp_path: Path) -> None:
    wrapped = _certificates()[0]
    path = tmp_path / "co.json"
    write_wrapped(wrapped, path)
    assert "广东华美进出口有限公司" in path.read_text(encoding="utf-8")
    assert read_wrapped(path) == wrapped

    assert path.read_bytes() == wrapped_bytes(wrapped) == (wrapped.model_dump_json(indent=2) + "\n").encode()


def test_batches_hold_one_destination_each_and_a_slice_is_placed_as_the_whole() -> None:
    leaves = [keccak256(bytes([n])) for n in range(11)]
    destinations = ["SG", "TH", "SG", "SG", "TH", "SG", "SG", "SG", "TH", "SG", "SG"]
    plan = plan_destined(leaves, destinations, 4)
    # SG's eight leaves in two batches of four, then TH's three: one destination per batch
    assert plan.destinations == ["SG", "SG", "TH"]
    assert [len(tree.positions) for tree in plan.trees] == [4, 4, 3]
    assert [plan.destinations[which] for which in plan.tree_of] == destinations
    trees = dict(enumerate(plan.trees))
    whole = leaf_places(trees, plan.tree_of, leaves)
    for leaf, (root, path) in zip(leaves, whole, strict=True):
        assert verify(from_hex(root), leaf, [from_hex(node) for node in path])
    # a worker holding leaves 5 to 10 is given only the trees they sit in
    part = plan.tree_of[5:11]
    assert leaf_places({n: trees[n] for n in set(part)}, part, leaves[5:11]) == whole[5:11]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"\xff\xfe not utf-8", "not UTF-8 text"),
        (b"{truncated", "invalid JSON at line 1, column 2"),
        (b'{"version": 2, "version": 1}', 'duplicate key "version"'),
        (b"[" * 90_000 + b"]" * 90_000, "nested deeper than 64 levels"),
        (b'{"version": 2}', "Field required"),
        (b'{"version": 1, "type": "certificate-of-origin"}', "version 1 .* issued again"),
    ],
)
def test_unreadable_or_malformed_files_are_invalid_input(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        read_wrapped(path)


def test_bad_registry_address_or_chain_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        wrap_documents([certificate_of_origin()], issuer=ISSUER, registry="0x12", chain_id=1, batch_size=5)
    assert caught.value.path == "registry"
    with pytest.raises(InvalidInput) as caught:
        wrap_documents(
            [certificate_of_origin()],
            issuer=ISSUER,
            registry=REGISTRY_ADDRESS,
            chain_id=0,
            batch_size=5,
        )
    assert caught.value.path == "chain_id"


def _wrapped_before_the_ascii_rule(monkeypatch: pytest.MonkeyPatch, number: str, committed: Any) -> WrappedCertificate:
    """A certificate wrapped as an issuer did before numbers were limited to ASCII: the number
    kept as written, and the leaf committing to `committed(number)`."""
    import ledger.certificates.wrapped as wrapped_module
    import ledger.documents.certificate_numbers as numbers

    with monkeypatch.context() as before:
        before.setattr(numbers, "parse_certificate_number", lambda text, path="certificate_number": text)
        before.setattr(wrapped_module, "number_hash", committed)
        [batch] = _wrap([certificate_of_origin(certificate_number=number)])
    return batch.certificates[0]


def test_a_certificate_issued_before_the_ascii_rule_still_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    import ledger.certificates.wrapped as wrapped_module

    old = _wrapped_before_the_ascii_rule(
        monkeypatch, "CN 2026_RCEP 0042", wrapped_module._number_hash_before_the_ascii_rule
    )
    assert check_integrity(old).valid, check_integrity(old).reason
    # a number outside the rule that the leaf does not commit to is still refused by name
    other = _wrapped_before_the_ascii_rule(monkeypatch, "CN 2026_RCEP 0042", lambda n: keccak256(b"CN2026RCEP0043"))
    refused = check_integrity(other)
    assert not refused.valid
    assert "U+0020 SPACE" in refused.reason
    assert "not a certificate number" in refused.reason
