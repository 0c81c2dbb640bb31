"""Send quorum-signed batches with `submitChanges`, pipelined, and settle every outcome.

Before sending, each claimed batch is reconciled with the chain: a used nonce means the batch
was applied already (by this oracle before a crash, or by another), so it is done without a
transaction. Gas is estimated for every batch in one JSON-RPC batch, which also tells which
batches the contract would refuse; the rest go out with `send_batch` (all sent in nonce
order before any is awaited) and are confirmed by polling receipts in JSON-RPC batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ledger.aeo.registry import CONTRACT
from ledger.chain.client import GAS_MARGIN, LedgerClient
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import batch_call, latest_timestamp
from ledger.errors import ContractRevert, LedgerError, TransactionFailed
from ledger.ids import member_id_bytes
from oracles.outbox import Batch, Outbox

SETTLED_ERRORS = {"OracleQuorumNonceUsed"}
SIGNER_ERRORS = {"OracleQuorumNotOracle", "OracleQuorumOracleOfOtherMember"}


@dataclass
class SubmitResult:
    sent: int = 0
    done_batches: int = 0
    done_changes: int = 0
    released: int = 0
    dead: int = 0
    gas_used: int = 0


def batch_registry(client: LedgerClient, batch: Batch) -> str:
    """The AeoRegistry version a batch goes to (in an outbox from before versions, the
    deployment record's: version 1)."""
    return batch.registry or str(client.address_of(CONTRACT))


class Submitter:
    def __init__(self, *, client: LedgerClient, outbox: Outbox, member: str, source: str) -> None:
        self.client = client
        self.member = member  # only this member's batches are loaded, given back or changed
        self.outbox = outbox
        self.source = source

    def submit(self, batch_ids: Sequence[str]) -> SubmitResult:
        result = SubmitResult()
        try:
            self._submit(self.outbox.load(self.member, batch_ids), result)
        finally:
            self.outbox.unclaim(self.member, batch_ids)  # only those still 'submitting' (never sent)
        return result

    def _submit(self, batches: list[Batch], result: SubmitResult) -> None:
        batches = self._drop_applied(batches, result)
        if not batches:
            return
        now = latest_timestamp(self.client)
        live = []
        for batch in batches:
            if batch.deadline < now + 5:
                self.outbox.release(batch.id, "expired", f"deadline {batch.deadline} passed", solo=False)
                result.released += 1
            else:
                live.append(batch)
        if not live:
            return
        txs = [self._tx(b) for b in live]
        sendable: list[tuple[Batch, dict[str, Any], int]] = []
        for batch, tx, estimate in zip(live, txs, self.client.estimates(txs), strict=True):
            if isinstance(estimate, LedgerError):
                self._refused(batch, estimate, result)
            else:
                sendable.append((batch, tx, estimate))
        if not sendable:
            return
        gas = int(max(g for _, _, g in sendable) * GAS_MARGIN) + 10_000
        # Other oracles may fill blocks meanwhile (base fee rises): price with a margin.
        hashes = self._send([tx for _, tx, _ in sendable], gas)
        self.outbox.record_submitted([(b.id, h) for (b, _, _), h in zip(sendable, hashes, strict=True)])
        result.sent += len(hashes)
        receipts = dict(zip(hashes, self.client.receipts(hashes), strict=True))
        ok = [b for (b, _, _), h in zip(sendable, hashes, strict=True) if receipts[h]["status"] == 1]
        failed = [b for (b, _, _), h in zip(sendable, hashes, strict=True) if receipts[h]["status"] != 1]
        result.gas_used += sum(r["gasUsed"] for r in receipts.values())
        self._done(ok, result, "")
        # A failed transaction: another oracle's landed first (nonce used), or re-check why.
        for batch in self._drop_applied(failed, result):
            error = self._why(batch)
            self._refused(batch, error, result)

    def _send(self, txs: list[dict[str, Any]], gas: int) -> list[str]:
        # Other oracles may fill blocks meanwhile (the base fee rises): price with room for it.
        return self.client.send_batch(txs, gas=gas, base_fee_room=True)

    def _drop_applied(self, batches: list[Batch], result: SubmitResult) -> list[Batch]:
        if not batches:
            return []
        used = batch_call(
            self.client,
            [
                ContractBinding(self.client, CONTRACT, batch_registry(self.client, b)).fn(
                    "isOracleNonceUsed", member_id_bytes(b.member), b.nonce
                )
                for b in batches
            ],
        )
        applied = [b for b, u in zip(batches, used, strict=True) if u]
        self._done(applied, result, "nonce already used: applied earlier")
        return [b for b, u in zip(batches, used, strict=True) if not u]

    def _done(self, batches: list[Batch], result: SubmitResult, note: str) -> None:
        if batches:
            self.outbox.mark_done([b.id for b in batches], note)
            result.done_batches += len(batches)
            result.done_changes += sum(len(b.changes) for b in batches)

    def _refused(self, batch: Batch, error: Exception, result: SubmitResult) -> None:
        name = error.name if isinstance(error, ContractRevert) else ""
        if name in SETTLED_ERRORS:
            self._done([batch], result, str(error))
        elif name == "OracleQuorumExpired":
            self.outbox.release(batch.id, "expired", str(error), solo=False)
            result.released += 1
        elif name in SIGNER_ERRORS and isinstance(error, ContractRevert):
            self.outbox.drop_signature(self.member, batch.id, str(error.values.get("signer", "")))
        elif len({c.operator for c in batch.changes}) > 1:
            # All or nothing: retry each operator alone to find the change the contract refuses.
            self.outbox.release(batch.id, "failed", str(error), solo=True)
            result.released += 1
        else:
            self.outbox.dead_letter_batch(batch.id, self.source, str(error))
            result.dead += len(batch.changes)

    def _tx(self, batch: Batch) -> dict[str, Any]:
        data = (
            self.client.artifacts.codec(CONTRACT)
            .function("submitChanges")
            .call_data(
                member_id_bytes(batch.member),
                [c.as_tuple() for c in batch.changes],
                batch.nonce,
                batch.deadline,
                list(batch.signatures.values())[:16],
            )
        )
        return {"to": batch_registry(self.client, batch), "data": data}

    def _why(self, batch: Batch) -> Exception:
        [estimate] = self.client.estimates([self._tx(batch)])
        if isinstance(estimate, LedgerError):
            return estimate
        return TransactionFailed("the transaction failed but succeeds when retried; retrying")
