// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {CertificateRegistry} from "../src/CertificateRegistry.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";
import {IConsortium} from "../src/interfaces/IConsortium.sol";

/// @notice Every account that is not on the batch's issuing side is refused with the exact
/// error. Test contracts of issuing-side functions inherit this and say in `_act` what to call
/// (on `root`, the CN batch issued by cnIssuer), and in `_administrationMay` whether the
/// issuing member's admin and customs keys may call it.
abstract contract IssuingSideOnlyTest is CertificateRegistryBaseTest {
    /// @dev Call the function under test once (the caller is already pranked).
    function _act() internal virtual;

    /// @dev Whether the issuing member's administration (admin, CUSTOMS_ROLE keys) may act.
    function _administrationMay() internal pure virtual returns (bool) {
        return true;
    }

    /// @dev Expect what another member's admin or customs key gets.
    function _expectForeignAdministration(address caller) internal {
        if (!_administrationMay()) {
            _expectNotIssuer(caller);
            return;
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotBatchIssuer.selector,
                caller,
                root,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(caller);
        _act();
    }

    /// @dev The issuing member's admin or customs key acts, or is refused as not an issuer.
    function _actAsIssuingAdministration(address caller) internal {
        if (!_administrationMay()) {
            _expectNotIssuer(caller);
            return;
        }
        vm.prank(caller);
        _act();
    }

    function _expectNotIssuer(address caller) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                caller,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(caller);
        _act();
    }

    function test_RevertWhen_CallerIsStranger() public {
        _expectNotIssuer(stranger);
    }

    function test_RevertWhen_CallerIsExporter() public {
        _expectNotIssuer(exporter);
    }

    function test_RevertWhen_CallerIsIssuerForAnotherType() public {
        _expectNotIssuer(cnPhytoIssuer);
    }

    function test_RevertWhen_CallerIsWithdrawnIssuer() public {
        _expectNotIssuer(cnFormerIssuer);
    }

    function test_RevertWhen_CallerIsOracle() public {
        _expectNotIssuer(cnOracle);
    }

    function test_IssuingMembersAdmin() public {
        _actAsIssuingAdministration(cnCustoms);
    }

    function test_IssuingMembersCustomsKey() public {
        _actAsIssuingAdministration(cnCustomsKey);
    }

    function test_RevertWhen_CallerIsWithdrawnCustomsKey() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnCustomsKey, CUSTOMS_ROLE, bytes32(0));
        _expectNotIssuer(cnCustomsKey);
    }

    function test_RevertWhen_CallerIsForeignAdmin() public {
        _expectForeignAdministration(sgCustoms);
    }

    function test_RevertWhen_CallerIsForeignCustomsKey() public {
        _expectForeignAdministration(sgCustomsKey);
    }

    function test_RevertWhen_CallerIsOtherMembersIssuer() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotBatchIssuer.selector,
                sgIssuer,
                root,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(sgIssuer);
        _act();
    }
}

contract CertificateRegistry_constructor_Test is CertificateRegistryBaseTest {
    function test_KeepsConsortium() public view {
        assertEq(address(registry.consortium()), address(consortium), "consortium");
    }

    function test_RevertWhen_ConsortiumIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidConsortium.selector, address(0)
            )
        );
        new CertificateRegistry(IConsortium(address(0)));
    }
}

