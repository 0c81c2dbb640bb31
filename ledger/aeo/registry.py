"""Typed bindings for AeoRegistry certifications: member-admin writes, status and history.

The consortium may list several AeoRegistry versions (upgrades by vote). A certification's
changes never interleave between versions: its latest change is on exactly one of them, which
answers for its status and takes its suspensions, reinstatements and revocations; certifying is
new issuance and goes to the active version. Histories are the versions' histories merged by
effective time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from eth_utils.crypto import keccak

from ledger.aeo.changes import ZERO32, AeoChange
from ledger.aeo.codes import (
    ChangeKind,
    Status,
    operator_hash,
    parse_reason,
    parse_tier,
    slug,
)
from ledger.aeo.errors import readable_errors
from ledger.aeo.models import Certification, CertificationHistory, CertificationState, ChangeResult
from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import LogsRefused, batch_call, log_context, read_pages
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.versions import active_version, listed_versions
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes
from ledger.timestamps import to_unix, utc_now

CONTRACT = "AeoRegistry"
# `certificationAt` / `mraAt` at this time answer the latest change (the contract's own reads
# of the other versions use it too)
LATEST = 2**64 - 1
T = TypeVar("T")


def evidence_hash(text: str | None) -> bytes:
    """A 0x-prefixed 32-byte hex value as is; other text is hashed (keccak256); None is zero."""
    if not text:
        return ZERO32
    cleaned = text.strip()
    if cleaned.startswith("0x") and len(cleaned) == 66:
        try:
            return bytes.fromhex(cleaned[2:])
        except ValueError:
            pass
    return keccak(text=cleaned)


def aeo_versions(client: LedgerClient) -> list[ContractBinding]:
    """Every listed AeoRegistry, oldest first."""
    return [ContractBinding(client, CONTRACT, a) for a in listed_versions(client, CONTRACT)]


class AeoRegistryBinding:
    """Certifications on the consortium's AeoRegistry versions through a LedgerClient."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract = ContractBinding(client, CONTRACT, active_version(client, CONTRACT))

    # -------------------------------------------------------------- reads

    def holder(self, op: bytes, member: bytes) -> ContractBinding | None:
        """The version that holds the certification's latest change (None: never certified)."""
        versions = aeo_versions(self.client)
        states = batch_call(self.client, [v.fn("certificationAt", op, member, LATEST) for v in versions])
        return latest_of(versions, states, lambda raw: raw[1] != Status.NONE, lambda raw: raw[6])

    def certification(self, *, operator: str, certified_by: str, at: datetime | None = None) -> Certification:
        """The certification as last recorded, and in effect at `at` (default: the wall-clock
        time now, passed to the contract explicitly): a change recorded with a later effective
        time is `scheduled`, not current."""
        when = at or utc_now()
        op = operator_hash(certified_by, operator)
        member = member_id_bytes(certified_by)
        ConsortiumBinding(self.client).require_member(certified_by, path="certified_by")
        versions = aeo_versions(self.client)
        records = batch_call(self.client, [v.fn("certification", op, member) for v in versions])
        latest = latest_of(records, records, lambda raw: raw[2] > 0, lambda raw: raw[0][6])
        changes = sum(int(raw[2]) for raw in records)
        state = CertificationState.from_chain(latest[0]) if latest else None
        evidence = bytes(latest[1]) if latest else ZERO32
        current: CertificationState | None = state
        scheduled: list[CertificationState] = []
        if state is not None and state.effective_at is not None and state.effective_at > when:
            scheduled = [s for s in self.history(operator=operator, certified_by=certified_by).history
                         if s.effective_at is not None and s.effective_at > when]  # fmt: skip
            current = None
            if to_unix(when):
                fns = [v.fn("certificationAt", op, member, to_unix(when)) for v in versions]
                states = batch_call(self.client, fns)
                found = latest_of(states, states, lambda raw: raw[1] != Status.NONE, lambda raw: raw[6])
                current = CertificationState.from_chain(found) if found else None
        return Certification(
            operator=operator,
            operator_hash="0x" + op.hex(),
            certified_by=certified_by.upper(),
            status=current.status if current else slug(Status.NONE),
            state=state,
            evidence_hash="0x" + evidence.hex(),
            changes=changes,
            at=when,
            current=current,
            scheduled=scheduled,
        )

    def history(self, *, operator: str, certified_by: str) -> CertificationHistory:
        """Every change on every listed version, oldest first, each with its effective time and
        the time it was recorded (the block time of its event)."""
        op = operator_hash(certified_by, operator)
        member = member_id_bytes(certified_by)
        ConsortiumBinding(self.client).require_member(certified_by, path="certified_by")
        page_size = int(self.contract.call("MAX_HISTORY_PAGE"))
        states: list[CertificationState] = []
        for version in aeo_versions(self.client):
            raw = read_pages(
                self.client,
                length=version.call("certificationHistoryLength", op, member),
                page=lambda offset, limit, v=version: v.fn("certificationHistory", op, member, offset, limit),  # type: ignore[misc]
                page_size=page_size,
            )
            held = [CertificationState.from_chain(r) for r in raw]
            recorded = self._recorded_times(version, op, member) if held else []
            if len(recorded) == len(held):
                held = [s.model_copy(update={"recorded_at": t}) for s, t in zip(held, recorded, strict=True)]
            states.extend(held)
        # versions never interleave a certification's changes: a stable sort by effective time
        # puts them in the order they were made
        states.sort(key=lambda s: to_unix(s.effective_at))
        return CertificationHistory(
            operator=operator,
            operator_hash="0x" + op.hex(),
            certified_by=certified_by.upper(),
            history=states,
        )

    def _recorded_times(self, version: ContractBinding, op: bytes, member: bytes) -> list[datetime]:
        """Block times of the certification's events on `version`, oldest first: one event per
        history entry (OperatorCertified / Suspended / Reinstated / Revoked)."""
        events = ("OperatorCertified", "OperatorSuspended", "OperatorReinstated", "OperatorRevoked")
        start = self.client.deployment.deployment_block if self.client.deployment else 0
        try:
            found = version.logs(events, "0x" + member.hex(), "0x" + op.hex(), from_block=start)
        except LogsRefused:  # a node that caps log ranges: the history stands without its recorded times
            return []
        times, _ = log_context(self.client, found, senders=False)
        return [datetime.fromtimestamp(times[str(log["blockNumber"])], tz=UTC) for log in found]

    def oracle_quorum(self, member: str) -> int:
        return int(self.contract.call("oracleQuorum", member_id_bytes(member)))

    def is_nonce_used(self, member: str, nonce: int) -> bool:
        return bool(self.contract.call("isOracleNonceUsed", member_id_bytes(member), nonce))

    # -------------------------------------------------------------- writes (member admin)

    def certify(
        self,
        *,
        member: str,
        operator: str,
        tier: str | int,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        evidence: str | None = None,
        effective_at: datetime | None = None,
    ) -> ChangeResult:
        """Certify `operator` for the caller's member (or change its tier, validity, evidence)."""
        if valid_from and valid_until and valid_until <= valid_from:
            raise InvalidInput("valid-until must be after valid-from", path="valid-until")
        change = AeoChange(
            kind=ChangeKind.CERTIFY,
            operator=operator_hash(member, operator),
            tier=parse_tier(tier),
            valid_from=to_unix(valid_from),
            valid_until=to_unix(valid_until),
            evidence_hash=evidence_hash(evidence),
            effective_at=to_unix(effective_at),
        )
        with readable_errors(operator):
            sent = self.contract.transact("certify", *change.as_tuple()[1:6], change.effective_at)
        return self._result(member, operator, change.kind, sent)

    def change_status(
        self,
        kind: ChangeKind,
        *,
        member: str,
        operator: str,
        reason: str | int = 0,
        effective_at: datetime | None = None,
    ) -> ChangeResult:
        """Suspend, reinstate or revoke the caller's member's certification of `operator`."""
        if kind is ChangeKind.CERTIFY:
            raise InvalidInput("use certify() to certify", path="change")
        op = operator_hash(member, operator)
        code, at = parse_reason(reason), to_unix(effective_at)
        # a change to what a version holds goes there (never certified: the active version,
        # which refuses it with the reason)
        holder = self.holder(op, member_id_bytes(member)) or self.contract
        function = {ChangeKind.SUSPEND: "suspend", ChangeKind.REINSTATE: "reinstate", ChangeKind.REVOKE: "revoke"}[kind]
        with readable_errors(operator):
            sent = holder.transact(function, op, code, at)
        return self._result(member, operator, kind, sent)

    def apply_changes(self, changes: list[AeoChange]) -> SentTransaction:
        """Apply up to MAX_BATCH changes as a customs key in one transaction, on the active
        version (certifications, and changes to what it holds)."""
        with readable_errors():
            return self.contract.transact("applyChanges", [c.as_tuple() for c in changes])

    def _result(self, member: str, operator: str, kind: ChangeKind, sent: SentTransaction) -> ChangeResult:
        certification = self.certification(operator=operator, certified_by=member)
        return ChangeResult(
            operator=operator,
            operator_hash=certification.operator_hash,
            change=slug(kind),
            tx_hash=sent.tx_hash,
            gas_used=sent.gas_used,
            certification=certification,
        )


def latest_of(items: list[T], raws: list[Any], present: Callable[[Any], bool], at: Callable[[Any], int]) -> T | None:
    """The item (of versions in listing order) whose raw state is present with the latest time,
    of equal times the later listed one's (as the contract decides), or None."""
    found: T | None = None
    latest_at = -1
    for item, raw in zip(items, raws, strict=True):
        if present(raw) and int(at(raw)) >= latest_at:
            found, latest_at = item, int(at(raw))
    return found
