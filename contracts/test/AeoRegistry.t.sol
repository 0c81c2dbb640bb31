// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

contract AeoRegistry_certify_Test is AeoBaseTest {
    function test_CertifiesNewOperator() public {
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorCertified(
            CN, OP_A, 2, _now(), _now() + 365 * DAY, EVIDENCE, _now()
        );
        vm.prank(cnOps);
        registry.certify(OP_A, 2, 0, _now() + 365 * DAY, EVIDENCE, 0);

        IAeoRegistry.Certification memory c = registry.certification(OP_A, CN);
        assertEq(uint256(c.state.status), uint256(IAeoRegistry.Status.Active), "status");
        assertEq(c.state.tier, 2, "tier");
        assertEq(c.state.validFrom, _now(), "validFrom defaults to effective time");
        assertEq(c.state.validUntil, _now() + 365 * DAY, "validUntil");
        assertEq(c.state.effectiveAt, _now(), "effectiveAt");
        assertEq(c.evidenceHash, EVIDENCE, "evidence");
        assertEq(c.changes, 1, "one change");
        assertTrue(registry.isRecognized(OP_A, CN, CN, 0), "own certification recognised");
    }

    function test_Recertify_ChangesTierAndKeepsHistory() public {
        _certify(cnOps, OP_A, 1);
        vm.warp(block.timestamp + DAY);
        vm.prank(cnOps);
        registry.certify(OP_A, 2, 0, 0, keccak256("new evidence"), 0);
        IAeoRegistry.CertificationState[] memory h = _history(OP_A, CN);
        assertEq(h.length, 2, "two entries");
        assertEq(h[0].tier, 1, "old tier kept");
        assertEq(h[1].tier, 2, "new tier");
        assertEq(
            registry.certification(OP_A, CN).evidenceHash, keccak256("new evidence"), "evidence"
        );
        assertEq(registry.certificationAt(OP_A, CN, _now() - 1).tier, 1, "tier in the past");
    }

    function test_CertifyWhileSuspended_StaysSuspended() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.suspend(OP_A, 7, 0);
        _certify(cnOps, OP_A, 2);
        IAeoRegistry.CertificationState memory s = registry.certification(OP_A, CN).state;
        assertEq(uint256(s.status), uint256(IAeoRegistry.Status.Suspended), "still suspended");
        assertEq(s.reason, 7, "suspension reason kept");
        assertEq(s.tier, 2, "tier changed");
    }

    function test_CertifyAfterRevoke_IsActiveAgain() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.revoke(OP_A, 3, 0);
        _certify(cnOps, OP_A, 1);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "active");
        assertEq(registry.certification(OP_A, CN).state.reason, 0, "reason cleared");
    }

    function test_MembersCertifyIndependently() public {
        _certify(cnOps, OP_A, 1);
        _certify(sgOps, OP_A, 2);
        vm.prank(sgOps);
        registry.suspend(OP_A, 1, 0);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "CN untouched");
        assertEq(uint256(_status(OP_A, SG)), uint256(IAeoRegistry.Status.Suspended), "SG's own");
    }

    function test_FutureValidity_NotYetValidUntilValidFrom() public {
        vm.prank(cnOps);
        registry.certify(OP_A, 1, _now() + DAY, 0, EVIDENCE, 0);
        _eqReason(_reason(OP_A, CN, CN, 0), IAeoRegistry.Reason.NotYetValid, "not yet");
        assertTrue(registry.isRecognized(OP_A, CN, CN, _now() + DAY), "valid from then");
    }

    function test_RevertWhen_CallerNotCustoms() public {
        address[4] memory callers = [stranger, cnOracle, cnIssuer, exporter];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, callers[i])
            );
            vm.prank(callers[i]);
            registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        }
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        _expectAdminNotCustoms(sgCustoms, SG);
        vm.prank(sgCustoms);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
    }

    function test_RevertWhen_MemberAdminAlsoAccreditedCustoms() public {
        _accredit(cnCustoms, cnCustoms, CUSTOMS_ROLE, bytes32(0));
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
    }

    function test_RevertWhen_CustomsKeyWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnOps, CUSTOMS_ROLE, bytes32(0));
        _expectNotCustoms(cnOps);
        vm.prank(cnOps);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
    }

    function test_AdminRotated_CustomsKeyUnaffected() public {
        address newAdmin = _actor("cn-customs-2");
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeRotateAdmin(CN, newAdmin);
        vm.prank(sgCustoms);
        consortium.approve(id);
        _expectNotCustoms(cnCustoms);
        vm.prank(cnCustoms);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        _expectAdminNotCustoms(newAdmin, CN);
        vm.prank(newAdmin);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        _certify(cnOps, OP_A, 1);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "customs key");
    }

    function test_CustomsKeyActsForItsMember() public {
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorCertified(SG, OP_A, 1, _now(), 0, EVIDENCE, _now());
        _certify(sgOps, OP_A, 1);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.None), "not CN's");
    }

    function test_RevertWhen_OperatorZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidOperator.selector, bytes32(0))
        );
        _certify(cnOps, bytes32(0), 1);
    }

    function test_RevertWhen_TierZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTier.selector, uint8(0), uint8(15)
            )
        );
        _certify(cnOps, OP_A, 0);
    }

    function test_RevertWhen_TierAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTier.selector, uint8(16), uint8(15)
            )
        );
        _certify(cnOps, OP_A, 16);
    }

    function test_RevertWhen_ValidUntilNotAfterValidFrom() public {
        uint64 from = _now() + DAY;
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidValidity.selector, from, from)
        );
        vm.prank(cnOps);
        registry.certify(OP_A, 1, from, from, EVIDENCE, 0);
    }

    function test_RevertWhen_EffectiveTimeBeforePrevious() public {
        vm.prank(cnOps);
        registry.certify(OP_A, 1, 0, 0, EVIDENCE, _now() + DAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryEffectiveTimeTooEarly.selector,
                CN,
                OP_A,
                _now(),
                _now() + DAY
            )
        );
        _certify(cnOps, OP_A, 2);
    }

    function testFuzz_Certify_RecognisedExactlyInsideWindow(
        uint8 tier,
        uint64 from,
        uint64 length,
        uint64 at
    ) public {
        tier = uint8(bound(tier, 1, 15));
        from = uint64(bound(from, 1, type(uint32).max));
        length = uint64(bound(length, 1, type(uint32).max));
        at = uint64(bound(at, 1, type(uint64).max));
        vm.prank(cnOps);
        registry.certify(OP_A, tier, from, from + length, EVIDENCE, 1);
        bool inside = at >= from && at < from + length;
        assertEq(registry.isRecognized(OP_A, CN, CN, at), inside, "recognised iff inside window");
        assertEq(registry.certificationAt(OP_A, CN, at).tier, tier, "tier");
    }
}

