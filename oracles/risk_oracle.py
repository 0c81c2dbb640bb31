"""The customs risk oracle: reads the administration's declaration records, decides each
consignment's lane with the declarative rules, and records the pre-review result, the lane and
(on the green lane) the release on the consignment's evidence chain, signed by a quorum of the
administration's oracles.

Idempotent and crash-safe: the same rules, chain state and time give the same events, hence the
same entries and the same quorum nonce (keccak256 of the member and the entries' EIP-712
hashes). A record is done once its nonce is used on chain, whoever submitted it, so a crash
between sending and recording, a restart, or the same export fed twice never doubles a
decision. What cannot be decided or submitted goes to the dead letters with the reason.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel, ValidationError

from ledger.aeo.recognition import recognized
from ledger.alerts.models import Alert
from ledger.alerts.registry import AlertRegistryBinding
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import verify_certificates
from ledger.certificates.wrapped import read_wrapped
from ledger.chain.client import LedgerClient
from ledger.documents.registry import validation_problems
from ledger.errors import ContractRevert, InvalidInput, LedgerError
from ledger.evidence import BTT_DECLARATION, EventType, Step, new_event, step_of
from ledger.evidence.consignment import canonical_ucr, consignment_id
from ledger.evidence.decisions import DecisionSigning
from ledger.evidence.epcis import EpcisEvent
from ledger.evidence.registry import EvidenceRegistryBinding
from ledger.evidence.service import Clock, audit_consignment, decision_entries, submit_decisions, to_entries
from ledger.hashing.canonical import canonical_json
from ledger.hashing.keccak import keccak256
from ledger.ids import member_id_bytes
from ledger.jsonfiles import load_strict, loads_strict
from oracles.alert_rule import alert_finding
from oracles.risk_rules import (
    AeoRule,
    Assessment,
    Check,
    Declaration,
    EvidenceRule,
    Finding,
    PartnerAlertRule,
    RuleSet,
    WatchlistRule,
    assess,
    failing,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS risk_decisions (
    nonce TEXT PRIMARY KEY,
    member TEXT NOT NULL,
    ucr TEXT NOT NULL,
    declaration TEXT NOT NULL,
    lane TEXT NOT NULL,
    state TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    tx_hash TEXT,
    decided_at TEXT NOT NULL,
    recorded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS risk_dead_letters (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    record TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at REAL NOT NULL
);
"""


class RiskReport(BaseModel):
    records: int
    decided: int
    already_done: int
    dead: int
    lanes: dict[str, int]
    rule_set_hash: str
    dead_letters: list[str] = []  # this run's: the record's UCR (or its position) and why


