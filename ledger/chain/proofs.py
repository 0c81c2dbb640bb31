"""Storage proofs an auditor checks offline against one trusted block hash.

`fetch_storage_proof` asks a node (standard JSON-RPC, one batch) for a block header and
`eth_getProof` of an account and some of its storage slots. `verify_storage_proof` then uses
nothing but that bundle: it recomputes the block hash from the header fields
(`ledger.chain.headers`), walks the account proof from the header's stateRoot to the account
(Merkle-Patricia trie, key keccak256(address)), and each storage proof from the account's
storageRoot to its slot (key keccak256(slot as 32 bytes)). Any mismatch raises ProofInvalid
with the step that failed.

The trie walk is py-trie's (`trie`, the Ethereum Foundation's implementation): it installs next
to web3 8 / eth-account 0.14 (it needs eth-utils >= 2, hexbytes >= 2, rlp >= 5). It verifies a
proof by storing each node under keccak256 of its RLP and looking the key up from the root, so a
changed, missing or truncated node shows as a node the path cannot reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import rlp
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel
from trie.exceptions import BadTrieProof, InvalidNode
from trie.exceptions import ValidationError as TrieValidationError
from trie.hexary import HexaryTrie

from ledger.chain.client import LedgerClient
from ledger.chain.headers import (
    Address,
    BlockHeader,
    Data,
    Hash32,
    Quantity,
    Slot,
    as_bytes,
    block_hashes,
    check_header_shape,
    slot_hex,
)
from ledger.errors import InvalidInput, ProofInvalid, ReadFailed, TransactionFailed
from ledger.hashing.keccak import keccak256

EMPTY_TRIE_ROOT = keccak256(rlp.encode(b""))
EMPTY_CODE_HASH = keccak256(b"")
FORMAT: Literal["sanzhi-storage-proof/1"] = "sanzhi-storage-proof/1"
BLOCK_TAGS = ("latest", "safe", "finalized", "earliest")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True)


class SlotProof(_Model):
    """eth_getProof's storageProof entry: the slot, its value and the trie nodes to it."""

    key: Slot
    value: Quantity
    proof: list[Data]


class AccountProof(_Model):
    """eth_getProof's answer: the account's fields, the nodes from stateRoot to it, its slots."""

    address: Address
    nonce: Quantity
    balance: Quantity
    code_hash: Hash32
    storage_hash: Hash32
    account_proof: list[Data]
    storage_proof: list[SlotProof]


