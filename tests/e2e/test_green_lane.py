"""A consignment from advance declaration to release on the green lane, and one that lands on
red because the consignor's AEO status was suspended the hour before: the risk oracle decides
with SG's rules over what the chain says at the declaration's decision time."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.aeo import AeoRegistryBinding
from ledger.aeo.codes import ChangeKind
from ledger.evidence import Step
from ledger.evidence.service import audit_consignment
from oracles.risk_oracle import RiskOracle, RiskOutbox, outbox_path
from oracles.risk_rules import Declaration, load_rules
from tests.support import (
    EXAMPLES,
    RISK_CONSIGNOR,
    Chain,
    chain_time,
    declaration_record,
    declare_for_risk,
    recognised_aeos,
    write_export,
)


@pytest.fixture
def risk_chain(chain: Chain) -> Chain:
    """SG recognises CN's AEOs (an MRA in force); CN certified the declarant and the consignor."""
    shutil.rmtree(outbox_path(chain.data_dir).parent, ignore_errors=True)
    return recognised_aeos(chain)


def oracle(chain: Chain) -> RiskOracle:
    """SG's oracle, on the chain's time (the decision times here are `chain_time(chain)`)."""
    client = chain.client("sg-oracle")
    return RiskOracle(
        client=client,
        rules=load_rules(EXAMPLES / "risk-rules-sg.yaml"),
        signers=[client.account],  # type: ignore[list-item]
        outbox=RiskOutbox(outbox_path(chain.data_dir)),
        clock=lambda: chain_time(chain).timestamp(),
    )


def steps(chain: Chain, ucr: str) -> list[Step]:
    recorded, report = audit_consignment(client=chain.client(), ucr=ucr)
    assert report.intact
    return [Step(r.entry.step) for r in recorded]


def test_green_lane_from_declaration_to_release(risk_chain: Chain, tmp_path: Path) -> None:
    ucr, at = "6CN9144010012345678-SG-100001", chain_time(risk_chain)
    declare_for_risk(risk_chain, ucr, supervised=True, at=at)
    report = oracle(risk_chain).run(
        write_export(tmp_path / "declarations.json", declaration_record(ucr, chain_time(risk_chain)))
    )
    assert (report.decided, report.lanes) == (1, {"green": 1})
    assert steps(risk_chain, ucr)[-3:] == [Step.PRE_REVIEW_RESULT, Step.RISK_LANE, Step.RELEASE]
    # the same export again: nothing is recorded twice
    again = oracle(risk_chain).run(tmp_path / "declarations.json")
    assert (again.decided, again.already_done) == (0, 1)
    assert len(steps(risk_chain, ucr)) == 5


def test_red_lane_when_the_consignor_was_suspended_the_hour_before(risk_chain: Chain, tmp_path: Path) -> None:
    ucr, at = "6CN9144010012345678-SG-100002", chain_time(risk_chain)
    declare_for_risk(risk_chain, ucr, supervised=True, at=at)
    AeoRegistryBinding(risk_chain.client("cn-customs")).change_status(
        ChangeKind.SUSPEND, member="CN", operator=RISK_CONSIGNOR, reason=1, effective_at=at - dt.timedelta(hours=1)
    )
    report = oracle(risk_chain).run(
        write_export(tmp_path / "declarations.json", declaration_record(ucr, chain_time(risk_chain)))
    )
    assert report.lanes == {"red": 1}
    assert Step.RELEASE not in steps(risk_chain, ucr)
    assert steps(risk_chain, ucr)[-2:] == [Step.PRE_REVIEW_RESULT, Step.RISK_LANE]
    # the consignor rule chose the lane, and says why
    findings = (
        oracle(risk_chain)
        .assess(Declaration.model_validate(declaration_record(ucr, chain_time(risk_chain))), tmp_path)
        .findings
    )
    assert [(f.rule, f.lane) for f in findings] == [("consignor-aeo", "red")]
    assert "suspended" in findings[0].reason


def test_yellow_without_supervised_loading_and_red_on_the_watch_list(risk_chain: Chain, tmp_path: Path) -> None:
    at = chain_time(risk_chain)
    unsupervised, watched = "6CN9144010012345678-SG-100003", "6CN9144010012345678-SG-100004"
    declare_for_risk(risk_chain, unsupervised, supervised=False, at=at)
    declare_for_risk(risk_chain, watched, supervised=True, at=at)
    report = oracle(risk_chain).run(
        write_export(
            tmp_path / "d.json",
            declaration_record(unsupervised, chain_time(risk_chain)),
            declaration_record(watched, chain_time(risk_chain), hs="930120"),
        )
    )
    assert report.lanes == {"yellow": 1, "red": 1}