contract AeoRegistry_suspend_Test is AeoBaseTest {
    function test_SuspendsActive() public {
        _certify(cnOps, OP_A, 1);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorSuspended(CN, OP_A, 4, _now());
        vm.prank(cnOps);
        registry.suspend(OP_A, 4, 0);
        IAeoRegistry.CertificationState memory s = registry.certification(OP_A, CN).state;
        assertEq(uint256(s.status), uint256(IAeoRegistry.Status.Suspended), "suspended");
        assertEq(s.reason, 4, "reason");
        assertEq(uint256(s.kind), uint256(IAeoRegistry.ChangeKind.Suspend), "kind");
    }

    function test_FutureSuspension_TakesEffectLater() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        registry.suspend(OP_A, 4, _now() + DAY);
        assertTrue(registry.isRecognized(OP_A, CN, CN, 0), "still recognised now");
        vm.warp(block.timestamp + DAY);
        _eqReason(_reason(OP_A, CN, CN, 0), IAeoRegistry.Reason.Suspended, "suspended then");
    }

    function test_RevertWhen_NotCertified() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.None,
                IAeoRegistry.ChangeKind.Suspend
            )
        );
        vm.prank(cnOps);
        registry.suspend(OP_A, 1, 0);
    }

    function test_RevertWhen_OtherMembersOperator() public {
        _certify(cnOps, OP_A, 1);
        // SG acts on its own (empty) certification of OP_A, never on CN's.
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                SG,
                OP_A,
                IAeoRegistry.Status.None,
                IAeoRegistry.ChangeKind.Suspend
            )
        );
        vm.prank(sgOps);
        registry.suspend(OP_A, 1, 0);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "CN untouched");
    }

    function test_RevertWhen_AlreadySuspended() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.suspend(OP_A, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.Suspended,
                IAeoRegistry.ChangeKind.Suspend
            )
        );
        registry.suspend(OP_A, 1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_Revoked() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.revoke(OP_A, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.Revoked,
                IAeoRegistry.ChangeKind.Suspend
            )
        );
        registry.suspend(OP_A, 1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_EffectiveTimeBeforePrevious() public {
        _certify(cnOps, OP_A, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryEffectiveTimeTooEarly.selector, CN, OP_A, _now() - 1, _now()
            )
        );
        vm.prank(cnOps);
        registry.suspend(OP_A, 1, _now() - 1);
    }

    function test_RevertWhen_CallerNotCustoms() public {
        _certify(cnOps, OP_A, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, cnOracle)
        );
        vm.prank(cnOracle);
        registry.suspend(OP_A, 1, 0);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _certify(cnOps, OP_A, 1);
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.suspend(OP_A, 1, 0);
    }
}

