// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

abstract contract AeoMraBaseTest is AeoBaseTest {
    /// @dev Add TH (proposed by CN, approved by SG) with its customs key `thOps`.
    function _addTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.prank(sgCustoms);
        consortium.approve(id);
        _accredit(thCustoms, thOps, CUSTOMS_ROLE, bytes32(0));
    }

    /// @dev Remove TH (threshold 2 of 3).
    function _removeTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeRemoveMember(TH);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function _mraStatus(bytes32 a, bytes32 b) internal view returns (IAeoRegistry.MraStatus) {
        return registry.mra(a, b).state.status;
    }

    function _expectMraTransition(bytes32 member, bytes32 partner, IAeoRegistry.MraStatus status)
        internal
    {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidMraTransition.selector, member, partner, status
            )
        );
    }
}

contract AeoRegistry_proposeMra_Test is AeoMraBaseTest {
    function test_RecordsProposalAndPartners() public {
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraProposed(CN, SG, TIER2, TIERS12, _now() + DAY);
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER2, TIERS12, _now() + DAY);
        IAeoRegistry.MraProposal memory p = registry.mraProposal(SG, CN);
        assertEq(p.proposer, CN, "proposer");
        assertEq(p.partner, SG, "partner");
        assertEq(p.tiersRecognisedByProposer, TIER2, "proposer tiers");
        assertEq(p.tiersRecognisedByPartner, TIERS12, "partner tiers");
        assertEq(p.proposedAt, _now(), "proposedAt");
        assertEq(registry.mraPartners(CN)[0], SG, "CN lists SG");
        assertEq(registry.mraPartners(SG)[0], CN, "SG lists CN");
        assertEq(uint256(_mraStatus(CN, SG)), uint256(IAeoRegistry.MraStatus.None), "not yet");
    }

    function test_CounterProposalReplaces() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER2, TIERS12, 0);
        vm.prank(sgOps);
        registry.proposeMra(CN, TIER1, TIER1, 0);
        assertEq(registry.mraProposal(CN, SG).proposer, SG, "SG's proposal now");
        assertEq(registry.mraPartners(CN).length, 1, "partner listed once");
    }

    function test_RevertWhen_PartnerIsSelf() public {
        vm.expectRevert(abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidPartner.selector, CN));
        vm.prank(cnOps);
        registry.proposeMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_PartnerNotMember() public {
        vm.expectRevert(abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidPartner.selector, TH));
        vm.prank(cnOps);
        registry.proposeMra(TH, TIER1, TIER1, 0);
    }

    function test_RevertWhen_MaskUsesBitZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTierMask.selector, uint16(1), TIER1
            )
        );
        vm.prank(cnOps);
        registry.proposeMra(SG, 1, TIER1, 0);
    }

    function test_RevertWhen_BothMasksEmpty() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTierMask.selector, uint16(0), uint16(0)
            )
        );
        vm.prank(cnOps);
        registry.proposeMra(SG, 0, 0, 0);
    }

    function test_OneWayMask_Allowed() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, 0, TIER1, 0);
        assertEq(registry.mraProposal(CN, SG).tiersRecognisedByPartner, TIER1, "one way");
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, cnOracle)
        );
        vm.prank(cnOracle);
        registry.proposeMra(SG, TIER1, TIER1, 0);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.proposeMra(SG, TIER1, TIER1, 0);
    }

    function testFuzz_RevertWhen_MaskOutOfRange(uint16 mask) public {
        mask |= 1; // bit 0 is never a tier; bits 1..15 are tiers 1..15
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidTierMask.selector, mask, TIER1)
        );
        vm.prank(cnOps);
        registry.proposeMra(SG, mask, TIER1, 0);
    }
}

