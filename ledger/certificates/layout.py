"""Where CertificateRegistry and Consortium keep what a certificate bundle proves: storage slots
and packed fields, in ONE place.

Slots and packed fields come from the compiler's storage layout, exported with the ABI by
`make build` (ledger/chain/compiled/<Name>.json, read through ledger.chain.artifacts); the keys
are CertificateRegistry's `_batchId`, `_certificateId`, `_numberKey` and Consortium's `_key`. A
mapping entry lives at keccak256(abi.encode(key, slotIndex)); a struct's fields from there on,
word by word; a dynamic array's elements at keccak256(its length slot) + index. A variable or
field the layout lacks raises StorageLayoutMissing, naming it.

tests/ledger/certificates/test_bundle.py checks every slot and field here against the
contracts' own views at the same block.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.storage_layout import StorageField, StorageLayout
from ledger.hashing.keccak import keccak256


@cache
def storage_layout(contract: str) -> StorageLayout:
    """The storage layout of the `contract` the package ships (what proofs are made against)."""
    return Artifacts(DEFAULT_ARTIFACTS_DIR).storage_layout(contract)


def _registry_slot(variable: str) -> int:
    return storage_layout("CertificateRegistry").slot(variable)


def _consortium_slot(variable: str) -> int:
    return storage_layout("Consortium").slot(variable)


def _field(contract: str, struct: str, member: str) -> StorageField:
    return storage_layout(contract).field(struct, member)


U64 = (1 << 64) - 1
U128 = (1 << 128) - 1  # a number record: drawn total (low 128 bits), first declaration's tag


def _word(value: bytes | int) -> bytes:
    return value.to_bytes(32, "big") if isinstance(value, int) else value.rjust(32, b"\0")


def _hash_slot(data: bytes) -> int:
    return int.from_bytes(keccak256(data), "big")


def mapping_slot(key: bytes | int, base: int) -> int:
    """keccak256(abi.encode(key, base)) for a value-type key (addresses right-aligned)."""
    return _hash_slot(_word(key) + _word(base))


def batch_id(root: bytes, cert_type: bytes) -> bytes:
    """CertificateRegistry._batchId: keccak256(root ‖ certType)."""
    return keccak256(root + cert_type)


def certificate_id(root: bytes, cert_type: bytes, leaf: bytes) -> bytes:
    """CertificateRegistry._certificateId: keccak256(root ‖ certType ‖ leaf)."""
    return keccak256(root + cert_type + leaf)


def number_key(member_id: bytes, cert_type: bytes, number_hash: bytes) -> bytes:
    """CertificateRegistry._numberKey: keccak256(memberId ‖ certType ‖ numberHash)."""
    return keccak256(member_id + cert_type + number_hash)


def accreditation_key(account: str, role: bytes, scope: bytes) -> bytes:
    """Consortium._key: keccak256(abi.encode(account, role, scope))."""
    return keccak256(_word(bytes.fromhex(account[2:])) + role + scope)


def batch_slot(root: bytes, cert_type: bytes) -> int:
    return mapping_slot(batch_id(root, cert_type), _registry_slot("_batches"))


def certificate_slot(root: bytes, cert_type: bytes, leaf: bytes) -> int:
    return mapping_slot(certificate_id(root, cert_type, leaf), _registry_slot("_certificates"))


def successor_slots(root: bytes, cert_type: bytes, leaf: bytes) -> tuple[int, int]:
    base = mapping_slot(certificate_id(root, cert_type, leaf), _registry_slot("_successors"))
    return base + _field("CertificateRegistry", "Successor", "root").slot, base + _field(
        "CertificateRegistry", "Successor", "leaf"
    ).slot


def number_slot(key: bytes) -> int:
    return mapping_slot(key, _registry_slot("_numbers"))


def grant_slot(key: bytes) -> int:
    return mapping_slot(key, _consortium_slot("_accreditations"))


def term_member_slot(term: int) -> int:
    return mapping_slot(term, _consortium_slot("_termMember"))


def ended_term_slots(term: int) -> tuple[int, int]:
    base = mapping_slot(term, _consortium_slot("_endedTerms"))
    return base + _field("Consortium", "EndedTerm", "memberId").slot, base + _field(
        "Consortium", "EndedTerm", "leftAt"
    ).slot


def member_slots(member_id: bytes) -> tuple[int, int]:
    """The words of MemberRecord with `active` and `leftAt`."""
    base = mapping_slot(member_id, _consortium_slot("_members"))
    return base + _field("Consortium", "MemberRecord", "active").slot, base + _field(
        "Consortium", "MemberRecord", "leftAt"
    ).slot


def former_periods_length_slot(key: bytes) -> int:
    return mapping_slot(key, _consortium_slot("_formerPeriods"))


def former_period_slot(key: bytes, index: int) -> int:
    return _hash_slot(_word(former_periods_length_slot(key))) + index


def listed_kind_slot(registry: str) -> int:
    """The word of ListedRegistry with the kind the consortium lists `registry` as (zero: not listed)."""
    base = mapping_slot(bytes.fromhex(registry[2:]), _consortium_slot("_listed"))
    return base + _field("Consortium", "ListedRegistry", "kind").slot


def registry_intervals_length_slot(registry: str) -> int:
    return mapping_slot(bytes.fromhex(registry[2:]), _consortium_slot("_registryIntervals"))


def registry_interval_slot(registry: str, index: int) -> int:
    return _hash_slot(_word(registry_intervals_length_slot(registry))) + index


# ---------------------------------------------------------------- packed words


@dataclass(frozen=True)
class BatchRecord:
    issuer: str  # 0x + 40 hex, lower case; zero address: never issued
    issued_at: int
    expires_at: int

    @classmethod
    def of(cls, word: int) -> BatchRecord:
        def get(member: str) -> int:
            return _field("CertificateRegistry", "BatchRecord", member).read(word)

        return cls("0x" + get("issuer").to_bytes(20, "big").hex(), get("issuedAt"), get("expiresAt"))


@dataclass(frozen=True)
class CertificateRecord:
    status: int
    reason: int
    changed_at: int

    @classmethod
    def of(cls, word: int) -> CertificateRecord:
        def get(member: str) -> int:
            return _field("CertificateRegistry", "CertificateRecord", member).read(word)

        return cls(get("status"), get("reason"), get("changedAt"))


@dataclass(frozen=True)
class Grant:
    term: int
    since: int
    until: int

    @classmethod
    def of(cls, word: int) -> Grant:
        def get(member: str) -> int:
            return _field("Consortium", "Grant", member).read(word)

        return cls(get("term"), get("since"), get("until"))


@dataclass(frozen=True)
class Period:
    since: int
    until: int

    @classmethod
    def of(cls, word: int) -> Period:
        return cls(
            _field("Consortium", "Period", "since").read(word), _field("Consortium", "Period", "until").read(word)
        )


def interval_of(word: int) -> tuple[int, int]:
    """(since, until) of a registry's active interval (IConsortium.Interval, one word)."""
    return (
        _field("Consortium", "IConsortium.Interval", "since").read(word),
        _field("Consortium", "IConsortium.Interval", "until").read(word),
    )


def ended_term_left_at(word: int) -> int:
    """When an ended term's member left (EndedTerm.leftAt, in its word)."""
    return _field("Consortium", "EndedTerm", "leftAt").read(word)


def member_active(flags_word: int) -> bool:
    return _field("Consortium", "MemberRecord", "active").read(flags_word) != 0


def member_left_at(term_word: int) -> int:
    return _field("Consortium", "MemberRecord", "leftAt").read(term_word)


def drawn(number_word: int) -> int:
    """The drawn total of a number record (its low 128 bits)."""
    return number_word & U128
