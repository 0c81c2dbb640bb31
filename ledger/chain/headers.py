"""Block headers as eth_getBlockBy* returns them, and their hash recomputed offline.

The block hash is keccak256 of the RLP list of the header fields in consensus order; the fields
each fork added follow the fifteen original ones, only as far as the chain has reached:
baseFeePerGas (London), withdrawalsRoot (Shanghai), blobGasUsed, excessBlobGas,
parentBeaconBlockRoot (Cancun), requestsHash (Prague).

Besu's QBFT hashes a block over a different extraData than the one in the header: its committed
seals list emptied and its round set to 0 (the seals are collected after the hash is fixed;
Besu's BftBlockHashing.calculateHashOfBftBlockOnchain, QbftExtraDataCodec), except at genesis.
`block_hashes` gives both candidates for a header whose extraData reads as QBFT's
[vanity, validators, vote, round, seals], so the round and seals are the only bytes of such a
header a block hash does not cover. Clique and anvil headers hash as they are.
"""

from __future__ import annotations

from typing import Annotated, Any

import rlp
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

from ledger.errors import ProofInvalid
from ledger.hashing.keccak import keccak256

# ------------------------------------------------------------------ hex fields


def as_bytes(value: str) -> bytes:
    """0x-prefixed hex (as validated by the field types below) to bytes."""
    return bytes.fromhex(value[2:])


def _hex_bytes(length: int | None) -> BeforeValidator:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.startswith("0x"):
            raise ValueError("expected 0x-prefixed hex")
        try:
            raw = bytes.fromhex(value[2:])
        except ValueError:
            raise ValueError("expected an even number of hex digits") from None
        if length is not None and len(raw) != length:
            raise ValueError(f"expected {length} bytes, got {len(raw)}")
        return "0x" + raw.hex()

    return BeforeValidator(check)


def _quantity(value: Any) -> str:
    """A JSON-RPC quantity in canonical form (0x0, 0x1f ...)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("expected a hex quantity")
    number = value if isinstance(value, int) else int(value, 16) if value.startswith("0x") and value[2:] else -1
    if not 0 <= number < 2**256:
        raise ValueError("expected a hex quantity below 2**256")
    return hex(number)


def slot_hex(slot: int | bytes | str) -> str:
    """A storage slot as the 32-byte hex key eth_getProof takes (anvil refuses shorter keys)."""
    if isinstance(slot, bytes):
        slot = int.from_bytes(slot, "big") if len(slot) <= 32 else -1
    elif isinstance(slot, str):
        slot = int(slot, 16) if slot.startswith("0x") and len(slot) <= 66 else -1
    if not 0 <= slot < 2**256:
        raise ValueError("expected a storage slot below 2**256")
    return "0x" + slot.to_bytes(32, "big").hex()


Data = Annotated[str, _hex_bytes(None)]
Hash32 = Annotated[str, _hex_bytes(32)]
Address = Annotated[str, _hex_bytes(20)]
Bloom = Annotated[str, _hex_bytes(256)]
Nonce = Annotated[str, _hex_bytes(8)]
Quantity = Annotated[str, BeforeValidator(_quantity)]
Slot = Annotated[str, BeforeValidator(lambda v: slot_hex(v) if isinstance(v, (str, int)) else v)]


# ------------------------------------------------------------------ the header

# RLP order and kind of every field; `None` after the name marks where the optional ones start
FIELDS: tuple[tuple[str, str], ...] = (
    ("parent_hash", "bytes"),
    ("sha3_uncles", "bytes"),
    ("miner", "bytes"),
    ("state_root", "bytes"),
    ("transactions_root", "bytes"),
    ("receipts_root", "bytes"),
    ("logs_bloom", "bytes"),
    ("difficulty", "int"),
    ("number", "int"),
    ("gas_limit", "int"),
    ("gas_used", "int"),
    ("timestamp", "int"),
    ("extra_data", "bytes"),
    ("mix_hash", "bytes"),
    ("nonce", "bytes"),
    # added by forks, in this order
    ("base_fee_per_gas", "int"),
    ("withdrawals_root", "bytes"),
    ("blob_gas_used", "int"),
    ("excess_blob_gas", "int"),
    ("parent_beacon_block_root", "bytes"),
    ("requests_hash", "bytes"),
)
FIRST_OPTIONAL = 15


class BlockHeader(BaseModel):
    """The header fields of eth_getBlockBy* (JSON-RPC names), and the hash the node gave."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True)

    hash: Hash32
    parent_hash: Hash32
    sha3_uncles: Hash32
    miner: Address
    state_root: Hash32
    transactions_root: Hash32
    receipts_root: Hash32
    logs_bloom: Bloom
    difficulty: Quantity
    number: Quantity
    gas_limit: Quantity
    gas_used: Quantity
    timestamp: Quantity
    extra_data: Data
    mix_hash: Hash32
    nonce: Nonce
    base_fee_per_gas: Quantity | None = None
    withdrawals_root: Hash32 | None = None
    blob_gas_used: Quantity | None = None
    excess_blob_gas: Quantity | None = None
    parent_beacon_block_root: Hash32 | None = None
    requests_hash: Hash32 | None = None

    @classmethod
    def json_fields(cls) -> list[str]:
        return ["hash", *(to_camel(name) for name, _ in FIELDS)]


def check_header_shape(header: BlockHeader) -> None:
    """Fork fields come in order: a later one without an earlier one is no real header."""
    present = [getattr(header, name) is not None for name, _ in FIELDS[FIRST_OPTIONAL:]]
    if False in present and True in present[present.index(False) :]:
        missing = FIELDS[FIRST_OPTIONAL + present.index(False)][0]
        later = FIELDS[FIRST_OPTIONAL + present.index(True, present.index(False))][0]
        raise ProofInvalid("header", f"it has {to_camel(later)} but no {to_camel(missing)}")


def header_rlp(header: BlockHeader, *, extra_data: bytes | None = None) -> bytes:
    """RLP(header) in consensus order, optionally with another extraData."""
    items: list[int | bytes] = []
    for name, kind in FIELDS:
        value = getattr(header, name)
        if value is None:
            break
        if name == "extra_data" and extra_data is not None:
            items.append(extra_data)
        else:
            items.append(int(value, 16) if kind == "int" else as_bytes(value))
    encoded: bytes = rlp.encode(items)
    return encoded


def qbft_onchain_extra_data(extra_data: bytes) -> bytes | None:
    """QBFT extraData as the block hash covers it (round 0, no seals), or None if not QBFT's."""
    try:
        fields = rlp.decode(extra_data)
    except rlp.exceptions.DecodingError:
        return None
    if not isinstance(fields, list) or len(fields) != 5:
        return None
    vanity, validators, vote, _round, seals = fields
    if not (isinstance(vanity, bytes) and isinstance(validators, list) and isinstance(vote, list)):
        return None
    if not isinstance(seals, list) or not isinstance(_round, bytes):
        return None
    encoded: bytes = rlp.encode([vanity, validators, vote, b"", []])
    return encoded


def block_hashes(header: BlockHeader) -> list[bytes]:
    """The hash of this header as Ethereum computes it, then (QBFT extraData) as Besu QBFT does."""
    hashes = [keccak256(header_rlp(header))]
    if int(header.number, 16) > 0:
        qbft = qbft_onchain_extra_data(as_bytes(header.extra_data))
        if qbft is not None:
            hashes.append(keccak256(header_rlp(header, extra_data=qbft)))
    return hashes
