"""AEO certification lifecycle, MRAs and the recognition view, through the Python bindings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledger.aeo import AeoRegistryBinding, MraBinding, recognized
from ledger.aeo.codes import ChangeKind, parse_tiers
from ledger.chain.contract import ContractBinding
from ledger.chain.reads import LogsRefused
from ledger.errors import ContractRevert
from tests.support import Chain

# Changes take effect at their block's time and queries ask about a time: with a block every
# second that boundary moves on its own.
pytestmark = pytest.mark.besu

OP = "USCI:91310000MA1FL8XQ30"


def certify(chain: Chain, tier: str = "advanced", **kwargs: object) -> None:
    AeoRegistryBinding(chain.client("cn-customs")).certify(
        member="CN",
        operator=OP,
        tier=tier,
        **kwargs,  # type: ignore[arg-type]
    )


def mra_in_force(chain: Chain, tiers: str = "general,advanced") -> None:
    mask = parse_tiers(tiers)
    MraBinding(chain.client("cn-customs")).propose(
        member="CN", partner="SG", tiers_recognised_by_member=mask, tiers_recognised_by_partner=mask
    )
    MraBinding(chain.client("sg-customs")).accept(
        member="SG",
        partner="CN",
        tiers_recognised_by_proposer=mask,
        tiers_recognised_by_partner=mask,
        effective_from=None,
    )


def sg_recognises(chain: Chain, at: datetime | None = None) -> tuple[bool, list[str]]:
    result = recognized(client=chain.client(), operator=OP, certified_by="CN", recognised_by="SG", at=at)
    return result.recognized, result.reasons


def test_mra_is_effective_only_after_acceptance(chain: Chain) -> None:
    certify(chain)
    assert sg_recognises(chain) == (False, ["no-mra"])
    mask = parse_tiers("advanced")
    proposed = MraBinding(chain.client("cn-customs")).propose(
        member="CN", partner="SG", tiers_recognised_by_member=mask, tiers_recognised_by_partner=mask
    )
    assert proposed.mra.status == "proposed"
    assert proposed.mra.proposal is not None
    assert sg_recognises(chain) == (False, ["no-mra"])
    accepted = MraBinding(chain.client("sg-customs")).accept(
        member="SG",
        partner="CN",
        tiers_recognised_by_proposer=mask,
        tiers_recognised_by_partner=mask,
        effective_from=None,
    )
    assert accepted.mra.status == "in-force"
    assert accepted.mra.state.tiers_recognised_by_member == ["advanced"]
    assert sg_recognises(chain) == (True, [])


def test_proposer_cannot_accept_its_own_proposal(chain: Chain) -> None:
    mask = parse_tiers("advanced")
    cn = MraBinding(chain.client("cn-customs"))
    cn.propose(member="CN", partner="SG", tiers_recognised_by_member=mask, tiers_recognised_by_partner=mask)
    with pytest.raises(ContractRevert.for_error("AeoRegistryOwnMraProposal")):
        cn.accept(
            member="CN",
            partner="SG",
            tiers_recognised_by_proposer=mask,
            tiers_recognised_by_partner=mask,
            effective_from=None,
        )


def test_suspension_by_cn_is_seen_by_sg_immediately_and_lifted_by_reinstatement(chain: Chain) -> None:
    certify(chain)
    mra_in_force(chain)
    assert sg_recognises(chain)[0] is True
    cn = AeoRegistryBinding(chain.client("cn-customs"))
    suspended = cn.change_status(ChangeKind.SUSPEND, member="CN", operator=OP, reason="fraud")
    assert suspended.certification.state is not None
    assert suspended.certification.state.reason_name == "fraud"
    assert sg_recognises(chain) == (False, ["suspended"])
    cn.change_status(ChangeKind.REINSTATE, member="CN", operator=OP, reason="remediated")
    assert sg_recognises(chain) == (True, [])
    cn.change_status(ChangeKind.REVOKE, member="CN", operator=OP, reason="non-compliance")
    assert sg_recognises(chain) == (False, ["revoked"])


def test_recognition_at_a_past_time(chain: Chain) -> None:
    certify(chain)
    mra_in_force(chain)
    client = chain.client()
    before = datetime.fromtimestamp(client.w3.eth.get_block("latest")["timestamp"], tz=UTC)
    chain_rpc_increase_time(chain, 100)
    AeoRegistryBinding(chain.client("cn-customs")).change_status(ChangeKind.SUSPEND, member="CN", operator=OP, reason=1)
    after = datetime.fromtimestamp(client.w3.eth.get_block("latest")["timestamp"], tz=UTC)  # 100 s ahead of now
    assert sg_recognises(chain, after)[0] is False
    assert sg_recognises(chain, before) == (True, [])
    assert sg_recognises(chain, before - timedelta(days=3650))[1][0] == "not-certified"


def test_validity_window(chain: Chain) -> None:
    now = datetime.fromtimestamp(chain.client().w3.eth.get_block("latest")["timestamp"], tz=UTC)
    certify(chain, valid_from=now + timedelta(days=1), valid_until=now + timedelta(days=30))
    mra_in_force(chain)
    assert sg_recognises(chain) == (False, ["not-yet-valid"])
    assert sg_recognises(chain, now + timedelta(days=2)) == (True, [])
    assert sg_recognises(chain, now + timedelta(days=31)) == (False, ["expired"])


def test_tier_scope(chain: Chain) -> None:
    certify(chain, tier="general")
    mra_in_force(chain, tiers="advanced")
    own = recognized(client=chain.client(), operator=OP, certified_by="CN", recognised_by="CN")
    assert own.recognized is True
    result = recognized(client=chain.client(), operator=OP, certified_by="CN", recognised_by="SG")
    assert (result.recognized, result.reasons) == (False, ["tier-not-in-scope"])
    assert "does not recognise tier general" in result.explanation
    certify(chain, tier="advanced")
    assert sg_recognises(chain) == (True, [])


def test_several_failing_checks_are_all_reported(chain: Chain) -> None:
    certify(chain)
    AeoRegistryBinding(chain.client("cn-customs")).change_status(
        ChangeKind.SUSPEND, member="CN", operator=OP, reason="investigation"
    )
    assert sg_recognises(chain) == (False, ["suspended", "no-mra"])


def test_mra_suspend_resume_terminate(chain: Chain) -> None:
    certify(chain)
    mra_in_force(chain)
    sg = MraBinding(chain.client("sg-customs"))
    assert sg.suspend(member="SG", partner="CN").mra.status == "suspended"
    assert sg_recognises(chain) == (False, ["mra-not-in-force"])
    with pytest.raises(ContractRevert.for_error("AeoRegistryNotMraSuspender")):
        MraBinding(chain.client("cn-customs")).resume(member="CN", partner="SG")
    assert sg.resume(member="SG", partner="CN").mra.status == "in-force"
    assert sg_recognises(chain)[0] is True
    terminated = MraBinding(chain.client("cn-customs")).terminate(member="CN", partner="SG")
    assert terminated.mra.status == "terminated"
    assert [h.status for h in terminated.mra.history] == ["in-force", "suspended", "in-force", "terminated"]
    assert sg_recognises(chain) == (False, ["mra-not-in-force"])
    listed = MraBinding(chain.client()).list_mras()
    assert [(m.member, m.partner, m.status) for m in listed] == [("CN", "SG", "terminated")]


def test_only_the_certifying_member_changes_its_operators(chain: Chain) -> None:
    certify(chain)
    with pytest.raises(ContractRevert.for_error("AeoRegistryNotCustoms")):
        AeoRegistryBinding(chain.client("cn-oracle")).certify(member="CN", operator=OP, tier=2)
    # SG acting on the same national id addresses SG's own (uncertified) record, not CN's.
    with pytest.raises(ContractRevert.for_error("AeoRegistryInvalidTransition")):
        AeoRegistryBinding(chain.client("sg-customs")).change_status(ChangeKind.SUSPEND, member="SG", operator=OP)


def test_history_keeps_every_change(chain: Chain) -> None:
    certify(chain, tier="general")
    certify(chain, tier="advanced", evidence="audit report 2026-07")
    cn = AeoRegistryBinding(chain.client("cn-customs"))
    cn.change_status(ChangeKind.SUSPEND, member="CN", operator=OP, reason="clerical-error")
    history = cn.history(operator=OP, certified_by="CN").history
    assert [(h.change, h.status, h.tier_name) for h in history] == [
        ("certify", "active", "general"),
        ("certify", "active", "advanced"),
        ("suspend", "suspended", "advanced"),
    ]
    status = cn.certification(operator=OP, certified_by="CN")
    assert status.changes == 3
    assert status.status == "suspended"
    assert status.evidence_hash != "0x" + "00" * 32


def test_history_stands_on_a_node_that_refuses_the_log_range(chain: Chain, monkeypatch: pytest.MonkeyPatch) -> None:
    certify(chain, tier="general")
    cn = AeoRegistryBinding(chain.client("cn-customs"))
    assert all(h.recorded_at for h in cn.history(operator=OP, certified_by="CN").history)

    def refused(*_: object, **__: object) -> list[dict[str, object]]:
        raise LogsRefused("logs of AeoRegistry", "exceeds the maximum range of 5 blocks")

    monkeypatch.setattr(ContractBinding, "logs", refused)
    [entry] = cn.history(operator=OP, certified_by="CN").history
    assert (entry.change, entry.tier_name, entry.recorded_at) == ("certify", "general", None)


def chain_rpc_increase_time(chain: Chain, seconds: int) -> None:
    from tests.support import rpc

    rpc(chain.rpc_url, "evm_increaseTime", [seconds])
    rpc(chain.rpc_url, "evm_mine")


def test_acceptance_names_the_terms_and_a_changed_proposal_is_refused(chain: Chain) -> None:
    general, both = parse_tiers("general"), parse_tiers("general,advanced")
    cn = MraBinding(chain.client("cn-customs"))
    cn.propose(member="CN", partner="SG", tiers_recognised_by_member=general, tiers_recognised_by_partner=general)
    # CN widens its proposal after SG read it: SG's acceptance of what it read is refused
    cn.propose(member="CN", partner="SG", tiers_recognised_by_member=both, tiers_recognised_by_partner=both)
    sg = MraBinding(chain.client("sg-customs"))
    with pytest.raises(ContractRevert.for_error("AeoRegistryMraTermsChanged")):
        sg.accept(
            member="SG", partner="CN", tiers_recognised_by_proposer=general, tiers_recognised_by_partner=general,
            effective_from=None,
        )  # fmt: skip
    accepted = sg.accept(
        member="SG",
        partner="CN",
        tiers_recognised_by_proposer=both,
        tiers_recognised_by_partner=both,
        effective_from=None,
    )
    assert accepted.mra.status == "in-force"


def test_the_governance_key_cannot_make_aeo_changes(chain: Chain) -> None:
    with pytest.raises(ContractRevert.for_error("AeoRegistryAdminNotCustoms")):
        AeoRegistryBinding(chain.client("cn-admin")).certify(member="CN", operator=OP, tier="advanced")
