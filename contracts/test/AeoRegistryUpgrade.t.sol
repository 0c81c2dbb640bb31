// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {AeoRegistry} from "../src/AeoRegistry.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";
import {IOracleQuorum} from "../src/interfaces/IOracleQuorum.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice AeoRegistry upgraded by vote: an operator's status is answered from the version that
/// holds its latest change, its history spans versions, MRAs likewise; only new issuance goes
/// to the active version.
contract AeoRegistry_upgrade_Test is AeoBaseTest {
    AeoRegistry internal v1;
    AeoRegistry internal v2;

    function setUp() public override {
        super.setUp();
        v1 = registry;
    }

    function _upgrade() internal {
        vm.warp(block.timestamp + DAY);
        v2 = new AeoRegistry(consortium);
        _list(address(v2));
    }

    function _expectHeldOn(bytes32 operator, address holder) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryHeldOnOtherVersion.selector, CN, operator, holder
            )
        );
    }

    function _expectMraHeldOn(bytes32 member, bytes32 partner, address holder) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryMraHeldOnOtherVersion.selector, member, partner, holder
            )
        );
    }

    function _reasonOn(AeoRegistry r, bytes32 recognising, uint64 at)
        internal
        view
        returns (IAeoRegistry.Reason reason)
    {
        (, reason) = r.recognition(OP_A, CN, recognising, at);
    }

    function test_StatusComesFromTheVersionHoldingTheLatestChange() public {
        _certify(cnOps, OP_A, 1);
        uint64 certified = _now();
        _upgrade();
        // both versions answer from v1, which holds the only change
        _eqReason(_reasonOn(v1, CN, 0), IAeoRegistry.Reason.Recognized, "v1 before");
        _eqReason(_reasonOn(v2, CN, 0), IAeoRegistry.Reason.Recognized, "v2 reads v1");

        // a suspension changes what v1 holds: it goes there, and v2 refuses it
        _expectHeldOn(OP_A, address(v1));
        vm.prank(cnOps);
        v2.suspend(OP_A, 1, 0);
        vm.prank(cnOps);
        v1.suspend(OP_A, 1, 0);
        _eqReason(_reasonOn(v2, CN, 0), IAeoRegistry.Reason.Suspended, "v2 sees v1's suspension");

        // a new certification is new issuance: v2 only; it keeps the suspension (as on one version)
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(v1)));
        vm.prank(cnOps);
        v1.certify(OP_A, 2, 0, 0, EVIDENCE, 0);
        vm.warp(block.timestamp + DAY);
        vm.prank(cnOps);
        v2.certify(OP_A, 2, 0, 0, EVIDENCE, 0);
        assertEq(
            uint256(v2.certification(OP_A, CN).state.status),
            uint256(IAeoRegistry.Status.Suspended),
            "suspension kept"
        );
        assertEq(v2.certification(OP_A, CN).state.tier, 2, "tier on v2");

        // now v2 holds the latest change: the reinstatement goes there, v1 refuses it
        _expectHeldOn(OP_A, address(v2));
        vm.prank(cnOps);
        v1.reinstate(OP_A, 0, 0);
        vm.prank(cnOps);
        v2.reinstate(OP_A, 0, 0);
        _eqReason(_reasonOn(v1, CN, 0), IAeoRegistry.Reason.Recognized, "v1 reads v2");
        _eqReason(_reasonOn(v2, CN, 0), IAeoRegistry.Reason.Recognized, "v2");

        // the history spans versions: a past time is answered from v1 by either version
        _eqReason(_reasonOn(v2, CN, certified), IAeoRegistry.Reason.Recognized, "at certification");
        _eqReason(_reasonOn(v2, CN, certified - 1), IAeoRegistry.Reason.NotCertified, "before");
        _eqReason(
            _reasonOn(v2, CN, certified + DAY + 1), IAeoRegistry.Reason.Suspended, "suspended on v1"
        );
        assertEq(v1.certificationHistoryLength(OP_A, CN), 2, "v1 holds certify, suspend");
        assertEq(v2.certificationHistoryLength(OP_A, CN), 2, "v2 holds certify, reinstate");
    }

    function test_AFirstChangeOnAnotherVersionIsNotBeforeTheLatest() public {
        _certify(cnOps, OP_A, 1);
        uint64 scheduled = _now() + 10 * DAY;
        vm.prank(cnOps);
        v1.suspend(OP_A, 1, scheduled);
        _upgrade();
        // before v1's latest change: the histories would interleave
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryEffectiveTimeTooEarly.selector,
                CN,
                OP_A,
                scheduled - 1,
                scheduled
            )
        );
        vm.prank(cnOps);
        v2.certify(OP_A, 2, 0, 0, EVIDENCE, scheduled - 1);
        // at the same time: v2, listed later, holds the later change
        vm.prank(cnOps);
        v2.certify(OP_A, 2, 0, 0, EVIDENCE, scheduled);
        _eqReason(_reasonOn(v1, CN, scheduled), IAeoRegistry.Reason.Suspended, "still suspended");
        (bool recognized,) = v1.recognition(OP_A, CN, CN, scheduled);
        assertFalse(recognized, "not recognised");
        assertEq(v2.certificationAt(OP_A, CN, scheduled).tier, 2, "v2's tier");
        _expectHeldOn(OP_A, address(v2));
        vm.prank(cnOps);
        v1.reinstate(OP_A, 0, scheduled);

        // rolled back to v1, a certification there must be strictly after v2's latest
        _list(address(v1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryEffectiveTimeTooEarly.selector,
                CN,
                OP_A,
                scheduled,
                scheduled
            )
        );
        vm.prank(cnOps);
        v1.certify(OP_A, 3, 0, 0, EVIDENCE, scheduled);
        vm.prank(cnOps);
        v1.certify(OP_A, 3, 0, 0, EVIDENCE, scheduled + 1);
        (, IAeoRegistry.Reason at) = v2.recognition(OP_A, CN, CN, scheduled + 1);
        _eqReason(at, IAeoRegistry.Reason.Suspended, "suspension carried over twice");
        assertEq(v1.certificationAt(OP_A, CN, scheduled + 1).tier, 3, "v1's tier 3");
        assertEq(v2.certificationAt(OP_A, CN, scheduled + 1).tier, 2, "v2 alone keeps tier 2");
    }

    function test_ARevokedCertificationIsCertifiedAgainOnTheNewVersion() public {
        _certify(cnOps, OP_A, 1);
        vm.prank(cnOps);
        v1.revoke(OP_A, 3, 0);
        _upgrade();
        _eqReason(_reasonOn(v2, CN, 0), IAeoRegistry.Reason.Revoked, "revoked on v1");
        vm.prank(cnOps);
        v2.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        _eqReason(_reasonOn(v1, CN, 0), IAeoRegistry.Reason.Recognized, "certified again on v2");
        // an operator never certified before is certified on v2 alone
        vm.prank(cnOps);
        v2.certify(OP_B, 1, 0, 0, EVIDENCE, 0);
        assertEq(v1.certificationHistoryLength(OP_B, CN), 0, "nothing on v1");
        _expectHeldOn(OP_B, address(v2));
        vm.prank(cnOps);
        v1.suspend(OP_B, 1, 0);
    }

    function test_OracleQuorumCarriesOverToTheNewVersion() public {
        _quorum(cnCustoms, 2);
        _upgrade();
        assertEq(v2.oracleQuorum(CN), 2, "v2 keeps CN's quorum");
        assertEq(v2.oracleQuorumSetHere(CN), 0, "not set on v2");
        assertEq(v2.oracleQuorum(SG), 1, "SG never set one");
        IAeoRegistry.AeoChange[] memory changes = _one(_certifyChange(OP_A, 1));
        uint64 deadline = _now() + 1 hours;
        bytes32 digest = v2.changesDigest(CN, changes, 1, deadline);
        bytes[] memory one = new bytes[](1);
        one[0] = _sign("cn-oracle", digest);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumTooFewSignatures.selector, 1, 2)
        );
        v2.submitChanges(CN, changes, 1, deadline, one);
        // set on v2, v2's own setting counts
        vm.prank(cnCustoms);
        v2.setOracleQuorum(1);
        v2.submitChanges(CN, changes, 1, deadline, one);
        assertEq(v1.oracleQuorum(CN), 2, "v1 keeps its own");
    }

    function test_MrasAreAnsweredAcrossVersions() public {
        _mra(TIERS12, TIERS12);
        _certify(cnOps, OP_A, 1);
        _upgrade();
        _eqReason(_reasonOn(v2, SG, 0), IAeoRegistry.Reason.Recognized, "v2 reads v1's MRA");

        // suspension changes what v1 holds
        _expectMraHeldOn(SG, CN, address(v1));
        vm.prank(sgOps);
        v2.suspendMra(CN);
        vm.prank(sgOps);
        v1.suspendMra(CN);
        _eqReason(_reasonOn(v2, SG, 0), IAeoRegistry.Reason.MraNotInForce, "suspended on v1");

        // a new arrangement is new issuance, and a suspended one is not replaced by one
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(v1)));
        vm.prank(cnOps);
        v1.proposeMra(SG, TIER1, TIER1, 0);
        vm.prank(cnOps);
        v2.proposeMra(SG, TIER1, TIER1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAeoRegistry.AeoRegistryInvalidMraTransition.selector,
                SG,
                CN,
                IAeoRegistry.MraStatus.Suspended
            )
        );
        vm.prank(sgOps);
        v2.acceptMra(CN, TIER1, TIER1, 0);

        // terminated on v1, the new one on v2 takes over, strictly after v1's last change
        vm.prank(sgOps);
        v1.terminateMra(CN);
        uint64 terminated = _now();
        vm.prank(sgOps);
        v2.acceptMra(CN, TIER1, TIER1, 0);
        assertEq(v2.mra(CN, SG).state.at, terminated, "at the termination: v2 is listed later");
        _eqReason(_reasonOn(v1, SG, 0), IAeoRegistry.Reason.Recognized, "v1 reads v2's MRA");
        _expectMraHeldOn(CN, SG, address(v2));
        vm.prank(cnOps);
        v1.terminateMra(SG);
        vm.prank(cnOps);
        v2.terminateMra(SG);
        vm.warp(block.timestamp + 1);
        _eqReason(_reasonOn(v1, SG, 0), IAeoRegistry.Reason.MraNotInForce, "terminated on v2");
    }

    function test_AnUnlistedCopyTakesNoCertification() public {
        AeoRegistry copy = new AeoRegistry(consortium);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(copy)));
        vm.prank(cnOps);
        copy.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
    }
}
