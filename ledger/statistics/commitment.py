"""A table's commitment: each row a canonical leaf, the leaves one Merkle tree (OpenZeppelin
conventions, `ledger.hashing.merkle`), its root what the reporter commits on chain.

leaf = keccak256(keccak256(abi.encode(bytes32 reporter, bytes32 partner, uint8 flow,
uint32 period, bytes32 hsCode, uint256 valueCents, uint256 quantityMillionths, bytes32 unit)))

Member ids, HS codes and units are their ASCII text left-aligned in 32 bytes, as Solidity's
`bytes32("CN")`; flow is 0 export, 1 import; period YYYYMM; the value in US cents; the
quantity in millionths of the unit (0 and a zero unit when none is reported). Every leaf names
its table (reporter, partner, flow, month), so a row proven from one table cannot pass as a row
of another. The root does not depend on the order of the rows or on how the file spells them.
"""

from __future__ import annotations

from eth_abi.abi import encode as abi_encode

from ledger.hashing.keccak import keccak256
from ledger.hashing.merkle import MerkleTree, verify
from ledger.ids import ascii_bytes32, member_id_bytes
from ledger.statistics.table import StatisticsRow, StatisticsTable, period_code

LEAF_TYPES = ("bytes32", "bytes32", "uint8", "uint32", "bytes32", "uint256", "uint256", "bytes32")


def row_leaf(row: StatisticsRow) -> bytes:
    """The row's Merkle leaf (see the module's docstring)."""
    encoded = abi_encode(
        list(LEAF_TYPES),
        [
            member_id_bytes(row.reporter),
            member_id_bytes(row.partner),
            row.flow.code,
            period_code(row.period),
            ascii_bytes32(row.hs_code),
            row.value_cents,
            row.quantity_millionths,
            ascii_bytes32(row.unit) if row.unit else b"\0" * 32,
        ],
    )
    return keccak256(keccak256(encoded))


def table_tree(table: StatisticsTable) -> MerkleTree:
    return MerkleTree.build([row_leaf(r) for r in table.rows])


def table_root(table: StatisticsTable) -> bytes:
    """The root a reporter commits for this table."""
    return table_tree(table).root


def row_proof(table: StatisticsTable, row: StatisticsRow) -> list[bytes]:
    """The Merkle path of one row: what proves that row, alone, against the committed root."""
    return table_tree(table).proof(row_leaf(row))


def row_in_root(row: StatisticsRow, proof: list[bytes], root: bytes) -> bool:
    """True when `proof` proves `row` against `root`."""
    return verify(root, row_leaf(row), proof)