class RiskOutbox:
    """The oracle's record of decisions and dead letters (SQLite in the data directory)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            yield db

    def state(self, nonce: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT state FROM risk_decisions WHERE nonce = ?", (nonce,)).fetchone()
        return None if row is None else str(row[0])

    def record(self, *, nonce: str, member: str, declaration: Declaration, lane: str, state: str, detail: str = "",
               tx_hash: str | None = None) -> None:  # fmt: skip
        with self._db() as db:
            db.execute(
                "INSERT INTO risk_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(nonce) DO UPDATE SET "
                "state = excluded.state, detail = excluded.detail, tx_hash = coalesce(excluded.tx_hash, tx_hash), "
                "recorded_at = excluded.recorded_at",
                (nonce, member, declaration.ucr, declaration.declaration, lane, state, detail, tx_hash,
                 declaration.decided_at.isoformat(), time.time()),
            )  # fmt: skip

    def dead_letter(self, *, source: str, record: str, reason: str) -> None:
        key = keccak256(f"{source}|{record}".encode()).hex()
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO risk_dead_letters VALUES (?, ?, ?, ?, ?)",
                (key, source, record, reason, time.time()),
            )

    def dead_letters(self) -> list[tuple[str, str]]:
        with self._db() as db:
            return [(str(r[0]), str(r[1])) for r in db.execute("SELECT record, reason FROM risk_dead_letters")]


def outbox_path(data_dir: Path) -> Path:
    return data_dir / "oracles" / "risk.sqlite"


def read_declarations(source: Path) -> list[tuple[str, dict[str, Any] | Any]]:
    """The records of an export `{"declarations": [...]}` (each as its JSON text and value)."""
    data = load_strict(source, source=str(source))
    records = data.get("declarations") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise InvalidInput(f"{source} must be an object with a list `declarations`", path=str(source))
    return [(canonical_text(r), r) for r in records]


def canonical_text(value: Any) -> str:

    return canonical_json(value).decode()


class RiskOracle:
    """One oracle of `rules.member`, deciding with `rules` and signing with `signers`."""

    def __init__(
        self,
        *,
        client: LedgerClient,
        rules: RuleSet,
        signers: Sequence[LocalAccount],
        outbox: RiskOutbox,
        clock: Clock = time.time,
    ) -> None:
        self.client = client
        self.clock = clock
        self._reasons: list[str] = []
        self._alerts: list[Alert] | None = None  # read once per run (in_force answers for any time)
        self.rules = rules
        self.signers = list(signers)
        self.outbox = outbox
        self.anchor = resolve_anchor(client, None)

    # ---------------------------------------------------------------- the checks

    def _aeo(self, rule: Any, declaration: Declaration) -> str | None:
        assert isinstance(rule, AeoRule)
        party = getattr(declaration, rule.party)
        if party is None:
            return f"the declaration names no {rule.party}"
        answer = recognized(
            client=self.client,
            operator=party.operator,
            certified_by=party.certified_by,
            recognised_by=self.rules.member,
            at=declaration.decided_at,
        )
        return None if answer.recognized else f"{rule.party} {party.operator}: {answer.explanation}"

    def _certificates(self, rule: Any, declaration: Declaration, base: Path) -> str | None:
        for claimed in declaration.certificates:
            path = (base / claimed.file).resolve()
            if not path.is_relative_to(base.resolve()):
                return f"certificate {claimed.file}: outside the export's directory"
            wrapped = read_wrapped(path)
            [result] = verify_certificates(client=self.client, certificates=[wrapped], anchor=self.anchor)
            if not result.valid:
                failed = next(f for f in result.fragments if f.status.value != "VALID")
                return f"certificate {claimed.file}: {failed.name.value} {failed.reason}"
            left = result.remaining
            if left is not None and Decimal(left.value) < Decimal(claimed.quantity):
                return f"certificate {claimed.file}: {claimed.quantity} claimed, {left.value} left"
        return None

    def _evidence(self, rule: Any, declaration: Declaration) -> str | None:
        assert isinstance(rule, EvidenceRule)
        step = step_of(rule.step)
        recorded, report = audit_consignment(client=self.client, ucr=declaration.ucr)
        if not report.intact:
            return "the consignment's evidence chain is broken"
        found = [r for r in recorded if r.entry.step == int(step) and r.timestamp <= declaration.decided_at.timestamp()]
        if rule.with_document:
            found = [r for r in found if r.entry.cid or any(r.entry.document_hash)]
        if not found:
            documented = " with its document" if rule.with_document else ""
            return f"no {step.slug} event{documented} on the chain"
        return None

    @staticmethod
    def _watchlist(rule: Any, declaration: Declaration) -> str | None:
        assert isinstance(rule, WatchlistRule)
        hits = sorted({hs for hs in declaration.hs_codes for watched in rule.codes if hs.startswith(watched)})
        return f"HS codes on the watch list: {', '.join(hits)}" if hits else None

    def alerts(self) -> list[Alert]:
        """Every alert of every AlertRegistry version the consortium lists (read once per run)."""
        if self._alerts is None:
            self._alerts = AlertRegistryBinding(self.client).alerts()
        return self._alerts

    def _partner_alerts(self, rule: Any, declaration: Declaration) -> Finding | None:
        assert isinstance(rule, PartnerAlertRule)
        consignment = consignment_id(declaration.ucr)
        record = EvidenceRegistryBinding.holding(self.client, consignment).consignment(consignment)
        opened = record.opening > 0
        return alert_finding(rule, declaration, applying=self.rules.member, alerts=self.alerts(),
                             origin=record.origin if opened else None,
                             destination=record.destination if opened else None)  # fmt: skip

    def assess(self, declaration: Declaration, base: Path) -> Assessment:
        checks: dict[str, Check] = {
            "aeo-recognised": failing(self._aeo),
            "certificates-valid": failing(lambda rule, d: self._certificates(rule, d, base)),
            "evidence-present": failing(self._evidence),
            "hs-not-watched": failing(self._watchlist),
            "partner-alert": self._partner_alerts,
        }
        return assess(self.rules, declaration, checks)

    # ---------------------------------------------------------------- decisions

    def decision_events(self, declaration: Declaration, assessment: Assessment) -> list[EpcisEvent]:
        """Pre-review result, lane, and release for the green lane, at the decision time."""
        ucr_uri = f"urn:sanzhi:ucr:{canonical_ucr(declaration.ucr)}"
        declared = [(BTT_DECLARATION, f"urn:sanzhi:declaration:{self.rules.member}:{declaration.declaration}")]
        reasons = [f"{f.rule}: {f.reason}" for f in assessment.findings]
        outcome = {"green": "cleared", "yellow": "query", "red": "rejected"}[assessment.lane]
        lane: dict[str, Any] = {
            "lane": assessment.lane,
            "ruleSetHash": "0x" + self.rules.hash.hex(),
            "reasons": reasons,
        }
        if assessment.alerts:  # only when some alert counted: a lane without alerts hashes as before
            lane["alerts"] = [a.model_dump(mode="json") for a in assessment.alerts]
        at = declaration.decided_at
        events = [
            new_event(EventType.OBJECT, Step.PRE_REVIEW_RESULT, at, epcs=[ucr_uri], biz_transactions=declared,
                      extensions={"preReview": {"outcome": outcome, "reasons": reasons}}),
            new_event(EventType.OBJECT, Step.RISK_LANE, at + timedelta(seconds=1), epcs=[ucr_uri],
                      biz_transactions=declared,
                      extensions={"riskLane": lane}),
        ]  # fmt: skip
        if assessment.lane == "green":
            events.append(
                new_event(EventType.OBJECT, Step.RELEASE, at + timedelta(seconds=2), epcs=[ucr_uri],
                          biz_transactions=declared)
            )  # fmt: skip
        return events

    def run(self, source: Path) -> RiskReport:
        """Decide every declaration of `source` that is not decided yet."""
        report = RiskReport(
            records=0, decided=0, already_done=0, dead=0, lanes={}, rule_set_hash="0x" + self.rules.hash.hex()
        )
        self._reasons = []
        self._alerts = None
        for text, raw in read_declarations(source):
            report.records += 1
            outcome = self._decide(source, text, raw)
            if isinstance(outcome, str):  # not assessed: dead-lettered
                report.dead += 1
                continue
            lane, became = outcome
            if became != "dead":  # a lane that never reached the chain is no lane
                report.lanes[lane] = report.lanes.get(lane, 0) + 1
            setattr(report, became, getattr(report, became) + 1)
        report.dead_letters = self._reasons
        return report

    def _dead_letter(self, source: Path, text: str, reason: str) -> None:
        """Keep a record that cannot be decided or recorded, with the reason, for the operator."""
        self.outbox.dead_letter(source=str(source), record=text, reason=reason)
        try:
            what = str(loads_strict(text, source="record").get("ucr"))
        except (LedgerError, AttributeError):
            what = "a record"
        self._reasons.append(f"{what}: {reason}")

    def _decide(self, source: Path, text: str, raw: Any) -> str | tuple[str, str]:
        """One record: "dead" when it cannot be assessed, else (lane, what became of it)."""
        try:
            declaration = Declaration.model_validate(raw)
            canonical_ucr(declaration.ucr)
            assessment = self.assess(declaration, source.parent)
            events = self.decision_events(declaration, assessment)
        except ValidationError as exc:
            reason = "; ".join(f"{p}: {r}" for p, r in validation_problems(exc))
            self._dead_letter(source, text, reason)
            return "dead"
        except LedgerError as exc:
            self._dead_letter(source, text, f"cannot assess: {exc.message}")
            return "dead"
        member, lane = self.rules.member, assessment.lane
        # decisions go to the EvidenceRegistry version holding the consignment, signed in its domain
        registry = EvidenceRegistryBinding.holding(self.client, consignment_id(declaration.ucr))
        entries = to_entries(events, consignment=consignment_id(declaration.ucr), deciding_member=member)
        nonce = DecisionSigning(self.client, registry.address).nonce(member=member_id_bytes(member), entries=entries)
        key = hex(nonce)

        def mark(state: str, detail: str = "", tx_hash: str | None = None) -> None:
            self.outbox.record(
                nonce=key,
                member=member,
                declaration=declaration,
                lane=lane,
                state=state,
                detail=detail,
                tx_hash=tx_hash,
            )

        if self.outbox.state(key) == "done" or self._nonce_used(registry, member, nonce):
            mark("done")
            return lane, "already_done"
        try:
            # the registry's rules, checked first: a side of the consignment, a decision time
            # not ahead of the clock, and no decision in force on this declaration (a different
            # lane is never recorded in silence: it needs an explicit correction)
            decision_entries(binding=registry, member=member, ucr=declaration.ucr, events=events,
                             clock=self.clock)  # fmt: skip
        except LedgerError as exc:
            mark("dead", exc.message)
            self._dead_letter(source, text, exc.message)
            return lane, "dead"
        mark("submitting")
        try:
            result = submit_decisions(
                client=self.client,
                member=member,
                ucr=declaration.ucr,
                events=events,
                signers=self.signers,
                nonce=nonce,
                clock=self.clock,
            )
        except ContractRevert as exc:
            if exc.name == "OracleQuorumNonceUsed":  # another oracle of the member got there first
                mark("done")
                return lane, "already_done"
            mark("dead", exc.message)
            self._dead_letter(source, text, exc.message)
            return lane, "dead"
        mark("done", tx_hash=result.tx_hash)
        return lane, "decided"

    def _nonce_used(self, registry: EvidenceRegistryBinding, member: str, nonce: int) -> bool:
        return registry.is_nonce_used(member_id_bytes(member), nonce)