contract CertificateRegistry_issue_Test is CertificateRegistryBaseTest {
    bytes32 internal newRoot = keccak256("new-batch");

    function test_StoresBatch() public {
        vm.warp(block.timestamp + 1 hours);
        vm.prank(cnChamber);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 10_000, EXPIRY);
        ICertificateRegistry.Batch memory b = registry.batch(newRoot, CERTIFICATE_OF_ORIGIN);
        assertEq(b.issuer, cnChamber, "issuer");
        assertEq(b.issuedAt, block.timestamp, "issuedAt");
        assertEq(b.expiresAt, EXPIRY, "expiresAt");
    }

    function test_EmitsCertificatesIssued() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificatesIssued(
            newRoot, CERTIFICATE_OF_ORIGIN, sgIssuer, SG, 7, 0
        );
        vm.prank(sgIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, CN, 7, 0);
    }

    function test_SameRootUnderAnotherTypeIsAnotherBatch() public {
        vm.prank(cnPhytoIssuer);
        registry.issue(root, PHYTOSANITARY, SG, 5, 0);
        assertEq(registry.batch(root, PHYTOSANITARY).issuer, cnPhytoIssuer, "phyto batch");
        assertEq(registry.batch(root, CERTIFICATE_OF_ORIGIN).issuer, cnIssuer, "CO batch kept");
    }

    function test_AcceptsLargestBatch() public {
        uint32 max = uint32(registry.MAX_BATCH());
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, max, 0);
        assertEq(registry.batch(newRoot, CERTIFICATE_OF_ORIGIN).issuer, cnIssuer, "issued");
    }

    function test_RevertWhen_RootIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidRoot.selector, bytes32(0)
            )
        );
        vm.prank(cnIssuer);
        registry.issue(bytes32(0), CERTIFICATE_OF_ORIGIN, SG, 1, 0);
    }

    function test_RevertWhen_CountIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidCount.selector, 0, 65_536
            )
        );
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 0, 0);
    }

    function test_RevertWhen_CountAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidCount.selector, 65_537, 65_536
            )
        );
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 65_537, 0);
    }

    function test_RevertWhen_ExpiryIsNow() public {
        uint64 now_ = uint64(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidExpiry.selector, now_
            )
        );
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 1, now_);
    }

    function test_RevertWhen_ExpiryDoesNotFit48Bits() public {
        uint64 far = uint64(type(uint48).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidExpiry.selector, far
            )
        );
        vm.prank(cnIssuer);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 1, far);
    }

    function test_RevertWhen_AlreadyIssued() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryAlreadyIssued.selector,
                root,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnChamber);
        registry.issue(root, CERTIFICATE_OF_ORIGIN, SG, 5, 0);
    }

    function test_RevertWhen_CallerIsStranger() public {
        _expectNotIssuer(stranger);
    }

    function test_RevertWhen_CallerIsExporter() public {
        _expectNotIssuer(exporter);
    }

    function test_RevertWhen_CallerIsIssuerForAnotherType() public {
        _expectNotIssuer(cnPhytoIssuer);
    }

    function test_RevertWhen_CallerIsWithdrawnIssuer() public {
        _expectNotIssuer(cnFormerIssuer);
    }

    function test_RevertWhen_CallerIsOracle() public {
        _expectNotIssuer(cnOracle);
    }

    function test_RevertWhen_CallerIsCustoms() public {
        _expectNotIssuer(cnCustoms);
    }

    function test_RevertWhen_IssuersMemberLeft() public {
        _removeMember(SG);
        _expectNotIssuer(sgIssuer);
    }

    function testFuzz_IssuesAnyValidCountAndExpiry(bytes32 anyRoot, uint32 count, uint64 expiresAt)
        public
    {
        vm.assume(anyRoot != bytes32(0) && anyRoot != root && anyRoot != formerRoot);
        count = uint32(bound(count, 1, registry.MAX_BATCH()));
        expiresAt = uint64(bound(expiresAt, block.timestamp + 1, type(uint48).max));
        vm.prank(cnIssuer);
        registry.issue(anyRoot, CERTIFICATE_OF_ORIGIN, SG, count, expiresAt);
        ICertificateRegistry.Batch memory b = registry.batch(anyRoot, CERTIFICATE_OF_ORIGIN);
        assertEq(b.issuer, cnIssuer, "issuer");
        assertEq(b.expiresAt, expiresAt, "expiresAt");
    }

    function _expectNotIssuer(address caller) internal {
        vm.expectRevert(
            _err(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                caller,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(caller);
        registry.issue(newRoot, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
    }
}

contract CertificateRegistry_revoke_Test is IssuingSideOnlyTest {
    function _act() internal override {
        registry.revoke(root, CERTIFICATE_OF_ORIGIN, leaves[0], FRAUD);
    }

    function test_RevokesValidCertificate() public {
        vm.warp(block.timestamp + 1 days);
        _revoke(cnIssuer, 0, FRAUD);
        ICertificateRegistry.CertificateView memory v = _state(0);
        assertTrue(v.status == ICertificateRegistry.Status.Revoked, "revoked");
        assertEq(v.reason, FRAUD, "reason");
        assertEq(v.changedAt, block.timestamp, "changedAt");
        assertTrue(_status(1) == ICertificateRegistry.Status.Valid, "sibling untouched");
    }

    function test_EmitsCertificateRevoked() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateRevoked(
            root, leaves[2], cnIssuer, CERTIFICATE_OF_ORIGIN, CLERICAL_ERROR
        );
        _revoke(cnIssuer, 2, CLERICAL_ERROR);
    }

    function test_RevokesSuspendedCertificate() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        _revoke(cnIssuer, 0, FRAUD);
        assertTrue(_status(0) == ICertificateRegistry.Status.Revoked, "revoked");
        assertEq(_state(0).reason, FRAUD, "reason replaced");
    }

    function test_KeepsUtilization() public {
        _utilize(sgCustomsKey, 0, 40_000);
        _revoke(cnIssuer, 0, FRAUD);
        assertEq(_state(0).utilized, 40_000, "utilized kept");
    }

    function test_AnotherIssuerOfTheSameMemberMayRevoke() public {
        _revoke(cnChamber, 0, FRAUD);
        assertTrue(_status(0) == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_SameMemberRevokesForWithdrawnIssuer() public {
        vm.prank(cnIssuer);
        registry.revoke(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, FRAUD);
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, bytes32(0));
        assertTrue(v.status == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_IssuerOfMemberThatLeftMayStillRevoke() public {
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        _removeMember(SG);
        vm.prank(sgIssuer);
        registry.revoke(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, FRAUD);
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, bytes32(0));
        assertTrue(v.status == ICertificateRegistry.Status.Revoked, "revoked");
        assertFalse(v.issuerAccreditedNow, "issuer no longer accredited");
    }

    function test_IssuingMembersAdminRevokes() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateRevoked(
            root, leaves[0], cnCustoms, CERTIFICATE_OF_ORIGIN, FRAUD
        );
        _revoke(cnCustoms, 0, FRAUD);
        assertTrue(_status(0) == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_IssuingMembersCustomsKeyRevokes() public {
        _revoke(cnCustomsKey, 0, FRAUD);
        assertTrue(_status(0) == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_AdministrationRevokesForWithdrawnIssuer() public {
        // cnFormerIssuer issued formerRoot and lost its accreditation: no fraud stays valid.
        vm.prank(cnCustomsKey);
        registry.revoke(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, FRAUD);
        vm.prank(cnCustoms);
        registry.suspend(formerRoot, CERTIFICATE_OF_ORIGIN, keccak256("sibling"), FRAUD);
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, bytes32(0));
        assertTrue(v.status == ICertificateRegistry.Status.Revoked, "revoked");
        assertFalse(v.issuerAccreditedNow, "issuer withdrawn");
    }

    function test_AdministrationRevokesWhenNoIssuerIsLeft() public {
        vm.startPrank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        consortium.withdraw(cnChamber, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.stopPrank();
        _revoke(cnCustomsKey, 0, FRAUD);
        assertTrue(_status(0) == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_CustomsKeyOfMemberThatLeftMayStillRevoke() public {
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        _removeMember(SG);
        vm.prank(sgCustomsKey);
        registry.revoke(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, FRAUD);
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, bytes32(0));
        assertTrue(v.status == ICertificateRegistry.Status.Revoked, "revoked");
    }

    function test_RevertWhen_ForeignAdministrationRevokesForWithdrawnIssuer() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotBatchIssuer.selector,
                sgCustomsKey,
                formerRoot,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(sgCustomsKey);
        registry.revoke(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, FRAUD);
    }

    function test_RevertWhen_WithdrawnIssuerRevokesOwnBatch() public {
        vm.expectRevert(
            _err(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                cnFormerIssuer,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnFormerIssuer);
        registry.revoke(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, FRAUD);
    }

    function test_RevertWhen_ReasonIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidReason.selector, 0
            )
        );
        _revoke(cnIssuer, 0, 0);
    }

    function test_RevertWhen_BatchNotIssued() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        vm.prank(cnPhytoIssuer);
        registry.revoke(root, PHYTOSANITARY, leaves[0], FRAUD);
    }

    function test_RevertWhen_AlreadyRevoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                ICertificateRegistry.Status.Revoked
            )
        );
        _revoke(cnIssuer, 0, FRAUD);
    }

    function test_RevertWhen_Superseded() public {
        bytes32 successor = _issueSingle(cnIssuer, CERTIFICATE_OF_ORIGIN, "successor");
        vm.prank(cnIssuer);
        registry.supersede(
            root, CERTIFICATE_OF_ORIGIN, leaves[0], successor, successor, new bytes32[](0)
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                ICertificateRegistry.Status.Superseded
            )
        );
        _revoke(cnIssuer, 0, FRAUD);
    }
}