contract AeoRegistry_cancelMraProposal_Test is AeoMraBaseTest {
    function test_ProposerWithdraws() public {
        vm.startPrank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraProposalCancelled(CN, SG);
        registry.cancelMraProposal(SG);
        vm.stopPrank();
        assertEq(registry.mraProposal(CN, SG).proposedAt, 0, "gone");
    }

    function test_PartnerRejects() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        vm.prank(sgOps);
        registry.cancelMraProposal(CN);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNoMraProposal.selector, SG, CN)
        );
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_NoProposal() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNoMraProposal.selector, CN, SG)
        );
        vm.prank(cnOps);
        registry.cancelMraProposal(SG);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, stranger)
        );
        vm.prank(stranger);
        registry.cancelMraProposal(SG);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.cancelMraProposal(SG);
    }
}

contract AeoRegistry_acceptMra_Test is AeoMraBaseTest {
    function test_InForceFromAcceptance() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER2, TIERS12, _now() - DAY);
        vm.warp(block.timestamp + DAY);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraAccepted(SG, CN, _now());
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER2, TIERS12, _now() - 2 * DAY);
        IAeoRegistry.Mra memory m = registry.mra(SG, CN);
        assertEq(uint256(m.state.status), uint256(IAeoRegistry.MraStatus.InForce), "in force");
        assertEq(m.state.at, _now(), "from acceptance, not the earlier effectiveFrom");
        assertEq(m.state.memberTiers, TIERS12, "SG recognises CN's tiers 1-2");
        assertEq(m.state.partnerTiers, TIER2, "CN recognises SG's tier 2");
        assertEq(registry.mra(CN, SG).state.memberTiers, TIER2, "CN's perspective");
        assertEq(registry.mraProposal(CN, SG).proposedAt, 0, "proposal consumed");
    }

    function test_FutureEffectiveFrom() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, _now() + 10 * DAY);
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER1, _now() + 10 * DAY);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.NoMra, "not yet");
        assertTrue(registry.isRecognized(OP_A, CN, SG, _now() + 10 * DAY), "from effectiveFrom");
    }

    function test_Amendment_ChangesScopeGoingForward() public {
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.warp(block.timestamp + DAY);
        vm.prank(sgOps);
        registry.proposeMra(CN, TIER2, TIER2, 0);
        vm.prank(cnOps);
        registry.acceptMra(SG, TIER2, TIER2, 0);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.TierNotInScope, "narrowed");
        assertTrue(registry.isRecognized(OP_A, CN, SG, _now() - 1), "past unchanged");
        assertEq(registry.mraHistoryLength(CN, SG), 2, "two entries");
    }

    /// @dev The old acceptMra(partner) accepted whatever stood when it was mined.
    function test_RevertWhen_ProposalReplacedBeforeAcceptance() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER2, TIERS12, 0);
        // SG reads these terms; CN replaces them before SG's acceptance is mined.
        vm.prank(cnOps);
        registry.proposeMra(SG, TIERS12, TIER2, _now() + DAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryMraTermsChanged.selector,
                SG,
                CN,
                TIERS12,
                TIER2,
                _now() + DAY
            )
        );
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER2, TIERS12, 0);
        assertEq(uint256(_mraStatus(CN, SG)), uint256(IAeoRegistry.MraStatus.None), "no MRA");
        vm.prank(sgOps);
        registry.acceptMra(CN, TIERS12, TIER2, _now() + DAY);
        assertEq(registry.mra(SG, CN).state.memberTiers, TIER2, "the terms SG accepted");
    }

    function test_WithdrawnAndReproposed_IdenticalTermsAccepted() public {
        vm.startPrank(cnOps);
        registry.proposeMra(SG, TIER1, TIER2, 0);
        registry.cancelMraProposal(SG);
        registry.proposeMra(SG, TIER1, TIER2, 0);
        vm.stopPrank();
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER2, 0);
        assertEq(registry.mra(CN, SG).state.memberTiers, TIER1, "same terms, accepted");
    }

    function testFuzz_RevertWhen_TermsDiffer(uint16 mine, uint16 theirs, uint64 from) public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIERS12, _now() + DAY);
        vm.assume(mine != TIER1 || theirs != TIERS12 || from != _now() + DAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryMraTermsChanged.selector,
                SG,
                CN,
                TIER1,
                TIERS12,
                _now() + DAY
            )
        );
        vm.prank(sgOps);
        registry.acceptMra(CN, mine, theirs, from);
    }

    function test_RevertWhen_NoProposal() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNoMraProposal.selector, SG, CN)
        );
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_OwnProposal() public {
        vm.startPrank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryOwnMraProposal.selector, CN, SG)
        );
        registry.acceptMra(SG, TIER1, TIER1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_Suspended() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.suspendMra(SG);
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        _expectMraTransition(SG, CN, IAeoRegistry.MraStatus.Suspended);
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_ProposerLeft() public {
        _addTh();
        vm.prank(thOps);
        registry.proposeMra(CN, TIER1, TIER1, 0);
        _removeTh();
        vm.expectRevert(abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidPartner.selector, TH));
        vm.prank(cnOps);
        registry.acceptMra(TH, TIER1, TIER1, 0);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, sgOracle)
        );
        vm.prank(sgOracle);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        _expectAdminNotCustoms(sgCustoms, SG);
        vm.prank(sgCustoms);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_ThirdMemberAccepts() public {
        _addTh();
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNoMraProposal.selector, TH, CN)
        );
        vm.prank(thOps);
        registry.acceptMra(CN, TIER1, TIER1, 0);
    }
}

