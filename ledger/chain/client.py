"""LedgerClient: the one way sanzhi talks to a chain (JSON-RPC only, any EVM client)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import requests
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3 import HTTPProvider, Web3
from web3.exceptions import ContractLogicError, TimeExhausted, Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.types import TxReceipt

from ledger.chain.artifacts import Artifacts
from ledger.chain.deployments import Deployment
from ledger.chain.nonces import NonceManager
from ledger.chain.reverts import revert_error
from ledger.chain.sent_journal import JournalEntry, SentJournal
from ledger.chain.transport import RpcTransport
from ledger.errors import (
    ContractRevert,
    KeyUnavailable,
    LedgerError,
    NodeNotRunning,
    NotDeployed,
    ReadFailed,
    TransactionFailed,
    WrongChain,
)

T = TypeVar("T")
GAS_MARGIN = 1.25


@dataclass(frozen=True)
class SentTransaction:
    """A mined, successful transaction."""

    tx_hash: str
    block_number: int
    gas_used: int
    receipt: TxReceipt


class NodeSnapshots(Protocol):
    """Snapshots of the embedded node's state that its senders take after sending (the
    development node's own, ledger/devnet/checkpoint.py): `own` is the sender's nonce lock file
    with the way it holds it."""

    def due(self) -> bool: ...

    def take(self, own: tuple[Path, Callable[[], AbstractContextManager[None]]] | None = None) -> bool: ...


class LedgerClient:
    """Chain access for one organisation's key: reads, transactions, reverts as LedgerErrors."""

    def __init__(
        self,
        *,
        rpc_url: str,
        artifacts: Artifacts,
        deployment: Deployment | None = None,
        account: LocalAccount | None = None,
        expected_chain_id: int | None = None,
        lock_dir: Path | None = None,
        tx_timeout_seconds: float = 120.0,
        sent_journal: SentJournal | None = None,
        checkpoint: NodeSnapshots | None = None,
    ) -> None:
        self.rpc_url = rpc_url
        self.artifacts = artifacts
        self.deployment = deployment
        self.account = account
        self.tx_timeout_seconds = tx_timeout_seconds
        # the embedded node's journal (ledger/chain/sent_journal.py): None on any other node
        self.sent_journal = sent_journal
        # its snapshots, taken after sends (ledger/devnet/checkpoint.py): None on any other node
        self.checkpoint = checkpoint
        self._lock_path = lock_dir / f"{account.address.lower()}.lock" if lock_dir and account else None
        self.w3 = Web3(HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))
        # Besu QBFT/Clique blocks carry more than 32 bytes of extraData.
        self.w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
        self._transport = RpcTransport(rpc_url)
        # JSON-RPC calls and HTTP requests made through raw_batch (benchmarks report them).
        self.raw_calls = 0
        self.raw_requests = 0
        # (consortium, registry) -> the consortium's listing of a registry it lists, as verification
        # read it (ledger/certificates/trust.py: a listed registry's kind never changes and its
        # intervals only grow, so a listing read once answers for every batch it covers)
        self.listings: dict[tuple[str, str], Any] = {}
        self._expected_chain_id = expected_chain_id
        self._chain_id: int | None = None
        self._nonces = NonceManager(self.w3, account.address, self._lock_path) if account else None

    # ------------------------------------------------------------------ node

    def rpc(self, fn: Callable[[], T]) -> T:
        """Run a node request, turning an unreachable node into NodeNotRunning."""
        try:
            return fn()
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NodeNotRunning(self.rpc_url, type(exc).__name__) from exc

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            chain_id = self.rpc(lambda: self.w3.eth.chain_id)
            if self._expected_chain_id is not None and chain_id != self._expected_chain_id:
                raise WrongChain(self._expected_chain_id, chain_id)
            self._chain_id = chain_id
        return self._chain_id

    def block_number(self) -> int:
        return self.rpc(lambda: self.w3.eth.block_number)

    @property
    def address(self) -> str:
        if self.account is None:
            raise KeyUnavailable("this command needs a signing key: pass --as PROFILE")
        return str(self.account.address)

    # ------------------------------------------------------------------ contracts

    def address_of(self, name: str) -> ChecksumAddress:
        """The checksummed address of deployed contract `name` on this chain."""
        chain_id = self.chain_id
        if self.deployment is None or name not in self.deployment.contracts:
            raise NotDeployed(chain_id, f"no address for {name}")
        if self.deployment.chain_id != chain_id:
            raise NotDeployed(chain_id, f"deployments file is for chain {self.deployment.chain_id}")
        return Web3.to_checksum_address(self.deployment.contracts[name].address)

    def deploy(self, name: str, args: Sequence[Any] = ()) -> tuple[str, SentTransaction]:
        """Deploy contract `name` with constructor `args`; returns its address and receipt."""
        artifact = self.artifacts.get(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        sent = self.send({"data": factory.constructor(*args).data_in_transaction})
        address = sent.receipt["contractAddress"]
        if not address:
            raise TransactionFailed(f"deploying {name} created no contract (tx {sent.tx_hash})")
        return str(address), sent

    def send(self, tx: dict[str, Any], *, gas: int | None = None) -> SentTransaction:
        """Sign, send and wait for a transaction; decode a revert into a LedgerError."""
        tx_hash = self.send_async(tx, gas=gas)
        return self.wait(tx_hash, tx)

    def send_async(self, tx: dict[str, Any], *, gas: int | None = None) -> str:
        """Sign and send a transaction without waiting for it to be mined."""
        account = self.account
        if account is None or self._nonces is None:
            raise KeyUnavailable("this command needs a signing key: pass --as PROFILE")
        full = {"from": account.address, "value": 0, **tx}
        if gas is None:
            gas = self.estimate_gas(full)
        full["gas"] = gas
        full["chainId"] = self.chain_id
        full["gasPrice"] = self.gas_price()
        with self._nonces.reserve() as nonce:
            full["nonce"] = nonce
            full.pop("from")
            signed = account.sign_transaction(full)
            self._journal([signed])
            try:
                tx_hash = self.rpc(lambda: self.w3.eth.send_raw_transaction(signed.raw_transaction))
            except Web3RPCError as exc:
                self._withdraw([signed])
                raise TransactionFailed(f"node refused the transaction: {_rpc_message(exc)}") from exc
        self._snapshot_if_due()
        return "0x" + bytes(tx_hash).hex()

    def _snapshot_if_due(self) -> None:
        """Take the embedded node's snapshot when one is due (ledger/devnet/checkpoint.py)."""
        if self.checkpoint is None or self._nonces is None or not self.checkpoint.due():
            return
        own = (self._lock_path, self._nonces.held) if self._lock_path else None
        self.checkpoint.take(own)

    def _journal(self, signed: Sequence[Any]) -> None:
        """Record signed transactions in the embedded node's journal before they are sent."""
        if self.sent_journal is None or self.account is None:
            return
        sender = self.account.address.lower()
        self.sent_journal.append(
            [JournalEntry(sender, "0x" + bytes(s.hash).hex(), "0x" + bytes(s.raw_transaction).hex()) for s in signed]
        )

    def _withdraw(self, signed: Sequence[Any]) -> None:
        """Transactions the node refused, or that were never sent: not to be sent again."""
        if self.sent_journal is not None:
            self.sent_journal.withdraw(["0x" + bytes(s.hash).hex() for s in signed])

    @contextmanager
    def sending_alone(self) -> Iterator[None]:
        """Hold this key's nonce locks, with every transaction it sent before mined, while the
        caller reads the chain and sends what the reading allows: the check and the write as one
        step for this key (on any node, from every process that shares the data directory's locks).

        A write that checks the chain before it sends (is this event recorded yet?) needs it: a
        request retried while its first attempt waits for its block (the worker that sent it was
        killed before answering), or while a restarted embedded node is replaying its journal
        (which holds the senders' locks meanwhile), or sent twice at once, would otherwise find
        nothing and record the same thing twice. The price: such writes of one key follow each
        other, one block apart at most.
        """
        if self._nonces is None:
            raise KeyUnavailable("this command needs a signing key: pass --as PROFILE")
        with self._nonces.held():
            address = Web3.to_checksum_address(self.address)
            sent = self.rpc(lambda: self.w3.eth.get_transaction_count(address, "pending"))
            deadline = time.monotonic() + self.tx_timeout_seconds
            while self.rpc(lambda: self.w3.eth.get_transaction_count(address, "latest")) < sent:
                if time.monotonic() > deadline:
                    raise TransactionFailed(
                        f"transactions sent earlier by {address} not mined within {self.tx_timeout_seconds:.0f}s"
                    )
                time.sleep(0.05)
            yield

    def gas_price(self, *, base_fee_room: bool = False) -> int:
        """The node's suggested gas price, plus the latest block's base fee with `base_fee_room`
        (see send_batch)."""
        suggested = int(self.rpc(lambda: self.w3.eth.gas_price))
        if not base_fee_room:
            return suggested
        latest = self.rpc(lambda: self.w3.eth.get_block("latest"))
        return suggested + int(latest.get("baseFeePerGas") or 0)

    def send_batch(self, txs: Sequence[dict[str, Any]], *, gas: int, base_fee_room: bool = False) -> list[str]:
        """Sign `txs` with consecutive nonces and send them all before waiting for any.

        They go one request each, in nonce order, over one kept-alive connection: a node may
        handle the entries of one JSON-RPC batch concurrently (anvil does when it mines a
        block per transaction), and a later nonce that arrives first can be left unmined.
        Every transaction gets the same gas limit (callers size it from a measured worst case).
        `base_fee_room` prices them one latest base fee over the node's suggestion, which keeps a
        pipeline mined when other senders fill blocks and the base fee rises meanwhile (up to
        double). The room is on the base fee only: a tip over the suggestion (a multiple of it)
        raises the suggestion that every later sender pays, and again, until keys run dry (seen
        on the embedded node: 2 gwei to 0.017 ETH a gas in four minutes of oracle rounds). On
        Besu, with a base fee of 0, there is no room to add.
        Returns the transaction hashes in order; use `wait_many` for the receipts.
        """
        account = self.account
        if account is None or self._nonces is None:
            raise KeyUnavailable("this command needs a signing key: pass --as PROFILE")
        if not txs:
            return []
        chain_id = self.chain_id
        gas_price = self.gas_price(base_fee_room=base_fee_room)
        with self._nonces.reserve() as first_nonce:
            signed = [
                account.sign_transaction(
                    {"value": 0, **tx, "gas": gas, "gasPrice": gas_price, "chainId": chain_id, "nonce": first_nonce + i}
                )
                for i, tx in enumerate(txs)
            ]
            self._journal(signed)
            raws = ["0x" + s.raw_transaction.hex().removeprefix("0x") for s in signed]
            hashes: list[str] = []
            for i, raw in enumerate(raws):
                [reply] = self.raw_batch([("eth_sendRawTransaction", [raw])])
                if "error" in reply:
                    self._withdraw(signed[i:])
                    raise TransactionFailed(
                        f"node refused transaction {i + 1} of {len(txs)} ({len(hashes)} sent before it): "
                        f"{reply['error'].get('message', reply['error'])}"
                    )
                hashes.append(str(reply["result"]))
        self._snapshot_if_due()
        return hashes

    def wait_many(self, tx_hashes: Sequence[str], *, chunk: int = 500) -> list[TxReceipt]:
        """Receipts for `tx_hashes` (polled in JSON-RPC batches); raise on any failed one."""
        receipts = self.receipts(tx_hashes, chunk=chunk)
        for tx_hash, receipt in zip(tx_hashes, receipts, strict=True):
            if receipt["status"] != 1:
                raise self._failed_transaction_error(tx_hash, receipt, None)
        return receipts

    def receipts(self, tx_hashes: Sequence[str], *, chunk: int = 500) -> list[TxReceipt]:
        """Receipts for `tx_hashes`, failed ones included, once all are mined."""
        found: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + self.tx_timeout_seconds
        pending = list(tx_hashes)
        while pending:
            for start in range(0, len(pending), chunk):
                part = pending[start : start + chunk]
                for tx_hash, reply in zip(
                    part, self.raw_batch([("eth_getTransactionReceipt", [h]) for h in part]), strict=True
                ):
                    if reply.get("result"):
                        found[tx_hash] = reply["result"]
            pending = [h for h in pending if h not in found]
            if pending:
                if time.monotonic() > deadline:
                    raise TransactionFailed(f"{len(pending)} transactions not mined in {self.tx_timeout_seconds:.0f}s")
                time.sleep(0.05)
        return [_receipt_from_json(found[h]) for h in tx_hashes]

    def raw_batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
        """One JSON-RPC batch request; replies in call order."""
        payload = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
        self.raw_calls += len(calls)
        self.raw_requests += 1
        replies = self._transport.post(payload)
        if not isinstance(replies, list):
            raise ReadFailed(f"a batch of {len(calls)} JSON-RPC calls", replies.get("error", replies))
        by_id = {r.get("id"): r for r in replies}
        return [by_id.get(i, {"error": {"message": "no reply"}}) for i in range(len(calls))]

    def estimate_gas(self, tx: dict[str, Any]) -> int:
        """The gas limit to send `tx` with (the estimate and a margin); a refusal decoded."""
        try:
            estimate = self.rpc(lambda: self.w3.eth.estimate_gas(tx))  # type: ignore[arg-type]
        except ContractLogicError as exc:
            raise revert_error(self.artifacts, exc, doing="gas estimation", read=False) from exc
        except Web3RPCError as exc:
            raise TransactionFailed(f"gas estimation failed: {_rpc_message(exc)}") from exc
        return int(estimate * GAS_MARGIN) + 10_000

    def estimates(self, txs: Sequence[dict[str, Any]]) -> list[int | LedgerError]:
        """The gas estimate (no margin) of each of `txs` from this client's key, in one JSON-RPC
        batch, or why the node refuses it (the contract's revert, decoded)."""
        sender = self.address
        replies = self.raw_batch([("eth_estimateGas", [{"from": sender, **tx}]) for tx in txs])
        found: list[int | LedgerError] = []
        for reply in replies:
            if "error" in reply or not isinstance(reply.get("result"), str):
                found.append(
                    revert_error(self.artifacts, reply.get("error", reply), doing="gas estimation", read=False)
                )
            else:
                found.append(int(reply["result"], 16))
        return found

    def wait(self, tx_hash: str, tx: dict[str, Any] | None = None) -> SentTransaction:
        """Wait for a transaction's receipt; raise the decoded revert if it failed."""
        try:
            receipt = self.rpc(
                lambda: self.w3.eth.wait_for_transaction_receipt(
                    HexBytes(tx_hash), timeout=self.tx_timeout_seconds, poll_latency=0.02
                )
            )
        except TimeExhausted as exc:
            raise TransactionFailed(f"transaction {tx_hash} not mined within {self.tx_timeout_seconds:.0f}s") from exc
        if receipt["status"] != 1:
            raise self._failed_transaction_error(tx_hash, receipt, tx)
        return SentTransaction(tx_hash, receipt["blockNumber"], receipt["gasUsed"], receipt)

    # ------------------------------------------------------------------ reverts

    def _failed_transaction_error(self, tx_hash: str, receipt: TxReceipt, tx: dict[str, Any] | None) -> LedgerError:
        if tx is None:
            sent = self.w3.eth.get_transaction(HexBytes(tx_hash))
            tx = {"from": sent["from"], "to": sent.get("to"), "data": sent["input"], "value": sent["value"]}
        else:
            tx = {**tx, "from": self.account.address if self.account else tx.get("from")}
        replay = {k: v for k, v in tx.items() if k in ("from", "to", "data", "value") and v is not None}
        # Replay at the parent block, or at the latest one where history is pruned (anvil
        # --prune-history): the JSON-RPC API offers nothing closer without debug_ tracing.
        for block in (receipt["blockNumber"] - 1, "latest"):
            try:
                self.w3.eth.call(replay, block_identifier=block)  # type: ignore[arg-type]
            except ContractLogicError as exc:
                error = revert_error(self.artifacts, exc, doing=f"transaction {tx_hash}", read=False)
                if isinstance(error, ContractRevert):
                    return error
            except Web3RPCError:
                continue
            break
        return TransactionFailed(f"transaction {tx_hash} failed (status 0, gas used {receipt['gasUsed']})")


def _receipt_from_json(raw: dict[str, Any]) -> TxReceipt:
    """The fields callers use from a raw JSON receipt, in web3's types."""
    receipt: TxReceipt = TxReceipt(  # type: ignore[typeddict-item]
        transactionHash=HexBytes(raw["transactionHash"]),
        blockNumber=int(raw["blockNumber"], 16),
        blockHash=HexBytes(raw["blockHash"]),
        gasUsed=int(raw["gasUsed"], 16),
        status=int(raw["status"], 16),
        logs=raw["logs"],
    )
    return receipt


def _rpc_message(exc: Web3RPCError) -> str:
    message = exc.rpc_response.get("error", {}).get("message") if exc.rpc_response else None
    return str(message or exc)
