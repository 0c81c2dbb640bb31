"""The AEO feed: make the chain say what the member's AEO export says, through the outbox.

One cycle (`AeoFeed.run_once`) is idempotent, so it is also the recovery procedure: after a
crash, a kill -9 or an RPC outage, running it again picks up every change where it was left
(reconciled with the contract's used nonces) and derives nothing new for changes already on
chain. `run` retries a cycle with exponential backoff while the node is unreachable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from eth_account.signers.local import LocalAccount
from pydantic import BaseModel

from ledger.aeo.changes import SigningDomain, changes_digest
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.contract import ContractBinding
from ledger.chain.eip712 import sign_digest
from ledger.chain.reads import latest_timestamp
from ledger.consortium.versions import active_version
from ledger.errors import InvalidInput, KeyUnavailable, NodeNotRunning, SourceUnavailable
from ledger.ids import ORACLE_ROLE, member_id_bytes, member_id_text
from ledger.settings import LedgerSettings
from oracles.aeo_diff import derive_changes, read_certifications
from oracles.aeo_records import RowProblem, normalise
from oracles.outbox import Outbox
from oracles.sources import load_rows
from oracles.submitter import Submitter, batch_registry


def outbox_path(settings: LedgerSettings) -> Path:
    """The outbox every oracle process of this data directory shares."""
    return settings.data_dir / "oracles" / "outbox.sqlite"


QUORUM_POLL_SECONDS = 0.1  # how often a cycle looks for other oracles' signatures meanwhile


@dataclass(frozen=True)
class FeedOptions:
    batch_size: int = 100
    pipeline: int = 25  # batches sent per JSON-RPC round trip
    deadline_seconds: int = 3600
    lease_seconds: float = 120.0  # another submitter's claim counts as abandoned after this
    quorum_wait_seconds: float = 30.0  # how long one cycle waits for other oracles' signatures
    max_attempts: int = 8
    submit: bool = True  # False: only sign; another oracle of the member submits
    backoff_seconds: float = 0.5


class FeedReport(BaseModel):
    source: str
    member: str
    oracle: str
    records: int
    new_changes: int
    superseded: int
    new_dead_letters: int
    transactions: int
    done_changes: int
    awaiting_signatures: int
    quorum: int
    gas_used: int


class AeoFeed:
    """One oracle's feed of its member's AEO list (several may share one outbox)."""

    def __init__(
        self,
        *,
        client: LedgerClient,
        outbox: Outbox,
        options: FeedOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`clock` and `sleep` time the wait for other oracles' signatures (a test's own make it
        pass without waiting)."""
        if client.account is None:
            raise KeyUnavailable("the feed signs as an oracle: pass --as PROFILE")
        self.client = client
        self.account: LocalAccount = client.account
        self.outbox = outbox
        self.options = options or FeedOptions()
        self._clock = clock
        self._sleep = sleep
        if self.options.deadline_seconds < 60:
            raise InvalidInput("a batch's deadline must leave at least 60 s to sign and submit it")
        # certifications go to the active AeoRegistry version, other changes to the version
        # holding the certification (aeo_diff); each batch is signed in its version's domain
        self.contract = ContractBinding(client, CONTRACT, active_version(client, CONTRACT))
        self.started = time.time()
        self.member = self._oracle_member()

    def _oracle_member(self) -> str:
        consortium = ContractBinding(self.client, "Consortium")
        address = self.account.address
        active = consortium.call("isAccredited", address, ORACLE_ROLE, b"\0" * 32)
        member = member_id_text(consortium.call("accreditingMember", address))
        if not active or not member:
            raise KeyUnavailable(f"{address} is not an accredited oracle of any member")
        return member

    # ------------------------------------------------------------------ cycle

    def run(self, source: str, *, sleep: Callable[[float], None] = time.sleep) -> FeedReport:
        """One cycle, retried with exponential backoff while the node does not answer."""
        delay = self.options.backoff_seconds
        for attempt in range(1, self.options.max_attempts + 1):
            try:
                return self.run_once(source)
            except (NodeNotRunning, requests.ConnectionError, requests.Timeout):
                if attempt == self.options.max_attempts:
                    raise
                sleep(delay)
                delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def run_once(self, source: str) -> FeedReport:
        records, new, superseded, dead = self.intake(source)
        result = self.drive(source)
        return FeedReport(
            source=source,
            member=self.member,
            oracle=self.account.address,
            records=records,
            new_changes=new,
            superseded=superseded,
            new_dead_letters=dead,
            **result,
        )

    def intake(self, source: str) -> tuple[int, int, int, int]:
        """Read the source, compare with the chain, record changes and dead letters."""
        rows = load_rows(source)
        if rows.member and rows.member.strip().upper() != self.member:
            raise SourceUnavailable(source, f"it is {rows.member}'s list; this oracle is {self.member}'s")
        records, problems = normalise(self.member, rows.rows)
        problems += [RowProblem(ref, None, reason, {}) for ref, reason in rows.problems]
        current = read_certifications(self.client, self.member, [r.operator for r in records])
        planned, unknown = derive_changes(self.member, records, current, active=self.contract.address)
        dead = self.outbox.add_dead_letters(self.member, source, problems + unknown)
        new = self.outbox.add_changes(self.member, planned)
        superseded = self.outbox.supersede_unbatched(self.member, {p.key for p in planned})
        return len(records), new, superseded, dead

    def drive(self, source: str) -> dict[str, int]:
        """Batch, sign, submit until nothing is left, or only other oracles' signatures are."""
        quorum = int(self.contract.call("oracleQuorum", member_id_bytes(self.member)))
        submitter = Submitter(
            client=self.client,
            outbox=self.outbox,
            member=self.member,
            source=source,
        )
        totals = {"transactions": 0, "done_changes": 0, "gas_used": 0}
        last_progress = self._clock()
        while True:
            deadline = latest_timestamp(self.client) + self.options.deadline_seconds
            self.outbox.form_batches(self.member, size=self.options.batch_size, deadline=deadline)
            self._sign(quorum)
            claimed = self.options.submit and self.outbox.claim(
                self.member,
                self.account.address,
                limit=self.options.pipeline,
                stale_before=time.time() - self.options.lease_seconds,
                mine_before=self.started,
            )
            if claimed:
                outcome = submitter.submit(claimed)
                totals["transactions"] += outcome.sent
                totals["done_changes"] += outcome.done_changes
                totals["gas_used"] += outcome.gas_used
                last_progress = self._clock()
                continue
            open_batches = self.outbox.batches(self.member)
            waiting = [b for b in open_batches if b.state == "signing"]
            if not open_batches or (
                (len(waiting) == len(open_batches) or not self.options.submit)
                and self._clock() - last_progress > self.options.quorum_wait_seconds
            ):
                return {**totals, "awaiting_signatures": len(waiting), "quorum": quorum}
            self._sleep(QUORUM_POLL_SECONDS)

    def _sign(self, quorum: int) -> None:
        me = self.account.address
        signatures = []
        for batch in self.outbox.batches(self.member, ("signing",)):
            if me in batch.signatures:
                continue
            domain = SigningDomain(self.client.chain_id, batch_registry(self.client, batch))
            digest = changes_digest(domain, member_id_bytes(batch.member), batch.changes, batch.nonce, batch.deadline)
            signatures.append((batch.id, me, sign_digest(self.account, digest)))
        self.outbox.add_signatures(self.member, signatures, quorum)