contract AeoRegistry_suspendMra_Test is AeoMraBaseTest {
    function test_EitherSideSuspends() public {
        _mra(TIERS12, TIERS12);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraSuspended(SG, CN, _now());
        vm.prank(sgOps);
        registry.suspendMra(CN);
        IAeoRegistry.Mra memory m = registry.mra(CN, SG);
        assertEq(uint256(m.state.status), uint256(IAeoRegistry.MraStatus.Suspended), "suspended");
        assertEq(m.suspendedBy, SG, "by SG");
    }

    function test_BeforeFutureStart_NeverInForce() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.proposeMra(SG, TIER1, TIER1, _now() + DAY);
        vm.prank(sgOps);
        registry.acceptMra(CN, TIER1, TIER1, _now() + DAY);
        vm.prank(cnOps);
        registry.suspendMra(SG);
        assertEq(registry.mraAt(CN, SG, _now() + DAY).at, _now() + DAY, "at the start");
        _eqReason(_reason(OP_A, CN, SG, _now() + DAY), IAeoRegistry.Reason.MraNotInForce, "never");
    }

    function test_RevertWhen_NoMra() public {
        _expectMraTransition(CN, SG, IAeoRegistry.MraStatus.None);
        vm.prank(cnOps);
        registry.suspendMra(SG);
    }

    function test_RevertWhen_AlreadySuspended() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.suspendMra(SG);
        _expectMraTransition(SG, CN, IAeoRegistry.MraStatus.Suspended);
        vm.prank(sgOps);
        registry.suspendMra(CN);
    }

    function test_RevertWhen_Terminated() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.terminateMra(SG);
        _expectMraTransition(CN, SG, IAeoRegistry.MraStatus.Terminated);
        vm.prank(cnOps);
        registry.suspendMra(SG);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        _mra(TIERS12, TIERS12);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, cnOracle)
        );
        vm.prank(cnOracle);
        registry.suspendMra(SG);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _mra(TIERS12, TIERS12);
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.suspendMra(SG);
    }
}

contract AeoRegistry_resumeMra_Test is AeoMraBaseTest {
    function test_SuspenderResumes() public {
        _mra(TIERS12, TIERS12);
        vm.startPrank(cnOps);
        registry.suspendMra(SG);
        vm.warp(block.timestamp + DAY);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraResumed(CN, SG, _now());
        registry.resumeMra(SG);
        vm.stopPrank();
        IAeoRegistry.Mra memory m = registry.mra(SG, CN);
        assertEq(uint256(m.state.status), uint256(IAeoRegistry.MraStatus.InForce), "in force");
        assertEq(m.suspendedBy, bytes32(0), "cleared");
        assertEq(m.state.memberTiers, TIERS12, "scope kept");
    }

    function test_RevertWhen_OtherSideResumes() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.suspendMra(SG);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotMraSuspender.selector, SG, CN, CN)
        );
        vm.prank(sgOps);
        registry.resumeMra(CN);
    }

    function test_RevertWhen_NotSuspended() public {
        _mra(TIERS12, TIERS12);
        _expectMraTransition(CN, SG, IAeoRegistry.MraStatus.InForce);
        vm.prank(cnOps);
        registry.resumeMra(SG);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, stranger)
        );
        vm.prank(stranger);
        registry.resumeMra(SG);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.resumeMra(SG);
    }
}