def test_a_malformed_record_is_a_dead_letter_and_the_rest_is_decided(risk_chain: Chain, tmp_path: Path) -> None:
    ucr, at = "6CN9144010012345678-SG-100005", chain_time(risk_chain)
    declare_for_risk(risk_chain, ucr, supervised=True, at=at)
    bad = {**declaration_record(ucr, chain_time(risk_chain)), "hs_codes": ["nine"]}
    report = oracle(risk_chain).run(
        write_export(tmp_path / "d.json", bad, declaration_record(ucr, chain_time(risk_chain)))
    )
    assert (report.dead, report.decided) == (1, 1)
    [(_, reason)] = RiskOutbox(outbox_path(risk_chain.data_dir)).dead_letters()
    assert "hs_codes.0" in reason


def test_same_rules_chain_and_time_give_the_same_lane(risk_chain: Chain, tmp_path: Path) -> None:
    ucr, at = "6CN9144010012345678-SG-100006", chain_time(risk_chain)
    declare_for_risk(risk_chain, ucr, supervised=False, at=at)
    first = oracle(risk_chain)
    declaration = Declaration.model_validate(declaration_record(ucr, chain_time(risk_chain)))
    assert first.assess(declaration, tmp_path) == oracle(risk_chain).assess(declaration, tmp_path)
    events = [e.hash.ni for e in first.decision_events(declaration, first.assess(declaration, tmp_path))]
    assert events == [e.hash.ni for e in first.decision_events(declaration, first.assess(declaration, tmp_path))]


def test_a_crash_between_submitting_and_recording_decides_once(
    risk_chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ucr, at = "6CN9144010012345678-SG-100007", chain_time(risk_chain)
    declare_for_risk(risk_chain, ucr, supervised=True, at=at)
    source = write_export(tmp_path / "d.json", declaration_record(ucr, chain_time(risk_chain)))
    real_record = RiskOutbox.record

    class Crash(BaseException):
        pass

    def die_when_done(self: RiskOutbox, **kwargs: object) -> None:
        if kwargs.get("state") == "done":
            raise Crash  # the decisions are on chain, the outbox does not know yet
        real_record(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RiskOutbox, "record", die_when_done)
    with pytest.raises(Crash):
        oracle(risk_chain).run(source)
    monkeypatch.undo()
    rerun = oracle(risk_chain).run(source)
    assert (rerun.decided, rerun.already_done) == (0, 1)
    assert steps(risk_chain, ucr).count(Step.RISK_LANE) == 1


def test_claimed_certificates_are_read_from_the_exports_directory_only(risk_chain: Chain, tmp_path: Path) -> None:
    ucr = "6CN9144010012345678-SG-100008"
    declare_for_risk(risk_chain, ucr, supervised=True, at=chain_time(risk_chain))
    claim = {
        **declaration_record(ucr, chain_time(risk_chain)),
        "certificates": [{"file": "../../etc/passwd", "quantity": "1"}],
    }
    rules = oracle(risk_chain)
    findings = rules.assess(Declaration.model_validate(claim), tmp_path).findings
    assert [(f.rule, f.reason) for f in findings] == [
        ("certificate-of-origin", "certificate ../../etc/passwd: outside the export's directory")
    ]


def test_the_certificate_of_origin_must_be_valid_with_the_quantity_left(risk_chain: Chain, tmp_path: Path) -> None:
    from ledger.certificates.registry import CertificateRegistryBinding
    from ledger.certificates.wrapped import write_wrapped
    from ledger.documents.samples import generate_samples

    issuer = CertificateRegistryBinding(risk_chain.client("cn-issuer"))
    [batch] = issuer.wrap(generate_samples("certificate-of-origin", 1, seed=31, origin="CN", destination="SG"))
    issuer.anchor([batch])
    certificate = batch.certificates[0]
    write_wrapped(certificate, tmp_path / "co.json")
    total = Decimal(certificate.proof.quantity) / 1000
    ucr = "6CN9144010012345678-SG-100009"
    declare_for_risk(risk_chain, ucr, supervised=True, at=chain_time(risk_chain))
    fits = {
        **declaration_record(ucr, chain_time(risk_chain)),
        "certificates": [{"file": "co.json", "quantity": f"{total:f}"}],
    }
    assert oracle(risk_chain).assess(Declaration.model_validate(fits), tmp_path).lane == "green"
    too_much = {**fits, "certificates": [{"file": "co.json", "quantity": f"{total + 1:f}"}]}
    findings = oracle(risk_chain).assess(Declaration.model_validate(too_much), tmp_path).findings
    assert [f.rule for f in findings] == ["certificate-of-origin"]
    assert "left" in findings[0].reason
    issuer.revoke(certificate, "fraud")
    revoked = oracle(risk_chain).assess(Declaration.model_validate(fits), tmp_path).findings
    assert "revoked (fraud)" in revoked[0].reason
