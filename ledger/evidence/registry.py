"""EvidenceRegistry through a LedgerClient: append trade events, submit quorum-signed customs
decisions, read heads and the recorded entries of a consignment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address
from pydantic import BaseModel

from ledger.chain.client import LedgerClient, SentTransaction
from ledger.errors import InvalidInput, TransactionFailed
from ledger.evidence.entries import EvidenceEntry
from ledger.ids import member_id_text

CONTRACT = "EvidenceRegistry"
APPEND_GAS_PER_ENTRY = 60_000  # far above the measured cost; a fixed limit spares an estimate per batch


class Head(BaseModel):
    """What the registry holds for a consignment: how many entries, and the latest link (192 bits)."""

    consignment: str
    seq: int
    link: str


@dataclass(frozen=True)
class RecordedEntry:
    """An entry as the registry's event recorded it, with where and by whom."""

    entry: EvidenceEntry
    seq: int
    link: bytes
    member: bytes
    submitter: str
    timestamp: int
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int

    @property
    def member_id(self) -> str:
        return member_id_text(self.member)


class EvidenceRegistryBinding:
    """Reads and writes of the deployed EvidenceRegistry."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.address = client.address_of(CONTRACT)
        self.codec = client.artifacts.codec(CONTRACT)

    # -------------------------------------------------------------- writes

    def append(self, entries: Sequence[EvidenceEntry]) -> SentTransaction:
        """Append trade or party events as the client's key (accredited with the trade or customs role)."""
        decisions = [e.step for e in entries if e.is_decision]
        if decisions:
            raise InvalidInput(
                f"step {decisions[0]} is a customs decision: it goes on chain through the member's oracles",
                path="step",
            )
        data = self.codec.function("appendEvents").call_data([e.as_tuple() for e in entries])
        tx = {"to": self.address, "data": data}
        self.client.estimate_gas({"from": self.client.address, **tx})
        return self.client.send(tx, gas=APPEND_GAS_PER_ENTRY * max(len(entries), 1) + 100_000)

    def submit_decisions(
        self, *, member: bytes, entries: Sequence[EvidenceEntry], nonce: int, deadline: int, signatures: Sequence[bytes]
    ) -> SentTransaction:
        """Submit customs decisions signed by a quorum of `member`'s oracles."""
        data = self.codec.function("submitDecisions").call_data(
            member, [e.as_tuple() for e in entries], nonce, deadline, list(signatures)
        )
        tx = {"to": self.address, "data": data}
        self.client.estimate_gas({"from": self.client.address, **tx})
        return self.client.send(tx, gas=APPEND_GAS_PER_ENTRY * max(len(entries), 1) + 150_000)

    # -------------------------------------------------------------- reads

    def heads(self, consignments: Sequence[bytes]) -> list[Head]:
        """The registry's head of each consignment (seq 0 for one it has never seen)."""
        fn = self.codec.function("heads")
        found: list[Head] = []
        for start in range(0, len(consignments), 1024):
            part = list(consignments[start : start + 1024])
            [reply] = self.client.raw_batch(
                [("eth_call", [{"to": self.address, "data": fn.call_data(part)}, "latest"])]
            )
            if "error" in reply:
                raise TransactionFailed(f"heads failed: {reply['error']}")
            seqs, links = fn.decode(bytes.fromhex(reply["result"][2:]))
            found += [
                Head(consignment="0x" + c.hex(), seq=int(s), link="0x" + bytes(link).hex())
                for c, s, link in zip(part, seqs, links, strict=True)
            ]
        return found

    def recorded(self, consignment: bytes, *, from_block: int | None = None) -> list[RecordedEntry]:
        """Every entry the registry's events recorded for `consignment`, in order, with the
        submitter (transaction sender) and block time."""
        start = from_block if from_block is not None else self._deployment_block()
        query = {
            "address": self.address,
            "fromBlock": hex(start),
            "toBlock": "latest",
            "topics": ["0x" + self.codec.event_topic("EvidenceAppended").hex(), "0x" + consignment.hex()],
        }
        [reply] = self.client.raw_batch([("eth_getLogs", [query])])
        if "error" in reply:
            raise TransactionFailed(f"the node refused the event query: {reply['error']}")
        logs = sorted(reply["result"], key=lambda e: (int(e["blockNumber"], 16), int(e["logIndex"], 16)))
        return self._with_context(logs)

    def _with_context(self, logs: list[dict[str, Any]]) -> list[RecordedEntry]:
        blocks = sorted({e["blockNumber"] for e in logs})
        txs = sorted({e["transactionHash"] for e in logs})
        calls = [("eth_getBlockByNumber", [b, False]) for b in blocks] + [
            ("eth_getTransactionByHash", [t]) for t in txs
        ]
        replies = self.client.raw_batch(calls) if calls else []
        times = {b: int(r["result"]["timestamp"], 16) for b, r in zip(blocks, replies, strict=False) if r.get("result")}
        senders = {
            t: to_checksum_address(r["result"]["from"])
            for t, r in zip(txs, replies[len(blocks) :], strict=True)
            if r.get("result")
        }
        decoder = self.codec.event_decoder("EvidenceAppended")
        found = []
        for log in logs:
            values = decoder(log)
            entry = EvidenceEntry(
                consignment=values["consignment"],
                event_hash=values["eventHash"],
                step=values["step"],
                event_type=values["eventType"],
                correction=values["correction"],
                document_hash=values["documentHash"],
                cid=values["cid"],
                parents=tuple(values["parents"]),
            )
            found.append(
                RecordedEntry(
                    entry=entry,
                    seq=values["seq"],
                    link=values["link"],
                    member=values["member"],
                    submitter=senders[log["transactionHash"]],
                    timestamp=times[log["blockNumber"]],
                    block_number=int(log["blockNumber"], 16),
                    block_hash=log["blockHash"],
                    tx_hash=log["transactionHash"],
                    log_index=int(log["logIndex"], 16),
                )
            )
        return found

    def _deployment_block(self) -> int:
        deployment = self.client.deployment
        if deployment is None or CONTRACT not in deployment.contracts:
            return 0
        return deployment.contracts[CONTRACT].block