contract AeoRegistry_reinstate_Test is AeoBaseTest {
    function test_ReinstatesSuspended() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.suspend(OP_A, 1, 0);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorReinstated(CN, OP_A, 9, _now());
        registry.reinstate(OP_A, 9, 0);
        vm.stopPrank();
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Active), "active");
        assertEq(registry.certificationHistoryLength(OP_A, CN), 3, "three changes");
    }

    function test_RevertWhen_Active() public {
        _certify(cnOps, OP_A, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.Active,
                IAeoRegistry.ChangeKind.Reinstate
            )
        );
        vm.prank(cnOps);
        registry.reinstate(OP_A, 1, 0);
    }

    function test_RevertWhen_Revoked() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.revoke(OP_A, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.Revoked,
                IAeoRegistry.ChangeKind.Reinstate
            )
        );
        registry.reinstate(OP_A, 1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, stranger)
        );
        vm.prank(stranger);
        registry.reinstate(OP_A, 1, 0);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.reinstate(OP_A, 1, 0);
    }
}

contract AeoRegistry_revoke_Test is AeoBaseTest {
    function test_RevokesActive() public {
        _certify(cnOps, OP_A, 1);
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorRevoked(CN, OP_A, 2, _now());
        vm.prank(cnOps);
        registry.revoke(OP_A, 2, 0);
        _eqReason(_reason(OP_A, CN, CN, 0), IAeoRegistry.Reason.Revoked, "revoked");
    }

    function test_RevokesSuspended() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.suspend(OP_A, 1, 0);
        registry.revoke(OP_A, 2, 0);
        vm.stopPrank();
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Revoked), "revoked");
    }

    function test_RevertWhen_NotCertified() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.None,
                IAeoRegistry.ChangeKind.Revoke
            )
        );
        vm.prank(cnOps);
        registry.revoke(OP_A, 1, 0);
    }

    function test_RevertWhen_AlreadyRevoked() public {
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        registry.revoke(OP_A, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_A,
                IAeoRegistry.Status.Revoked,
                IAeoRegistry.ChangeKind.Revoke
            )
        );
        registry.revoke(OP_A, 1, 0);
        vm.stopPrank();
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, sgOracle)
        );
        vm.prank(sgOracle);
        registry.revoke(OP_A, 1, 0);
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(sgCustoms, SG);
        vm.prank(sgCustoms);
        registry.revoke(OP_A, 1, 0);
    }

    /// @dev The old code refused the 65th change of a certification (AeoRegistryHistoryFull).
    function test_AfterManyChanges_NoHistoryCap() public {
        uint64 t0 = _now();
        _certify(cnOps, OP_A, 1);
        _mra(TIERS12, TIERS12);
        vm.startPrank(cnOps);
        for (uint64 i = 1; i <= 200; ++i) {
            if (i % 2 == 1) registry.suspend(OP_A, uint16(i), t0 + i * DAY);
            else registry.reinstate(OP_A, uint16(i), t0 + i * DAY);
        }
        vm.expectEmit(address(registry));
        emit IAeoRegistry.OperatorRevoked(CN, OP_A, 999, t0 + 201 * DAY);
        registry.revoke(OP_A, 999, t0 + 201 * DAY);
        vm.stopPrank();
        assertEq(registry.certificationHistoryLength(OP_A, CN), 202, "every change kept");
        _eqReason(_reason(OP_A, CN, SG, t0 - 1), IAeoRegistry.Reason.NotCertified, "before");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0), "day 0");
        _eqReason(_reason(OP_A, CN, SG, t0 + DAY), IAeoRegistry.Reason.Suspended, "day 1");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0 + 64 * DAY), "day 64");
        _eqReason(_reason(OP_A, CN, SG, t0 + 65 * DAY), IAeoRegistry.Reason.Suspended, "day 65");
        assertTrue(registry.isRecognized(OP_A, CN, SG, t0 + 201 * DAY - 1), "day 200");
        _eqReason(_reason(OP_A, CN, SG, t0 + 201 * DAY), IAeoRegistry.Reason.Revoked, "revoked");
        IAeoRegistry.CertificationState memory s =
            registry.certificationAt(OP_A, CN, t0 + 133 * DAY + 5);
        assertEq(uint256(s.status), uint256(IAeoRegistry.Status.Suspended), "day 133 status");
        assertEq(s.reason, 133, "day 133 reason");
        s = registry.certificationAt(OP_A, CN, t0 + 1000 * DAY);
        assertEq(uint256(s.status), uint256(IAeoRegistry.Status.Revoked), "later");
        assertEq(s.reason, 999, "revocation reason");
    }

    /// @dev Random sequences of certify/suspend/reinstate at random (possibly equal) times never
    /// block a final revoke, and every point-in-time answer matches a linear scan of the model.
    function testFuzz_RandomSequence_NeverBlocksRevoke(uint256 seed, uint256 count) public {
        count = bound(count, 1, 200);
        uint64[] memory times = new uint64[](count + 2);
        IAeoRegistry.Status[] memory statuses = new IAeoRegistry.Status[](count + 2);
        uint8[] memory tiers = new uint8[](count + 2);
        times[0] = _now();
        statuses[0] = IAeoRegistry.Status.Active;
        tiers[0] = 1;
        _certify(cnOps, OP_A, 1);
        vm.startPrank(cnOps);
        for (uint256 i = 1; i <= count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            times[i] = times[i - 1] + uint64(r % 3) * DAY;
            statuses[i] = statuses[i - 1];
            tiers[i] = tiers[i - 1];
            if ((r >> 8) % 4 == 0) {
                tiers[i] = uint8(1 + (r >> 16) % 15);
                registry.certify(OP_A, tiers[i], 1, 0, EVIDENCE, times[i]);
            } else if (statuses[i] == IAeoRegistry.Status.Active) {
                statuses[i] = IAeoRegistry.Status.Suspended;
                registry.suspend(OP_A, uint16(i), times[i]);
            } else {
                statuses[i] = IAeoRegistry.Status.Active;
                registry.reinstate(OP_A, uint16(i), times[i]);
            }
        }
        times[count + 1] = times[count];
        statuses[count + 1] = IAeoRegistry.Status.Revoked;
        tiers[count + 1] = tiers[count];
        registry.revoke(OP_A, 1, times[count]);
        vm.stopPrank();
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Revoked), "revoked");
        for (uint256 k = 0; k < times.length; ++k) {
            uint64 at = times[k] + uint64(seed % DAY);
            uint256 want;
            for (uint256 i = 0; i < times.length; ++i) {
                if (times[i] <= at) want = i;
            }
            IAeoRegistry.CertificationState memory s = registry.certificationAt(OP_A, CN, at);
            assertEq(uint256(s.status), uint256(statuses[want]), "status at time");
            assertEq(s.tier, tiers[want], "tier at time");
        }
    }
}

