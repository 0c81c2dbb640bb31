"""Consortium governance and accreditation through the typed bindings."""

from __future__ import annotations

import pytest

from ledger.consortium.binding import ConsortiumBinding
from ledger.devnet.consortium import dev_address
from ledger.errors import ContractRevert, InvalidInput
from tests.support import Chain


def test_add_member_needs_threshold_approvals(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    proposed = cn.propose_add_member("TH", "Thai Customs", dev_address("th-admin"))
    assert not proposed.executed
    assert [m.id for m in cn.members()] == ["CN", "SG"]
    approved = sg.approve(proposed.proposal_id)
    assert approved.executed
    assert [m.id for m in cn.members()] == ["CN", "SG", "TH"]
    assert cn.member_of(dev_address("th-admin")) == "TH"


def test_rotate_admin_moves_member_rights(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    new_admin = dev_address("th-admin")
    sg.approve(cn.propose_rotate_admin("CN", new_admin).proposal_id)
    assert cn.member("CN").admin == new_admin
    with pytest.raises(ContractRevert.for_error("ConsortiumNotMemberAdmin")):
        cn.propose_threshold(1)


def test_threshold_and_removal(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    with pytest.raises(ContractRevert, match=r"ConsortiumInvalidThreshold\(threshold=3, memberCount=2\)"):
        cn.propose_threshold(3)
    sg.approve(cn.propose_threshold(1).proposal_id)
    assert cn.threshold() == 1
    assert cn.propose_remove_member("SG").executed
    assert [m.id for m in cn.members()] == ["CN"]


def test_member_accredits_in_own_jurisdiction_only(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    exporter = dev_address("exporter")
    cn.accredit(exporter, "auditor", name="Ningbo Audit Partners")
    record = cn.accreditation(exporter, "auditor")
    assert record.active
    assert record.member_id == "CN"
    with pytest.raises(ContractRevert, match=r"ConsortiumAccountOfOtherMember\(account=0x.*, memberId=CN\)"):
        sg.withdraw(exporter, "auditor")
    with pytest.raises(ContractRevert.for_error("ConsortiumAccountOfOtherMember")):
        sg.accredit(exporter, "oracle", name="Look-alike")
    cn.withdraw(exporter, "auditor")
    withdrawn = cn.accreditation(exporter, "auditor")
    assert not withdrawn.active
    assert withdrawn.until is not None


def test_readmitted_member_must_accredit_again(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    sg = ConsortiumBinding(chain.client("sg-admin"))
    th = ConsortiumBinding(chain.client("th-admin"))
    issuer = dev_address("exporter")
    sg.approve(cn.propose_add_member("TH", "Thai Customs", dev_address("th-admin")).proposal_id)
    th.accredit(issuer, "issuer", "certificate-of-origin", name="Thai Chamber of Commerce")
    granted = th.accreditation(issuer, "issuer", "certificate-of-origin")
    assert granted.active
    sg.approve(cn.propose_remove_member("TH").proposal_id)
    assert not th.accreditation(issuer, "issuer", "certificate-of-origin").active
    with pytest.raises(ContractRevert, match=r"ConsortiumAccountOfOtherMember\(account=0x.*, memberId=TH\)"):
        cn.accredit(issuer, "issuer", "certificate-of-origin", name="Look-alike")
    sg.approve(cn.propose_add_member("TH", "Thai Customs", dev_address("th-admin")).proposal_id)
    void = th.accreditation(issuer, "issuer", "certificate-of-origin")
    assert not void.active
    assert void.member_id == "TH"
    assert void.until is not None
    assert void.until <= th.member("TH").joined_at  # the end of TH's first term
    with pytest.raises(ContractRevert.for_error("ConsortiumNotAccredited")):
        th.withdraw(issuer, "issuer", "certificate-of-origin")
    th.accredit(issuer, "issuer", "certificate-of-origin", name="Thai Chamber of Commerce")
    assert th.accreditation(issuer, "issuer", "certificate-of-origin").active


def test_issuer_accreditation_needs_a_known_certificate_type(chain: Chain) -> None:
    cn = ConsortiumBinding(chain.client("cn-admin"))
    with pytest.raises(InvalidInput, match="issuers are accredited per certificate type"):
        cn.accredit(dev_address("exporter"), "issuer", name="Exporter")
    with pytest.raises(InvalidInput, match="unknown certificate type 'invoice'"):
        cn.accredit(dev_address("exporter"), "issuer", "invoice", name="Exporter")
    with pytest.raises(InvalidInput, match="unknown role 'admin'"):
        cn.accredit(dev_address("exporter"), "admin", name="Exporter")


def test_dev_consortium_is_bootstrapped(chain: Chain) -> None:
    binding = ConsortiumBinding(chain.client())
    assert binding.threshold() == 2
    for member in ("cn", "sg"):
        for cert_type in ("certificate-of-origin", "phytosanitary-certificate"):
            assert binding.accreditation(dev_address(f"{member}-issuer"), "issuer", cert_type).active
        assert binding.accreditation(dev_address(f"{member}-oracle"), "oracle").active
        assert binding.accreditation(dev_address(f"{member}-auditor"), "auditor").active