class StorageProof(_Model):
    """A self-contained bundle: a block header and an account's storage proofs at that block."""

    format: Literal["sanzhi-storage-proof/1"] = FORMAT
    header: BlockHeader
    account: AccountProof

    @classmethod
    def from_json(cls, text: str | bytes) -> StorageProof:
        """Read a bundle; a malformed one is ProofInvalid, like a false one."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ProofInvalid("bundle", f"{where}: {first['msg']} ({exc.error_count()} problems)") from exc

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)


# ------------------------------------------------------------------ fetching


def fetch_storage_proof(
    client: LedgerClient,
    *,
    address: str,
    slots: Sequence[int | bytes | str],
    block: int | str = "latest",
) -> StorageProof:
    """The header of `block` and eth_getProof(address, slots) at it, in one JSON-RPC batch.

    `block` is a number, a block hash (0x + 64 hex digits) or a tag (latest, safe, finalized,
    earliest). A tag can move between the two calls of the batch; the proof is then fetched
    again at the header's hash (EIP-1898), so header and proof always describe one block.
    """
    try:
        keys = [slot_hex(s) for s in slots]
    except ValueError as exc:
        raise InvalidInput(str(exc), path="slots") from exc
    if isinstance(block, int):
        if block < 0:
            raise InvalidInput(f"block number {block} is negative", path="block")
        bundle = _fetch(client, ("eth_getBlockByNumber", hex(block)), address, keys, hex(block))
    elif block in BLOCK_TAGS:
        bundle = _fetch(client, ("eth_getBlockByNumber", block), address, keys, block)
        root = as_bytes(bundle.header.state_root)
        nodes = bundle.account.account_proof
        if nodes and keccak256(as_bytes(nodes[0])) != root:
            return fetch_storage_proof(client, address=address, slots=slots, block=bundle.header.hash)
    else:
        block_hash = _block_hash(block)
        bundle = _fetch(client, ("eth_getBlockByHash", block_hash), address, keys, {"blockHash": block_hash})
    return bundle


def _block_hash(text: str) -> str:
    value = text.lower()
    if len(value) != 66 or not value.startswith("0x") or any(c not in "0123456789abcdef" for c in value[2:]):
        raise InvalidInput(
            f"{text!r} is neither a block number, a tag ({', '.join(BLOCK_TAGS)}) nor a block hash", path="block"
        )
    return value


def _fetch(
    client: LedgerClient, header_call: tuple[str, str], address: str, keys: list[str], at: str | dict[str, str]
) -> StorageProof:
    method, ref = header_call
    block_reply, proof_reply = client.raw_batch([(method, [ref, False]), ("eth_getProof", [address, keys, at])])
    for name, reply in ((method, block_reply), ("eth_getProof", proof_reply)):
        if "error" in reply or not reply.get("result"):
            raise ReadFailed(f"{name} at block {ref}", reply.get("error", "no such block"))
    header_json: dict[str, Any] = block_reply["result"]
    unknown = sorted(set(header_json) - set(BlockHeader.json_fields()) - NOT_HEADER_FIELDS)
    if unknown:
        # a field we cannot place in the RLP would make every bundle of this node fail to verify
        raise TransactionFailed(f"block {ref} has header fields this verifier does not know: {', '.join(unknown)}")
    try:
        bundle = StorageProof(
            header=BlockHeader.model_validate({k: v for k, v in header_json.items() if k not in NOT_HEADER_FIELDS}),
            account=AccountProof.model_validate(proof_reply["result"]),
        )
    except ValidationError as exc:
        raise TransactionFailed(f"node sent a malformed block or proof: {exc.errors()[0]['msg']}") from exc
    if bundle.account.address != address.lower() or [e.key for e in bundle.account.storage_proof] != keys:
        raise TransactionFailed(f"eth_getProof at block {ref} answered for another address or other slots")
    return bundle


# what eth_getBlockBy* returns besides the header fields
NOT_HEADER_FIELDS = frozenset({"transactions", "uncles", "withdrawals", "size", "totalDifficulty"})


# ------------------------------------------------------------------ verifying


def verify_storage_proof(
    proof: StorageProof,
    *,
    trusted_block_hash: str | bytes,
    expected_address: str | None = None,
    expected_code_hash: str | bytes | None = None,
) -> dict[int, int]:
    """slot -> value, proven from `proof` alone against `trusted_block_hash` (no network).

    Raises ProofInvalid naming the failed step: header, account proof, code hash, storage proof.
    A slot proven absent has the value 0. `expected_address` refuses a bundle about another
    account; `expected_code_hash` one about other contract code.
    """
    trusted = _argument_bytes("trusted_block_hash", trusted_block_hash, 32)
    header = proof.header
    account = proof.account
    if expected_address is not None and as_bytes(account.address) != _argument_bytes("address", expected_address, 20):
        raise ProofInvalid("account", f"the bundle is about {account.address}, not {expected_address.lower()}")

    check_header_shape(header)
    hashes = block_hashes(header)
    if trusted not in hashes:
        raise ProofInvalid(
            "header", f"its fields hash to 0x{hashes[0].hex()}, not the trusted block hash 0x{trusted.hex()}"
        )
    if as_bytes(header.hash) != trusted:
        raise ProofInvalid("header", f"its hash field {header.hash} is not the trusted block hash 0x{trusted.hex()}")

    state_root = as_bytes(header.state_root)
    leaf = _trie_get("account proof", state_root, keccak256(as_bytes(account.address)), account.account_proof)
    nonce, balance, storage_root, code_hash = _account_fields(leaf)
    claimed = (int(account.nonce, 16), int(account.balance, 16), account.storage_hash, account.code_hash)
    proven = (nonce, balance, "0x" + storage_root.hex(), "0x" + code_hash.hex())
    for name, said, was in zip(("nonce", "balance", "storageHash", "codeHash"), claimed, proven, strict=True):
        if said != was:
            raise ProofInvalid("account proof", f"the bundle says {name} {said}, the proof gives {was}")

    if expected_code_hash is not None:
        expected = _argument_bytes("expected_code_hash", expected_code_hash, 32)
        if code_hash != expected:
            raise ProofInvalid(
                "code hash", f"the account's code hash is 0x{code_hash.hex()}, expected 0x{expected.hex()}"
            )

    values: dict[int, int] = {}
    for entry in account.storage_proof:
        slot = as_bytes(entry.key)
        what = f"storage proof of slot {entry.key}"
        stored = _trie_get(what, storage_root, keccak256(slot), entry.proof)
        value = _storage_value(what, stored)
        if value != int(entry.value, 16):
            raise ProofInvalid(what, f"the bundle says {entry.value}, the proof gives {hex(value)}")
        values[int.from_bytes(slot, "big")] = value
    return values


def _argument_bytes(name: str, value: str | bytes, length: int) -> bytes:
    """A hash or address the caller passed, as bytes of the right length."""
    try:
        raw = value if isinstance(value, bytes) else bytes.fromhex(value.removeprefix("0x"))
    except ValueError:
        raw = b""
    if len(raw) != length:
        raise InvalidInput(f"expected {length} bytes as 0x-prefixed hex", path=name)
    return raw


def _trie_get(what: str, root: bytes, key: bytes, nodes: Sequence[str]) -> bytes:
    """The value at `key` of the trie with root `root`, from the proof `nodes` (b"" if absent)."""
    decoded = []
    for i, node in enumerate(nodes):
        try:
            decoded.append(rlp.decode(as_bytes(node)))
        except rlp.exceptions.DecodingError as exc:
            raise ProofInvalid(what, f"node {i} is not canonical RLP") from exc
    try:
        value: bytes = HexaryTrie.get_from_proof(root, key, decoded)  # type: ignore[no-untyped-call]  # py-trie leaves it unannotated
    except BadTrieProof as exc:
        raise ProofInvalid(what, f"does not lead from root 0x{root.hex()} to key 0x{key.hex()}: {exc}") from exc
    except (InvalidNode, TrieValidationError, rlp.exceptions.DecodingError, TypeError, ValueError) as exc:
        raise ProofInvalid(what, f"a node is not a trie node: {exc}") from exc
    return value


def _account_fields(leaf: bytes) -> tuple[int, int, bytes, bytes]:
    """nonce, balance, storageRoot, codeHash from the account leaf (an absent account is empty)."""
    if leaf == b"":
        return 0, 0, EMPTY_TRIE_ROOT, EMPTY_CODE_HASH
    try:
        fields = rlp.decode(leaf)
    except rlp.exceptions.DecodingError as exc:
        raise ProofInvalid("account proof", "the account leaf is not RLP") from exc
    ok = isinstance(fields, list) and len(fields) == 4 and all(isinstance(f, bytes) for f in fields)
    if not ok or len(fields[2]) != 32 or len(fields[3]) != 32 or any(f[:1] == b"\0" for f in fields[:2]):
        raise ProofInvalid("account proof", "the account leaf is not [nonce, balance, storageRoot, codeHash]")
    return int.from_bytes(fields[0], "big"), int.from_bytes(fields[1], "big"), fields[2], fields[3]


def _storage_value(what: str, stored: bytes) -> int:
    if stored == b"":
        return 0
    try:
        value = rlp.decode(stored)
    except rlp.exceptions.DecodingError as exc:
        raise ProofInvalid(what, "the slot's leaf is not RLP") from exc
    if value == b"":
        # A leaf holding zero: Ethereum clients delete a slot set to zero, but anvil keeps in its
        # storage trie the zero slots a transaction read (the state root commits to the leaf).
        return 0
    if not isinstance(value, bytes) or not 0 < len(value) <= 32 or value[0] == 0:
        raise ProofInvalid(what, "the slot's leaf is not a canonical 256-bit value")
    return int.from_bytes(value, "big")


__all__ = [
    "AccountProof",
    "Address",
    "BlockHeader",
    "Hash32",
    "SlotProof",
    "StorageProof",
    "fetch_storage_proof",
    "verify_storage_proof",
]
