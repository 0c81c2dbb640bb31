"""Logs of one block range, with their blocks and transactions, as rows of `chain_events`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ledger.chain.history import Header, Transaction
from ledger.index.catalogue import DecodedLog, EventCatalogue, jsonable, query_columns
from ledger.index.signers import SignerReader

QUORUM_EVENT = "OracleNonceUsed"
ISSUE_EVENT = "CertificatesIssued"
DESTINED_EVENT = "CertificatesDestined"


def event_rows(
    *,
    chain_id: int,
    logs: Sequence[dict[str, Any]],
    blocks: dict[int, Header],
    txs: dict[str, Transaction],
    catalogue: EventCatalogue,
    signer_reader: SignerReader,
    issuing_members: Callable[[list[bytes]], dict[bytes, str]],
) -> list[dict[str, Any]]:
    """One row per log, in chain order. `issuing_members` names the member of batches issued
    before this range: a revocation or supersession names its batch, not its member."""
    rows: list[dict[str, Any]] = []
    # (tx, contract) -> signers of the quorum submission whose events follow in that transaction
    quorum: dict[tuple[str, str], list[str] | None] = {}
    issued_here: dict[bytes, str] = {}
    empty = dict.fromkeys(_COLUMNS)
    tx_keys = {tx_hash: bytes.fromhex(tx_hash[2:]) for tx_hash in txs}
    address_keys: dict[str, bytes] = {}
    for log in logs:
        number = int(log["blockNumber"], 16)
        tx_hash = str(log["transactionHash"]).lower()
        address = str(log["address"]).lower()
        decoded: DecodedLog = catalogue.decode(log)
        tx = txs[tx_hash]
        columns = query_columns(decoded.args)
        if decoded.event == QUORUM_EVENT:
            quorum[(tx_hash, address)] = signer_reader.signers(
                to=tx.to, call_data=tx.input, digest=decoded.args["digest"]
            )
        if decoded.event == ISSUE_EVENT and "organisation" in columns:
            issued_here[columns["cert_root"]] = columns["organisation"]
        if address not in address_keys:
            address_keys[address] = bytes.fromhex(address[2:])
        block = blocks[number]
        row = {
            "chain_id": chain_id,
            "block_number": number,
            "block_hash": block.hash,
            "block_time": block.time,
            "tx_hash": tx_keys[tx_hash],
            "log_index": int(log["logIndex"], 16),
            "contract": decoded.contract,
            "contract_address": address_keys[address],
            "event": decoded.event,
            "args": {key: jsonable(value) for key, value in decoded.args.items()},
            "actor": tx.sender,
            "signers": quorum.get((tx_hash, address)) if quorum else None,
            **empty,
        }
        row.update(columns)
        rows.append(row)
    _name_issuing_members(rows, issued_here, issuing_members)
    _name_destinations(rows)
    return rows


_COLUMNS = (
    "organisation",
    "partner",
    "cert_root",
    "cert_leaf",
    "number_key",
    "successor_leaf",
    "operator",
    "account",
    "role",
    "scope",
    "consignment",
)


def _name_destinations(rows: list[dict[str, Any]]) -> None:
    """A batch's issuance row names its destination (the partner of the CertificatesDestined
    the registry emits in the same transaction), so "issued to member X" is one equality."""
    destined = {
        (row["tx_hash"], row["contract_address"], row["cert_root"]): row["partner"]
        for row in rows
        if row["event"] == DESTINED_EVENT and row["partner"] is not None
    }
    if not destined:
        return
    for row in rows:
        if row["event"] == ISSUE_EVENT and row["partner"] is None:
            row["partner"] = destined.get((row["tx_hash"], row["contract_address"], row["cert_root"]))


def _name_issuing_members(
    rows: list[dict[str, Any]], issued_here: dict[bytes, str], earlier: Callable[[list[bytes]], dict[bytes, str]]
) -> None:
    """Certificate changes act for the member that issued the batch: name it."""
    pending = [row for row in rows if row["organisation"] is None and row["cert_root"] is not None]
    if not pending:
        return
    unknown = sorted({row["cert_root"] for row in pending} - issued_here.keys())
    members = {**(earlier(unknown) if unknown else {}), **issued_here}
    for row in pending:
        row["organisation"] = members.get(row["cert_root"])