contract CertificateRegistry_suspend_Test is IssuingSideOnlyTest {
    function _act() internal override {
        registry.suspend(root, CERTIFICATE_OF_ORIGIN, leaves[0], CLERICAL_ERROR);
    }

    function test_SuspendsValidCertificate() public {
        vm.warp(block.timestamp + 2 days);
        _suspend(cnChamber, 1, CLERICAL_ERROR);
        ICertificateRegistry.CertificateView memory v = _state(1);
        assertTrue(v.status == ICertificateRegistry.Status.Suspended, "suspended");
        assertEq(v.reason, CLERICAL_ERROR, "reason");
        assertEq(v.changedAt, block.timestamp, "changedAt");
    }

    function test_EmitsCertificateSuspended() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateSuspended(
            root, leaves[1], cnIssuer, CERTIFICATE_OF_ORIGIN, CLERICAL_ERROR
        );
        _suspend(cnIssuer, 1, CLERICAL_ERROR);
    }

    function test_RevertWhen_ReasonIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidReason.selector, 0
            )
        );
        _suspend(cnIssuer, 0, 0);
    }

    function test_RevertWhen_BatchNotIssued() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector,
                unknown,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnIssuer);
        registry.suspend(unknown, CERTIFICATE_OF_ORIGIN, leaves[0], FRAUD);
    }

    function test_RevertWhen_AlreadySuspended() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        _expectStatus(ICertificateRegistry.Status.Suspended);
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
    }

    function test_RevertWhen_Revoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        _expectStatus(ICertificateRegistry.Status.Revoked);
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
    }

    function test_RevertWhen_IssuersMemberLeft() public {
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        _removeMember(SG);
        vm.expectRevert(
            _err(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                sgIssuer,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(sgIssuer);
        registry.suspend(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, CLERICAL_ERROR);
    }

    function test_IssuingMembersCustomsKeySuspends() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateSuspended(
            root, leaves[1], cnCustomsKey, CERTIFICATE_OF_ORIGIN, CLERICAL_ERROR
        );
        _suspend(cnCustomsKey, 1, CLERICAL_ERROR);
        assertTrue(_status(1) == ICertificateRegistry.Status.Suspended, "suspended");
    }

    function test_RevertWhen_CustomsKeysMemberLeft() public {
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        _removeMember(SG);
        vm.expectRevert(
            _err(
                ICertificateRegistry.CertificateRegistryNotIssuer.selector,
                sgCustomsKey,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(sgCustomsKey);
        registry.suspend(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, CLERICAL_ERROR);
    }

    function _expectStatus(ICertificateRegistry.Status status) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                status
            )
        );
    }
}

