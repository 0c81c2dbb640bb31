"""The wrapped certificate a holder carries, batch wrapping, integrity checks and hiding."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ledger.certificates.destined_batches import leaf_places, plan_destined
from ledger.certificates.findings import Finding, FindingCode, finding
from ledger.documents import DOCUMENT_TYPES, Document, document_model, to_json_data
from ledger.documents.certificate_numbers import InvalidCertificateNumber, canonical_number
from ledger.documents.common import QuantifiedItem, field_at, utilization_of
from ledger.documents.registry import validation_problems
from ledger.errors import InvalidDocument, InvalidInput, LedgerError, NotIssued
from ledger.files import write_atomic
from ledger.hashing.keccak import keccak256
from ledger.hashing.merkle import leaf_hash, verify
from ledger.hashing.salted import (
    SALT_BYTES,
    SaltedDocument,
    document_hash,
    field_hash,
    field_hashes,
    flatten,
    salt_document,
    select_paths,
    type_id,
    without_paths,
)
from ledger.ids import member_id_bytes, member_id_text
from ledger.json_types import JsonInteger
from ledger.jsonfiles import load_strict, loads_strict

# 2: the leaf commits to the certificate number and the importing member
WRAPPED_VERSION: Literal[2] = 2
MAX_WRAPPED_BYTES = 16 * 1024 * 1024  # a wrapped certificate is kilobytes; refuse anything near this
Bytes32Hex = Annotated[str, Field(pattern=r"^0x[0-9a-f]{64}$")]
SaltHex = Annotated[str, Field(pattern=rf"^[0-9a-f]{{{2 * SALT_BYTES}}}$")]
AddressHex = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]
MemberId = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,31}$")]


def to_hex(value: bytes) -> str:
    return "0x" + value.hex()


def from_hex(value: str) -> bytes:
    return bytes.fromhex(value[2:])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CertificateProof(_Strict):
    """Where and how the certificate is anchored: its Merkle path to an issued root."""

    root: Bytes32Hex
    path: list[Bytes32Hex] = Field(max_length=64)
    # JsonInteger: a wrapped certificate's numbers are JSON numbers (never "5" or true)
    quantity: JsonInteger = Field(ge=0, lt=2**256, description="Leaf quantity, thousandths of the unit")
    number_hash: Bytes32Hex = Field(description="keccak256 of the certificate number (UTF-8)")
    importing_member: MemberId = Field(description="The member whose customs alone may draw on it, e.g. SG")
    registry: AddressHex = Field(description="CertificateRegistry contract address")
    chain_id: JsonInteger = Field(ge=1)
    cert_type: Bytes32Hex = Field(description="keccak256 of the document type slug")


class IssuerIdentity(_Strict):
    """Who issued the batch (checked against the chain by verification, not by integrity)."""

    address: AddressHex
    member_id: str = Field(min_length=1, max_length=32, description="Consortium member, e.g. CN")
    name: str = Field(min_length=1, max_length=256)


class WrappedCertificate(_Strict):
    """A salted document with the hashes and proof needed to verify it anywhere."""

    version: Literal[2] = WRAPPED_VERSION
    type: str = Field(description="Document type slug, e.g. certificate-of-origin")
    data: dict[str, Any] = Field(description="The document's fields (hidden ones removed)")
    salts: dict[str, SaltHex] = Field(description="Salt of each visible field, by dotted path")
    obfuscated: list[Bytes32Hex] = Field(default_factory=list, description="Field hashes of hidden fields")
    hidden: list[str] = Field(
        default_factory=list, description="Dotted paths of the hidden fields, as the holder who hid them names them"
    )
    document_hash: Bytes32Hex
    proof: CertificateProof
    issuer: IssuerIdentity

    @property
    def leaf(self) -> bytes:
        """The certificate's leaf in the issued Merkle tree (its on-chain id)."""
        return self.leaf_input().leaf()

    def leaf_input(self, document_hash: bytes | None = None) -> LeafInput:
        proof = self.proof
        return LeafInput(
            document_hash=document_hash or from_hex(self.document_hash),
            quantity=proof.quantity,
            number_hash=from_hex(proof.number_hash),
            importing_member=member_id_bytes(proof.importing_member),
        )

    @property
    def unit(self) -> str | None:
        """The unit of the goods lines' quantities (one per certificate: the leaf's quantity sums
        them), or None when the holder hid it on every line."""
        items = self.data.get("items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("unit_code"), str):
                return str(item["unit_code"])
        return None

    def to_document(self) -> Document:
        """The full document; only possible while no field is hidden."""
        if self.obfuscated:
            raise InvalidInput("fields are hidden; the document cannot be rebuilt", path="data")
        model = document_model(self.type)
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidDocument(validation_problems(exc)) from None


@dataclass(frozen=True, slots=True)
class LeafInput:
    """What a certificate's leaf commits to (see ledger.hashing.merkle.leaf_hash)."""

    document_hash: bytes
    quantity: int
    number_hash: bytes
    importing_member: bytes

    def leaf(self) -> bytes:
        return leaf_hash(self.document_hash, self.quantity, self.number_hash, self.importing_member)

    @classmethod
    def of(cls, salted: SaltedDocument, quantity: int) -> LeafInput:
        """The leaf input of a salted document: its number and importing country as it states them."""
        model = document_model(salted.doc_type)
        number = str(field_at(salted.data, model.number_field))
        return cls(
            document_hash=salted.document_hash,
            quantity=quantity,
            number_hash=number_hash(number),
            importing_member=member_id_bytes(str(field_at(salted.data, model.importing_country_field))),
        )


def number_hash(number: str) -> bytes:
    """How a certificate number goes on chain: keccak256 of its canonical form (ASCII); a number
    outside the alphabet is refused (ledger.documents.certificate_numbers)."""
    return keccak256(canonical_number(number).encode("utf-8"))


_SEPARATORS_BEFORE_THE_ASCII_RULE = re.compile(r"[\s\-_/.]+")


def _number_hash_before_the_ascii_rule(number: str) -> bytes:
    """The number hash a certificate issued before the ASCII rule committed to: upper case,
    without white space or - _ / . (any other character kept as it was)."""
    return keccak256(_SEPARATORS_BEFORE_THE_ASCII_RULE.sub("", number).upper().encode("utf-8"))


def recorded_number_hash(number: str) -> bytes:
    """The number hash of a number an issuer recorded in canonical form before numbers were
    limited to ASCII letters, digits and - / . (keccak256 of it as recorded)."""
    return keccak256(number.encode("utf-8"))


class WrappedBatch(_Strict):
    """One Merkle root to anchor, and the wrapped certificates under it."""

    doc_type: str
    root: Bytes32Hex
    certificates: list[WrappedCertificate]

    @property
    def leaves(self) -> list[bytes]:
        return [certificate.leaf for certificate in self.certificates]


class IntegrityResult(_Strict):
    """Whether a wrapped certificate's data, hashes and Merkle path agree, and why not."""

    valid: bool
    reason: str
    finding: Finding


def wrap_documents(
    documents: Sequence[Document],
    *,
    issuer: IssuerIdentity,
    registry: str,
    chain_id: int,
    batch_size: int,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> list[WrappedBatch]:
    """Salt and hash every document and build one Merkle tree per batch of `batch_size`."""
    if not documents:
        raise InvalidInput("nothing to wrap", path="documents")
    doc_type = documents[0].doc_type
    for index, document in enumerate(documents):
        if document.doc_type != doc_type:
            raise InvalidInput(
                f"a batch holds one document type ({doc_type}), this is {document.doc_type}",
                path=f"documents.{index}",
            )
    # every quantity and jurisdiction first, so a bad document stops the batch before anything is salted
    quantities = [document.utilization_quantity for document in documents]
    data = [to_json_data(document) for document in documents]
    for index, (document, fields) in enumerate(zip(documents, data, strict=True)):
        check_jurisdiction(document.doc_type, fields, issuer.member_id, where=f"documents.{index}")
    salted = [
        salt_document(document.doc_type, fields, random_bytes=random_bytes)
        for document, fields in zip(documents, data, strict=True)
    ]
    return assemble_batches(
        salted,
        quantities,
        issuer=issuer,
        registry=registry,
        chain_id=chain_id,
        batch_size=batch_size,
    )


def check_jurisdiction(doc_type: str, data: dict[str, Any], member: str, *, where: str) -> None:
    """A member issues only for its own jurisdiction: every field naming the issuing side's
    country must be the issuing member's. `data` is the document's JSON form (as salted)."""
    for field in document_model(doc_type).issuing_country_fields:
        country = field_at(data, field)
        if country != member:
            raise InvalidInput(
                f"{field} is {country}, but the issuer is accredited by {member}: "
                "a member issues only for its own jurisdiction",
                path=f"{where}: {field}",
            )


class _Anchor(_Strict):
    registry: AddressHex
    chain_id: int = Field(ge=1)


def assemble_batches(
    salted: Sequence[SaltedDocument],
    quantities: Sequence[int],
    *,
    issuer: IssuerIdentity,
    registry: str,
    chain_id: int,
    batch_size: int,
) -> list[WrappedBatch]:
    """Merkle trees and wrapped certificates for documents already salted.

    `wrap_documents` salts in this process; a caller that salts in worker processes
    (`salt_document` results pickle) assembles the batches here.
    """
    if not salted:
        raise InvalidInput("nothing to wrap", path="documents")
    if batch_size < 1:
        raise InvalidInput("batch size must be at least 1", path="batch_size")
    if len(quantities) != len(salted):
        raise InvalidInput("one quantity per document", path="quantities")
    try:
        _Anchor(registry=registry, chain_id=chain_id)
    except ValidationError as exc:
        raise InvalidDocument(validation_problems(exc)) from None
    doc_type = salted[0].doc_type
    if any(item.doc_type != doc_type for item in salted):
        raise InvalidInput(f"a batch holds one document type ({doc_type})", path="documents")
    inputs = [LeafInput.of(item, quantity) for item, quantity in zip(salted, quantities, strict=True)]
    leaves = [leaf_input.leaf() for leaf_input in inputs]
    plan = plan_destined(leaves, [member_id_text(i.importing_member) for i in inputs], batch_size)
    places = leaf_places(dict(enumerate(plan.trees)), plan.tree_of, leaves)
    batches: list[list[WrappedCertificate]] = [[] for _ in plan.trees]
    for item, leaf_input, which, (root, path) in zip(salted, inputs, plan.tree_of, places, strict=True):
        batches[which].append(
            wrap_salted(item, leaf_input, PlannedLeaf(root, path), issuer=issuer, registry=registry, chain_id=chain_id)
        )
    return [
        WrappedBatch.model_construct(doc_type=doc_type, root=to_hex(tree.root), certificates=certificates)
        for tree, certificates in zip(plan.trees, batches, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class PlannedLeaf:
    """Where one document sits: its tree's root and its Merkle path (hex)."""

    root: str
    path: list[str]


def wrap_salted(
    item: SaltedDocument,
    leaf_input: LeafInput,
    leaf: PlannedLeaf,
    *,
    issuer: IssuerIdentity,
    registry: str,
    chain_id: int,
) -> WrappedCertificate:
    """The wrapped certificate for a salted document placed in a planned tree."""
    return WrappedCertificate.model_construct(
        version=WRAPPED_VERSION,
        type=item.doc_type,
        data=item.data,
        salts=item.salts,
        obfuscated=[],
        hidden=[],
        document_hash=to_hex(item.document_hash),
        proof=CertificateProof.model_construct(
            root=leaf.root,
            path=leaf.path,
            quantity=leaf_input.quantity,
            number_hash=to_hex(leaf_input.number_hash),
            importing_member=member_id_text(leaf_input.importing_member),
            registry=registry,
            chain_id=chain_id,
            cert_type=to_hex(type_id(item.doc_type)),
        ),
        issuer=issuer,
    )


def check_integrity(wrapped: WrappedCertificate) -> IntegrityResult:
    """Recompute field hashes, document hash, leaf and Merkle path; check the quantity."""
    try:
        found = _check(wrapped)
    except _IntegrityError as failure:
        return IntegrityResult(valid=False, reason=failure.finding.english, finding=failure.finding)
    return IntegrityResult(valid=True, reason=found.english, finding=found)


class _IntegrityError(Exception):
    """Raised inside the check with the finding that made it fail."""

    def __init__(self, code: FindingCode, **values: object) -> None:
        self.finding = finding(code, **values)
        super().__init__(self.finding.english)


def _check(wrapped: WrappedCertificate) -> Finding:
    if wrapped.type not in DOCUMENT_TYPES:
        raise _IntegrityError(FindingCode.UNKNOWN_TYPE, type=repr(wrapped.type))
    if wrapped.proof.cert_type != to_hex(type_id(wrapped.type)):
        raise _IntegrityError(FindingCode.TYPE_MISMATCH)
    try:
        leaves = flatten(wrapped.data)
    except InvalidInput as exc:
        raise _IntegrityError(FindingCode.DATA_MALFORMED, detail=exc) from None
    unsalted = leaves.keys() - wrapped.salts.keys()
    if unsalted:
        raise _IntegrityError(FindingCode.FIELD_WITHOUT_SALT, field=min(unsalted))
    valueless = wrapped.salts.keys() - leaves.keys()
    if valueless:
        raise _IntegrityError(FindingCode.SALT_WITHOUT_FIELD, field=min(valueless))
    try:
        hashes = field_hashes(leaves, wrapped.salts)
    except (TypeError, ValueError, LedgerError) as exc:  # e.g. NaN or lone surrogates
        raise _IntegrityError(FindingCode.NOT_CANONICAL, detail=exc) from None
    hashes.extend(from_hex(hidden) for hidden in wrapped.obfuscated)
    shown_and_hidden = set(wrapped.hidden) & leaves.keys()
    if shown_and_hidden:
        raise _IntegrityError(FindingCode.HIDDEN_FIELD_HAS_VALUE, field=min(shown_and_hidden))
    if len(wrapped.hidden) > len(wrapped.obfuscated):
        raise _IntegrityError(FindingCode.TOO_MANY_HIDDEN)
    computed = document_hash(wrapped.type, hashes)
    if to_hex(computed) != wrapped.document_hash:
        raise _IntegrityError(FindingCode.DATA_ALTERED)
    _check_bindings(wrapped)
    leaf = wrapped.leaf_input(computed).leaf()
    proof = [from_hex(node) for node in wrapped.proof.path]
    if not verify(from_hex(wrapped.proof.root), leaf, proof):
        raise _IntegrityError(FindingCode.PROOF_NOT_TO_ROOT)
    expected = _visible_quantity(wrapped)
    if expected is not None and expected != wrapped.proof.quantity:
        raise _IntegrityError(FindingCode.QUANTITY_DIFFERS, quantity=wrapped.proof.quantity, total=expected)
    if expected is None:
        return finding(FindingCode.INTEGRITY_AGREES_QUANTITY_HIDDEN)
    return finding(FindingCode.INTEGRITY_AGREES)


def _check_bindings(wrapped: WrappedCertificate) -> None:
    """The visible certificate number and importing country agree with what the leaf commits to."""
    model = document_model(wrapped.type)
    number = field_at(wrapped.data, model.number_field)
    if number is not None:
        try:
            committed = to_hex(number_hash(str(number)))
        except InvalidCertificateNumber as exc:
            # issued before numbers were limited to ASCII: what the leaf committed to then stands
            committed = to_hex(_number_hash_before_the_ascii_rule(str(number)))
            if committed != wrapped.proof.number_hash:
                raise _IntegrityError(
                    FindingCode.NUMBER_MALFORMED,
                    field=model.number_field,
                    number=repr(number),
                    character=exc.character or "-",
                ) from None
    if number is not None and committed != wrapped.proof.number_hash:
        raise _IntegrityError(FindingCode.NUMBER_NOT_COMMITTED, field=model.number_field, number=repr(number))
    importing = field_at(wrapped.data, model.importing_country_field)
    if importing is not None and str(importing) != wrapped.proof.importing_member:
        raise _IntegrityError(
            FindingCode.IMPORTING_MEMBER_DIFFERS,
            field=model.importing_country_field,
            country=importing,
            member=wrapped.proof.importing_member,
        )


def _visible_quantity(wrapped: WrappedCertificate) -> int | None:
    """The items' utilization quantity, or None when some item or quantity is hidden."""
    items = wrapped.data.get("items")
    if not isinstance(items, list) or not items:
        return None
    parsed = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "quantity" not in item or "unit_code" not in item:
            return None
        try:
            parsed.append(QuantifiedItem(quantity=item["quantity"], unit_code=item["unit_code"]))
        except ValidationError as exc:
            reason = exc.errors(include_url=False)[0]["msg"]
            raise _IntegrityError(FindingCode.ITEM_MALFORMED, index=index, detail=reason) from None
    try:
        return utilization_of(parsed)
    except InvalidInput as exc:
        raise _IntegrityError(FindingCode.ITEMS_NOT_SUMMABLE, detail=exc) from None


def hide(wrapped: WrappedCertificate, paths: Sequence[str]) -> WrappedCertificate:
    """A copy with the fields at `paths` (and every field under them) hidden.

    Their values and salts are removed and their field hashes added to `obfuscated`, so the
    copy verifies like the original while the hidden values cannot be recovered from it.
    """
    if not paths:
        raise InvalidInput("name at least one field to hide", path="fields")
    leaves = flatten(wrapped.data)
    hidden = select_paths(leaves.keys() & wrapped.salts.keys(), paths)
    new_hashes = [to_hex(field_hash(p, wrapped.salts[p], leaves[p])) for p in sorted(hidden)]
    return wrapped.model_copy(
        update={
            "data": without_paths(wrapped.data, hidden),
            "salts": {p: s for p, s in wrapped.salts.items() if p not in hidden},
            "obfuscated": sorted([*wrapped.obfuscated, *new_hashes]),
            "hidden": sorted({*wrapped.hidden, *hidden}),
        }
    )


def parse_wrapped(data: Any) -> WrappedCertificate:
    """Validate already-decoded JSON as a wrapped certificate."""
    if isinstance(data, dict) and data.get("version") == 1:
        raise InvalidInput(
            "this is a version 1 wrapped certificate: its leaf commits neither to the certificate number nor "
            "to the importing member, so it cannot be utilized safely; it must be issued again",
            path="version",
        )
    try:
        return WrappedCertificate.model_validate(data)
    except ValidationError as exc:
        raise InvalidDocument(validation_problems(exc)) from None


def read_wrapped(path: Path) -> WrappedCertificate:
    """Load a wrapped certificate file (a W3C Verifiable Credential export is accepted too)."""
    try:
        data = load_strict(path, max_bytes=MAX_WRAPPED_BYTES)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", path=str(path)) from None
    return parse_certificate_data(data, source=str(path))


def loads_wrapped(content: bytes, *, source: str) -> WrappedCertificate:
    """A wrapped certificate (or VC export) from the bytes of its file; `source` names it in errors."""
    return parse_certificate_data(loads_strict(content, source=source, max_bytes=MAX_WRAPPED_BYTES), source=source)


def parse_certificate_data(data: Any, *, source: str = "the document") -> WrappedCertificate:
    """Decoded JSON as a wrapped certificate, or as its W3C Verifiable Credential export.

    A document that was never issued (valid as a known document type, with no wrapping) is
    NotIssued, naming it by `source`, rather than a list of what a wrapped certificate lacks.
    """
    if isinstance(data, dict) and "@context" in data:
        from ledger.certificates.vc import from_credential  # the VC module builds on this one

        return from_credential(data)
    try:
        return parse_wrapped(data)
    except InvalidDocument:
        doc_type = unissued_type(data)
        if doc_type is not None:
            raise NotIssued(source, doc_type) from None
        raise


def unissued_type(data: Any) -> str | None:
    """The type of a plain document `data` validates as (a document before it is issued), if any."""
    if not isinstance(data, dict) or "proof" in data or "salts" in data:
        return None
    for doc_type, model in DOCUMENT_TYPES.items():
        try:
            model.model_validate(data)
        except ValidationError:
            continue
        return doc_type
    return None


def write_wrapped(wrapped: WrappedCertificate, path: Path) -> None:
    """Write a wrapped certificate as UTF-8 JSON (non-ASCII text kept readable), atomically."""
    write_atomic(path, wrapped_json(wrapped))


def wrapped_json(wrapped: WrappedCertificate) -> str:
    """The wrapped certificate's JSON text."""
    return wrapped_bytes(wrapped).decode("utf-8")


def wrapped_bytes(wrapped: WrappedCertificate) -> bytes:
    """The wrapped certificate's file content: its JSON text as UTF-8, as the serializer makes
    it (a batch writes the bytes, without decoding them to text and encoding them back)."""
    # pydantic's serializer: the stdlib encoder with indent is pure Python and ~20x slower.
    return WrappedCertificate.__pydantic_serializer__.to_json(wrapped, indent=2) + b"\n"