contract AeoRegistry_terminateMra_Test is AeoMraBaseTest {
    function test_TerminatesInForce() public {
        _mra(TIERS12, TIERS12);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraTerminated(CN, SG, _now());
        vm.prank(cnOps);
        registry.terminateMra(SG);
        assertEq(uint256(_mraStatus(SG, CN)), uint256(IAeoRegistry.MraStatus.Terminated), "done");
    }

    function test_TerminatesSuspended_ByOtherSide() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.suspendMra(SG);
        vm.prank(sgOps);
        registry.terminateMra(CN);
        IAeoRegistry.Mra memory m = registry.mra(SG, CN);
        assertEq(uint256(m.state.status), uint256(IAeoRegistry.MraStatus.Terminated), "done");
        assertEq(m.suspendedBy, bytes32(0), "cleared");
    }

    function test_NewAgreementAfterTermination() public {
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.terminateMra(SG);
        vm.warp(block.timestamp + DAY);
        _mra(TIER1, TIER1);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "new MRA");
        assertEq(registry.mraHistoryLength(SG, CN), 3, "three entries");
    }

    /// @dev The old code refused the 65th state change of an MRA (AeoRegistryMraHistoryFull).
    function test_AfterManyChanges_NoHistoryCap() public {
        uint64 t0 = _now();
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        for (uint64 i = 1; i <= 200; ++i) {
            vm.warp(t0 + i * DAY);
            bool byCn = ((i + 1) / 2) % 2 == 1; // CN suspends and resumes, then SG, and so on
            vm.prank(byCn ? cnOps : sgOps);
            if (i % 2 == 1) registry.suspendMra(byCn ? SG : CN);
            else registry.resumeMra(byCn ? SG : CN);
        }
        vm.warp(t0 + 201 * DAY);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.MraTerminated(SG, CN, t0 + 201 * DAY);
        vm.prank(sgOps);
        registry.terminateMra(CN);
        assertEq(registry.mraHistoryLength(CN, SG), 202, "every change kept");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0), "day 0");
        _eqReason(_reason(OP_A, CN, SG, t0 + DAY), IAeoRegistry.Reason.MraNotInForce, "day 1");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0 + 64 * DAY), "day 64");
        _eqReason(_reason(OP_A, CN, SG, t0 + 65 * DAY), IAeoRegistry.Reason.MraNotInForce, "day 65");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0 + 201 * DAY - 1), "day 200");
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.MraNotInForce, "terminated");
        IAeoRegistry.MraState memory m = registry.mraAt(CN, SG, t0 + 131 * DAY);
        assertEq(uint256(m.status), uint256(IAeoRegistry.MraStatus.Suspended), "day 131");
        assertEq(m.at, t0 + 131 * DAY, "day 131 entry");
        assertEq(registry.mra(CN, SG).suspendedBy, bytes32(0), "cleared");
    }

    function test_RevertWhen_NoMra() public {
        _expectMraTransition(CN, SG, IAeoRegistry.MraStatus.None);
        vm.prank(cnOps);
        registry.terminateMra(SG);
    }

    function test_RevertWhen_AlreadyTerminated() public {
        _mra(TIERS12, TIERS12);
        vm.prank(cnOps);
        registry.terminateMra(SG);
        _expectMraTransition(SG, CN, IAeoRegistry.MraStatus.Terminated);
        vm.prank(sgOps);
        registry.terminateMra(CN);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        _mra(TIERS12, TIERS12);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, cnIssuer)
        );
        vm.prank(cnIssuer);
        registry.terminateMra(SG);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _mra(TIERS12, TIERS12);
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.terminateMra(SG);
    }
}