contract CertificateRegistry_reinstate_Test is IssuingSideOnlyTest {
    function setUp() public override {
        super.setUp();
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
    }

    function _act() internal override {
        registry.reinstate(root, CERTIFICATE_OF_ORIGIN, leaves[0]);
    }

    function test_ReinstatesSuspendedCertificate() public {
        vm.warp(block.timestamp + 3 days);
        vm.prank(cnChamber);
        _act();
        ICertificateRegistry.CertificateView memory v = _state(0);
        assertTrue(v.status == ICertificateRegistry.Status.Valid, "valid again");
        assertEq(v.reason, 0, "reason cleared");
        assertEq(v.changedAt, block.timestamp, "changedAt");
    }

    function test_EmitsCertificateReinstated() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateReinstated(
            root, leaves[0], cnIssuer, CERTIFICATE_OF_ORIGIN
        );
        vm.prank(cnIssuer);
        _act();
    }

    function test_IssuingMembersAdminReinstatesAfterIssuerWithdrawn() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectEmit();
        emit ICertificateRegistry.CertificateReinstated(
            root, leaves[0], cnCustoms, CERTIFICATE_OF_ORIGIN
        );
        vm.prank(cnCustoms);
        _act();
        assertTrue(_status(0) == ICertificateRegistry.Status.Valid, "valid again");
    }

    function test_RevertWhen_Valid() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[1],
                ICertificateRegistry.Status.Valid
            )
        );
        vm.prank(cnIssuer);
        registry.reinstate(root, CERTIFICATE_OF_ORIGIN, leaves[1]);
    }

    function test_RevertWhen_Revoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                ICertificateRegistry.Status.Revoked
            )
        );
        vm.prank(cnIssuer);
        _act();
    }

    function test_RevertWhen_BatchNotIssued() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        vm.prank(cnPhytoIssuer);
        registry.reinstate(root, PHYTOSANITARY, leaves[0]);
    }
}

