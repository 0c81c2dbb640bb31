"""Where CertificateRegistry and Consortium keep what a certificate bundle proves: storage slots
and packed fields, in ONE place.

Source: `forge inspect CertificateRegistry storageLayout` and `forge inspect Consortium
storageLayout` (solc 0.8.30, contracts/src), the key derivations in CertificateRegistry's
assembly (`_batchId`, `_certificateId`, `_numberKey`) and Consortium's `_key`, and the packed
struct layouts (fields from the low bits: `issue` and `_setStatus` write them in one word; the
`--json` layout gives the same offsets). A mapping entry lives at
keccak256(abi.encode(key, slotIndex)); a struct's fields from there on, word by word; a
dynamic array's elements at keccak256(its length slot) + index.

tests/ledger/certificates/test_bundle.py checks every slot and field here against the
contracts' own views at the same block, so a layout change breaks that test, not an auditor.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.hashing.keccak import keccak256

# ---------------------------------------------------------------- CertificateRegistry
REGISTRY_BATCHES = 0  # mapping(bytes32 batchId => BatchRecord)           one word
REGISTRY_CERTIFICATES = 1  # mapping(bytes32 certificateId => CertificateRecord) one word
REGISTRY_SUCCESSORS = 2  # mapping(bytes32 certificateId => Successor)      two words: root, leaf
REGISTRY_NUMBERS = 3  # mapping(bytes32 numberKey => uint256)  drawn total (low 128), first declaration tag

# ---------------------------------------------------------------- Consortium
CONSORTIUM_MEMBERS = 0  # mapping(bytes32 memberId => MemberRecord): id, name, [admin|active|joinedAt], [leftAt|term]
CONSORTIUM_TERM_MEMBER = 2  # mapping(uint32 term => bytes32 memberId)
CONSORTIUM_ENDED_TERMS = 3  # mapping(uint32 term => EndedTerm): memberId, leftAt
CONSORTIUM_ACCREDITATIONS = 9  # mapping(bytes32 key => Grant) one word: term, since, until
CONSORTIUM_FORMER_PERIODS = 10  # mapping(bytes32 key => Period[]) one word each: since, until
CONSORTIUM_LISTED = 13  # mapping(address registry => ListedRegistry): kind, [version|active]
CONSORTIUM_REGISTRY_INTERVALS = 14  # mapping(address registry => Interval[]) one word each: since, until
MEMBER_FLAGS_WORD = 2  # MemberRecord word 2: admin (160 bits), active (8), joinedAt (64)
MEMBER_TERM_WORD = 3  # MemberRecord word 3: leftAt (64), term (32)

U48 = (1 << 48) - 1
U64 = (1 << 64) - 1
U128 = (1 << 128) - 1
U160 = (1 << 160) - 1


def _word(value: bytes | int) -> bytes:
    return value.to_bytes(32, "big") if isinstance(value, int) else value.rjust(32, b"\0")


def _slot(data: bytes) -> int:
    return int.from_bytes(keccak256(data), "big")


def mapping_slot(key: bytes | int, base: int) -> int:
    """keccak256(abi.encode(key, base)) for a value-type key (addresses right-aligned)."""
    return _slot(_word(key) + _word(base))


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
    return mapping_slot(batch_id(root, cert_type), REGISTRY_BATCHES)


def certificate_slot(root: bytes, cert_type: bytes, leaf: bytes) -> int:
    return mapping_slot(certificate_id(root, cert_type, leaf), REGISTRY_CERTIFICATES)


def successor_slots(root: bytes, cert_type: bytes, leaf: bytes) -> tuple[int, int]:
    base = mapping_slot(certificate_id(root, cert_type, leaf), REGISTRY_SUCCESSORS)
    return base, base + 1


def number_slot(key: bytes) -> int:
    return mapping_slot(key, REGISTRY_NUMBERS)


def grant_slot(key: bytes) -> int:
    return mapping_slot(key, CONSORTIUM_ACCREDITATIONS)


def term_member_slot(term: int) -> int:
    return mapping_slot(term, CONSORTIUM_TERM_MEMBER)


def ended_term_slots(term: int) -> tuple[int, int]:
    base = mapping_slot(term, CONSORTIUM_ENDED_TERMS)
    return base, base + 1


def member_slots(member_id: bytes) -> tuple[int, int]:
    """The words of MemberRecord with `active` and `leftAt`."""
    base = mapping_slot(member_id, CONSORTIUM_MEMBERS)
    return base + MEMBER_FLAGS_WORD, base + MEMBER_TERM_WORD


def former_periods_length_slot(key: bytes) -> int:
    return mapping_slot(key, CONSORTIUM_FORMER_PERIODS)


def former_period_slot(key: bytes, index: int) -> int:
    return _slot(_word(former_periods_length_slot(key))) + index


def listed_kind_slot(registry: str) -> int:
    """The word of ListedRegistry with the kind the consortium lists `registry` as (zero: not listed)."""
    return mapping_slot(bytes.fromhex(registry[2:]), CONSORTIUM_LISTED)


def registry_intervals_length_slot(registry: str) -> int:
    return mapping_slot(bytes.fromhex(registry[2:]), CONSORTIUM_REGISTRY_INTERVALS)


def registry_interval_slot(registry: str, index: int) -> int:
    return _slot(_word(registry_intervals_length_slot(registry))) + index


# ---------------------------------------------------------------- packed words


@dataclass(frozen=True)
class BatchRecord:
    issuer: str  # 0x + 40 hex, lower case; zero address: never issued
    issued_at: int
    expires_at: int

    @classmethod
    def of(cls, word: int) -> BatchRecord:
        return cls("0x" + (word & U160).to_bytes(20, "big").hex(), (word >> 160) & U48, (word >> 208) & U48)


@dataclass(frozen=True)
class CertificateRecord:
    status: int
    reason: int
    changed_at: int

    @classmethod
    def of(cls, word: int) -> CertificateRecord:
        return cls(word & 0xFF, (word >> 8) & 0xFFFF, (word >> 24) & U48)


@dataclass(frozen=True)
class Grant:
    term: int
    since: int
    until: int

    @classmethod
    def of(cls, word: int) -> Grant:
        return cls(word & 0xFFFFFFFF, (word >> 32) & U64, (word >> 96) & U64)


@dataclass(frozen=True)
class Period:
    since: int
    until: int

    @classmethod
    def of(cls, word: int) -> Period:
        return cls(word & U64, (word >> 64) & U64)


def member_active(flags_word: int) -> bool:
    return (flags_word >> 160) & 0xFF != 0


def member_left_at(term_word: int) -> int:
    return term_word & U64


def drawn(number_word: int) -> int:
    """The drawn total of a number record (its low 128 bits)."""
    return number_word & U128
