// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

contract AeoRegistry_isRecognized_Test is AeoBaseTest {
    function test_OwnCertification_NeedsNoMra() public {
        _certify(cnOps, OP_A, 1);
        assertTrue(registry.isRecognized(OP_A, CN, CN, 0), "own");
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.NoMra, "no MRA for SG");
    }

    function test_NotCertified() public view {
        assertFalse(registry.isRecognized(OP_A, CN, SG, 0), "not recognised");
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.NotCertified, "reason");
    }

    function test_MraEffectiveOnlyAfterAcceptance() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.proposeMra(SG, TIERS12, TIERS12, 0);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.NoMra, "proposed only");
        vm.warp(block.timestamp + DAY);
        uint64 acceptedAt = _now();
        vm.prank(sgOps);
        registry.acceptMra(CN, TIERS12, TIERS12, 0);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "recognised after acceptance");
        assertTrue(registry.isRecognized(OP_A, SG, CN, 0) == false, "SG never certified OP_A");
        _eqReason(_reason(OP_A, CN, SG, acceptedAt - 1), IAeoRegistry.Reason.NoMra, "not before");
    }

    function test_SuspensionByCn_VisibleToSgImmediately_AndReinstated() public {
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "recognised");
        vm.prank(cnOps);
        registry.suspend(OP_A, 4, 0);
        assertFalse(registry.isRecognized(OP_A, CN, SG, 0), "suspended: same block");
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.Suspended, "reason");
        vm.warp(block.timestamp + DAY);
        vm.prank(cnOps);
        registry.reinstate(OP_A, 0, 0);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "recognised after reinstatement");
    }

    function test_PastTime_AnswersFromHistory() public {
        uint64 t0 = _now();
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.warp(t0 + 10 * DAY);
        vm.prank(cnOps);
        registry.suspend(OP_A, 4, 0);
        vm.warp(t0 + 20 * DAY);
        vm.prank(cnOps);
        registry.revoke(OP_A, 5, 0);
        vm.warp(t0 + 30 * DAY);
        assertFalse(registry.isRecognized(OP_A, CN, SG, t0 - 1), "before certification");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0 + 5 * DAY), "day 5");
        _eqReason(_reason(OP_A, CN, SG, t0 + 15 * DAY), IAeoRegistry.Reason.Suspended, "day 15");
        _eqReason(_reason(OP_A, CN, SG, t0 + 25 * DAY), IAeoRegistry.Reason.Revoked, "day 25");
        _eqReason(_reason(OP_A, CN, SG, t0 - 1), IAeoRegistry.Reason.NotCertified, "before");
    }

    function test_TierScope_PerSide() public {
        _certify(cnOps, OP_A, 1);
        _certify(cnOps, OP_B, 2);
        bytes32 sgOp = keccak256("SG|AEO-1");
        _certify(sgOps, sgOp, 1);
        // CN recognises SG's tier 1 and 2; SG recognises only CN's tier 2.
        _mra(TIERS12, TIER2);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.TierNotInScope, "CN tier 1");
        assertTrue(registry.isRecognized(OP_B, CN, SG, 0), "CN tier 2");
        assertTrue(registry.isRecognized(sgOp, SG, CN, 0), "SG tier 1 by CN");
    }

    function test_TierChange_MovesOutOfScope() public {
        _certify(cnOps, OP_A, 2);
        _mra(TIERS12, TIER2);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "tier 2");
        vm.warp(block.timestamp + DAY);
        _certify(cnOps, OP_A, 1);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.TierNotInScope, "tier 1 now");
        assertTrue(registry.isRecognized(OP_A, CN, SG, _now() - 1), "tier 2 yesterday");
    }

    function test_Expired() public {
        vm.prank(cnOps);
        registry.certify(OP_A, 1, 0, _now() + DAY, EVIDENCE, 0);
        _mra(TIERS12, TIERS12);
        assertTrue(registry.isRecognized(OP_A, CN, SG, _now() + DAY - 1), "last second");
        _eqReason(_reason(OP_A, CN, SG, _now() + DAY), IAeoRegistry.Reason.Expired, "expired");
    }

    function test_MraSuspendedOrTerminated_NotInForce() public {
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.warp(block.timestamp + DAY);
        vm.prank(sgOps);
        registry.suspendMra(CN);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.MraNotInForce, "suspended");
        vm.warp(block.timestamp + DAY);
        vm.prank(sgOps);
        registry.resumeMra(CN);
        assertTrue(registry.isRecognized(OP_A, CN, SG, 0), "resumed");
        vm.warp(block.timestamp + DAY);
        vm.prank(cnOps);
        registry.terminateMra(SG);
        _eqReason(_reason(OP_A, CN, SG, 0), IAeoRegistry.Reason.MraNotInForce, "terminated");
        assertTrue(registry.isRecognized(OP_A, CN, SG, _now() - 1), "in force before");
    }

    function test_RecognitionAgreesWithIsRecognized() public {
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        (bool ok, IAeoRegistry.Reason reason) = registry.recognition(OP_A, CN, SG, 0);
        assertTrue(ok, "recognised");
        _eqReason(reason, IAeoRegistry.Reason.Recognized, "reason");
    }

    function testFuzz_SuspensionWindow(uint64 suspendAfter, uint64 length, uint64 at) public {
        uint64 t0 = _now();
        suspendAfter = uint64(bound(suspendAfter, 1, 1000 * DAY));
        length = uint64(bound(length, 1, 1000 * DAY));
        at = uint64(bound(at, t0, t0 + 3000 * DAY));
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.startPrank(cnOps);
        registry.suspend(OP_A, 1, t0 + suspendAfter);
        registry.reinstate(OP_A, 0, t0 + suspendAfter + length);
        vm.stopPrank();
        bool suspended = at >= t0 + suspendAfter && at < t0 + suspendAfter + length;
        assertEq(registry.isRecognized(OP_A, CN, SG, at), !suspended, "outside suspension only");
    }
}

contract AeoRegistry_views_Test is AeoBaseTest {
    function test_CertificationAt_NoneBeforeFirstChange() public {
        uint64 t0 = _now();
        vm.prank(cnOps);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, t0 + DAY);
        assertEq(
            uint256(registry.certificationAt(OP_A, CN, t0).status),
            uint256(IAeoRegistry.Status.None),
            "not yet effective"
        );
        assertEq(
            uint256(registry.certification(OP_A, CN).state.status),
            uint256(IAeoRegistry.Status.Active),
            "latest record is the future one"
        );
    }

    function test_SameEffectiveTime_LastChangeWins() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.suspend(OP_A, 1, 0);
        _eqReason(_reason(OP_A, CN, CN, 0), IAeoRegistry.Reason.Suspended, "last wins");
    }
}