contract CertificateRegistry_supersede_Test is IssuingSideOnlyTest {
    bytes32 internal successor;

    function setUp() public override {
        super.setUp();
        successor = _issueSingle(cnChamber, CERTIFICATE_OF_ORIGIN, "successor");
    }

    function _act() internal override {
        registry.supersede(
            root, CERTIFICATE_OF_ORIGIN, leaves[0], successor, successor, new bytes32[](0)
        );
    }

    /// @dev Superseding names a successor: an issuer's act, not the administration's.
    function _administrationMay() internal pure override returns (bool) {
        return false;
    }

    function test_SupersedesAndNamesSuccessor() public {
        vm.warp(block.timestamp + 4 days);
        vm.prank(cnIssuer);
        _act();
        ICertificateRegistry.CertificateView memory v = _state(0);
        assertTrue(v.status == ICertificateRegistry.Status.Superseded, "superseded");
        assertEq(v.successorRoot, successor, "successor root");
        assertEq(v.successorLeaf, successor, "successor leaf");
        assertEq(v.changedAt, block.timestamp, "changedAt");
        ICertificateRegistry.CertificateView memory next =
            registry.certificateState(successor, CERTIFICATE_OF_ORIGIN, successor, bytes32(0));
        assertTrue(next.status == ICertificateRegistry.Status.Valid, "successor valid");
    }

    function test_EmitsCertificateSuperseded() public {
        vm.expectEmit();
        emit ICertificateRegistry.CertificateSuperseded(
            root, leaves[0], cnIssuer, CERTIFICATE_OF_ORIGIN, successor, successor
        );
        vm.prank(cnIssuer);
        _act();
    }

    function test_SupersedesSuspendedCertificate() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        vm.prank(cnIssuer);
        _act();
        assertTrue(_status(0) == ICertificateRegistry.Status.Superseded, "superseded");
    }

    function test_SupersedesWithinTheSameBatch() public {
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4], _proof(4));
        assertEq(_state(0).successorLeaf, leaves[4], "successor leaf");
    }

    function test_RevertWhen_SuccessorIsNotInItsBatch() public {
        bytes32 invented = keccak256("no such certificate");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, successor, invented
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(
            root, CERTIFICATE_OF_ORIGIN, leaves[0], successor, invented, new bytes32[](0)
        );
    }

    function test_RevertWhen_SuccessorProofIsForAnotherLeaf() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, root, leaves[4]
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4], _proof(3));
    }

    function testFuzz_RevertWhen_SuccessorLeafIsUnknown(bytes32 newLeaf, uint256 index) public {
        index = bound(index, 0, leaves.length - 1);
        for (uint256 i = 0; i < leaves.length; ++i) {
            vm.assume(newLeaf != leaves[i]);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, root, newLeaf
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(
            formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, root, newLeaf, _proof(index)
        );
    }

    function test_RevertWhen_SupersedingItself() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistrySelfSupersede.selector, root, leaves[0]
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[0], _proof(0));
    }

    function test_RevertWhen_SuccessorBatchNotIssued() public {
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector,
                unknown,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(
            root, CERTIFICATE_OF_ORIGIN, leaves[0], unknown, unknown, new bytes32[](0)
        );
    }

    function test_RevertWhen_SuccessorFromAnotherMember() public {
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotBatchIssuer.selector,
                cnIssuer,
                sgRoot,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], sgRoot, sgRoot, new bytes32[](0));
    }

    function test_RevertWhen_SuccessorNotValid() public {
        vm.prank(cnChamber);
        registry.revoke(successor, CERTIFICATE_OF_ORIGIN, successor, CLERICAL_ERROR);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                successor,
                successor,
                ICertificateRegistry.Status.Revoked
            )
        );
        vm.prank(cnIssuer);
        _act();
    }

    function test_RevertWhen_Revoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                ICertificateRegistry.Status.Revoked
            )
        );
        vm.prank(cnIssuer);
        _act();
    }

    function test_RevertWhen_AlreadySuperseded() public {
        vm.prank(cnIssuer);
        _act();
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[0],
                ICertificateRegistry.Status.Superseded
            )
        );
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[3], _proof(3));
    }

    function test_RevertWhen_OldBatchNotIssued() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        vm.prank(cnPhytoIssuer);
        registry.supersede(root, PHYTOSANITARY, leaves[0], successor, successor, new bytes32[](0));
    }
}
