"""Typed bindings for AeoRegistry certifications: member-admin writes, status and history."""

from __future__ import annotations

from datetime import datetime

from eth_utils.crypto import keccak
from web3.contract import Contract

from ledger.aeo.changes import ZERO32, AeoChange
from ledger.aeo.codes import (
    ChangeKind,
    Status,
    operator_hash,
    parse_reason,
    parse_tier,
    slug,
)
from ledger.aeo.models import Certification, CertificationHistory, CertificationState, ChangeResult
from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.reads import read_pages
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes
from ledger.timestamps import to_unix

CONTRACT = "AeoRegistry"


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


class AeoRegistryBinding:
    """Certifications on the deployed AeoRegistry through a LedgerClient."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract: Contract = client.contract(CONTRACT)

    # -------------------------------------------------------------- reads

    def certification(self, *, operator: str, certified_by: str) -> Certification:
        op = operator_hash(certified_by, operator)
        member = member_id_bytes(certified_by)
        raw = self.client.call(self.contract.functions.certification(op, member))
        state_raw, evidence, changes = raw
        state = CertificationState.from_chain(state_raw) if changes else None
        return Certification(
            operator=operator,
            operator_hash="0x" + op.hex(),
            certified_by=certified_by.upper(),
            status=state.status if state else slug(Status.NONE),
            state=state,
            evidence_hash="0x" + bytes(evidence).hex(),
            changes=changes,
        )

    def history(self, *, operator: str, certified_by: str) -> CertificationHistory:
        op = operator_hash(certified_by, operator)
        member = member_id_bytes(certified_by)
        fns = self.contract.functions
        raw = read_pages(
            self.client,
            length=self.client.call(fns.certificationHistoryLength(op, member)),
            page=lambda offset, limit: fns.certificationHistory(op, member, offset, limit),
            page_size=int(self.client.call(fns.MAX_HISTORY_PAGE())),
        )
        return CertificationHistory(
            operator=operator,
            operator_hash="0x" + op.hex(),
            certified_by=certified_by.upper(),
            history=[CertificationState.from_chain(r) for r in raw],
        )

    def oracle_quorum(self, member: str) -> int:
        return int(self.client.call(self.contract.functions.oracleQuorum(member_id_bytes(member))))

    def is_nonce_used(self, member: str, nonce: int) -> bool:
        fn = self.contract.functions.isOracleNonceUsed(member_id_bytes(member), nonce)
        return bool(self.client.call(fn))

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
        fn = self.contract.functions.certify(*change.as_tuple()[1:6], change.effective_at)
        return self._result(member, operator, change.kind, self.client.transact(fn))

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
        functions = self.contract.functions
        fn = {
            ChangeKind.SUSPEND: functions.suspend,
            ChangeKind.REINSTATE: functions.reinstate,
            ChangeKind.REVOKE: functions.revoke,
        }[kind](op, code, at)
        return self._result(member, operator, kind, self.client.transact(fn))

    def apply_changes(self, changes: list[AeoChange]) -> SentTransaction:
        """Apply up to MAX_BATCH changes as the member admin in one transaction."""
        fn = self.contract.functions.applyChanges([c.as_tuple() for c in changes])
        return self.client.transact(fn)

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