contract AeoRegistry_applyChanges_Test is AeoBaseTest {
    function test_AppliesInOrder() public {
        IAeoRegistry.AeoChange[] memory changes = new IAeoRegistry.AeoChange[](3);
        changes[0] = _certifyChange(OP_A, 1);
        changes[1] = _statusChange(IAeoRegistry.ChangeKind.Suspend, OP_A, 5);
        changes[2] = _certifyChange(OP_B, 2);
        vm.prank(cnOps);
        registry.applyChanges(changes);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.Suspended), "A");
        assertEq(uint256(_status(OP_B, CN)), uint256(IAeoRegistry.Status.Active), "B");
    }

    function test_RevertWhen_OneChangeFails_NoneApplied() public {
        IAeoRegistry.AeoChange[] memory changes = new IAeoRegistry.AeoChange[](2);
        changes[0] = _certifyChange(OP_A, 1);
        changes[1] = _statusChange(IAeoRegistry.ChangeKind.Reinstate, OP_B, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidTransition.selector,
                CN,
                OP_B,
                IAeoRegistry.Status.None,
                IAeoRegistry.ChangeKind.Reinstate
            )
        );
        vm.prank(cnOps);
        registry.applyChanges(changes);
        assertEq(uint256(_status(OP_A, CN)), uint256(IAeoRegistry.Status.None), "rolled back");
    }

    function test_RevertWhen_Empty() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidBatchSize.selector, 0, 100)
        );
        vm.prank(cnOps);
        registry.applyChanges(new IAeoRegistry.AeoChange[](0));
    }

    function test_RevertWhen_TooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryInvalidBatchSize.selector, 101, 100)
        );
        vm.prank(cnOps);
        registry.applyChanges(_certifyBatch(0, 101));
    }

    function test_RevertWhen_CallerNotCustoms() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAeoRegistry.AeoRegistryNotCustoms.selector, cnOracle)
        );
        vm.prank(cnOracle);
        registry.applyChanges(_one(_certifyChange(OP_A, 1)));
    }

    function test_RevertWhen_CallerIsMemberAdmin() public {
        _expectAdminNotCustoms(cnCustoms, CN);
        vm.prank(cnCustoms);
        registry.applyChanges(_one(_certifyChange(OP_A, 1)));
    }

    function test_Gas_CertifyDirect() public {
        vm.prank(cnOps);
        uint256 before = gasleft();
        registry.certify(OP_A, 2, 0, _now() + 365 * DAY, EVIDENCE, 0);
        uint256 used = before - gasleft();
        emit log_named_uint("certify (direct, cold) gas", used);
        assertLe(used, 120_000, "direct certify");

        IAeoRegistry.AeoChange[] memory batch = _certifyBatch(0, 100);
        vm.prank(cnOps);
        before = gasleft();
        registry.applyChanges(batch);
        used = before - gasleft();
        emit log_named_uint("applyChanges 100 cold certifications gas", used);
        emit log_named_uint("applyChanges gas per certification", used / 100);
        assertLe(used, 10_000_000, "worst-case batch fits a block");
    }
}
