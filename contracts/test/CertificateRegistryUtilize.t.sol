// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

contract CertificateRegistry_utilize_Test is CertificateRegistryBaseTest {
    // Fixture quantities: [0] 100_000, [1] 0 (single use), [2] 5000, [3] 1, [4] 250_000.
    // Every fixture certificate is for import into SG.

    function test_DrawsAndReturnsRemaining() public {
        assertEq(_utilize(sgCustomsKey, 0, 30_000), 70_000, "remaining");
        assertEq(_state(0).utilized, 30_000, "utilized");
        assertEq(_utilize(sgCustomsKey2, 0, 45_500), 24_500, "remaining after second draw");
        assertEq(_state(0).utilized, 75_500, "utilized after second draw");
        assertEq(registry.utilized(_numberKey(0)), 75_500, "utilized by number key");
        assertTrue(_status(0) == ICertificateRegistry.Status.Valid, "still valid");
    }

    function test_EmitsCertificateUtilized() public {
        bytes32 declaration = _peekDeclaration();
        vm.expectEmit();
        emit ICertificateRegistry.CertificateUtilized(
            root, leaves[0], declaration, CERTIFICATE_OF_ORIGIN, SG, _numberKey(0), 30_000, 70_000
        );
        _utilize(sgCustomsKey, 0, 30_000);
    }

    function test_RecordsTheDeclaration() public {
        bytes32 declaration = keccak256("SG-2026-IMP-42");
        _utilizeFor(sgCustomsKey, 0, 12_000, declaration);
        assertTrue(registry.declarationRecorded(_numberKey(0), declaration), "recorded");
        assertFalse(registry.declarationRecorded(_numberKey(2), declaration), "not for another");
    }

    function test_DrawsExactlyTheWholeQuantity() public {
        assertEq(_utilize(sgCustomsKey, 2, 5000), 0, "nothing left");
        _expectExceeded(2, 1, 0);
        _utilize(sgCustomsKey, 2, 1);
    }

    function test_SingleUseCertificateIsUsedOnce() public {
        assertEq(_utilize(sgCustomsKey, 1, 12_345), 0, "remaining reported as 0");
        assertEq(_state(1).utilized, 12_345, "declared quantity recorded");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryAlreadyUtilized.selector, root, leaves[1]
            )
        );
        _utilize(sgCustomsKey2, 1, 1);
    }

    function test_DrawsAgainAfterReinstatement() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        vm.prank(cnIssuer);
        registry.reinstate(root, CERTIFICATE_OF_ORIGIN, leaves[0]);
        assertEq(_utilize(sgCustomsKey, 0, 1000), 99_000, "remaining");
    }

    function test_AnotherDeclarationDrawsAgain() public {
        _utilizeFor(sgCustomsKey, 0, 1000, keccak256("declaration A"));
        assertEq(_utilizeFor(sgCustomsKey, 0, 1000, keccak256("declaration B")), 98_000, "left");
    }

    function test_OneDeclarationDrawsFromSeveralNumbers() public {
        bytes32 declaration = keccak256("SG-2026-IMP-7");
        _utilizeFor(sgCustomsKey, 0, 1000, declaration);
        assertEq(_utilizeFor(sgCustomsKey, 2, 1000, declaration), 4000, "other number");
    }

    function test_RevertWhen_DeclarationDrawsTwice() public {
        bytes32 declaration = keccak256("SG-2026-IMP-42");
        _utilizeFor(sgCustomsKey, 0, 1000, declaration);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDeclarationRecorded.selector,
                _numberKey(0),
                declaration
            )
        );
        _utilizeFor(sgCustomsKey2, 0, 2000, declaration);
    }

    function test_RevertWhen_DeclarationDrawsTwiceThroughAnotherLeafOfTheNumber() public {
        (bytes32 otherRoot, bytes32[] memory proof) = _issueSameNumber(0, 500_000);
        bytes32 declaration = keccak256("SG-2026-IMP-42");
        _utilizeFor(sgCustomsKey, 0, 1000, declaration);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDeclarationRecorded.selector,
                _numberKey(0),
                declaration
            )
        );
        vm.prank(sgCustomsKey);
        registry.utilize(
            otherRoot,
            CERTIFICATE_OF_ORIGIN,
            keccak256("reissued"),
            500_000,
            numbers[0],
            SG,
            proof,
            declaration,
            1000
        );
    }

    function test_RevertWhen_LaterDeclarationDrawsTwice() public {
        // The first declaration of a number is kept with its total, later ones apart.
        _utilizeFor(sgCustomsKey, 0, 1000, keccak256("first"));
        bytes32 declaration = bytes32(uint256(2));
        _utilizeFor(sgCustomsKey, 0, 1000, declaration);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDeclarationRecorded.selector,
                _numberKey(0),
                declaration
            )
        );
        _utilizeFor(sgCustomsKey, 0, 1000, declaration);
    }

    function test_RevertWhen_DeclarationRepeatsOnAUsedSingleUseNumber() public {
        bytes32 declaration = keccak256("SG-2026-IMP-42");
        _utilizeFor(sgCustomsKey, 1, 5, declaration);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDeclarationRecorded.selector,
                _numberKey(1),
                declaration
            )
        );
        _utilizeFor(sgCustomsKey, 1, 5, declaration);
    }

    function test_RevertWhen_DeclarationIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidDeclaration.selector, bytes32(0)
            )
        );
        _utilizeFor(sgCustomsKey, 0, 1, bytes32(0));
    }

    function test_LeavesOfOneNumberShareOneTotal() public {
        // A second CN batch (by another CN issuer) re-issues number 0 with a larger quantity.
        (bytes32 otherRoot, bytes32[] memory proof) = _issueSameNumber(0, 150_000);
        _utilize(sgCustomsKey, 0, 80_000);
        vm.prank(sgCustomsKey);
        uint256 remaining = registry.utilize(
            otherRoot,
            CERTIFICATE_OF_ORIGIN,
            keccak256("reissued"),
            150_000,
            numbers[0],
            SG,
            proof,
            keccak256("other declaration"),
            50_000
        );
        assertEq(remaining, 20_000, "150_000 - 80_000 - 50_000");
        assertEq(registry.utilized(_numberKey(0)), 130_000, "one total");
        // The first leaf allows 100_000: the number's total already passed it.
        _expectExceeded(0, 1, 0);
        _utilize(sgCustomsKey, 0, 1);
    }

    function test_RevertWhen_SingleUseNumberUsedThroughAnotherLeaf() public {
        (bytes32 otherRoot, bytes32[] memory proof) = _issueSameNumber(1, 0);
        _utilize(sgCustomsKey, 1, 7);
        bytes32 otherLeaf = Merkle.leaf(keccak256("reissued"), 0, numbers[1], SG);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryAlreadyUtilized.selector,
                otherRoot,
                otherLeaf
            )
        );
        vm.prank(sgCustomsKey);
        registry.utilize(
            otherRoot,
            CERTIFICATE_OF_ORIGIN,
            keccak256("reissued"),
            0,
            numbers[1],
            SG,
            proof,
            keccak256("other declaration"),
            7
        );
    }

    function test_SameNumberOfAnotherMemberIsAnotherNumber() public {
        // SG issues a certificate that happens to carry CN's number 0, for import into CN.
        bytes32 doc = keccak256("sg-document");
        bytes32 sgLeaf = Merkle.leaf(doc, 1000, numbers[0], CN);
        vm.prank(sgIssuer);
        registry.issue(sgLeaf, CERTIFICATE_OF_ORIGIN, CN, 1, 0);
        _utilize(sgCustomsKey, 0, 100_000);
        vm.prank(cnCustomsKey);
        registry.utilize(
            sgLeaf,
            CERTIFICATE_OF_ORIGIN,
            doc,
            1000,
            numbers[0],
            CN,
            new bytes32[](0),
            keccak256("d"),
            1000
        );
        bytes32 sgKey = keccak256(abi.encode(SG, CERTIFICATE_OF_ORIGIN, numbers[0]));
        assertEq(registry.numberKey(sgLeaf, CERTIFICATE_OF_ORIGIN, numbers[0]), sgKey, "SG key");
        assertEq(registry.utilized(sgKey), 1000, "SG total");
        assertEq(registry.utilized(_numberKey(0)), 100_000, "CN total");
    }

    function test_RevertWhen_AmountIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidAmount.selector, 0
            )
        );
        _utilize(sgCustomsKey, 0, 0);
    }

    function test_RevertWhen_AmountExceedsRemaining() public {
        _utilize(sgCustomsKey, 2, 1200);
        _expectExceeded(2, 3801, 3800);
        _utilize(sgCustomsKey, 2, 3801);
    }

    function test_RevertWhen_SingleUseAmountDoesNotFit128Bits() public {
        uint256 huge = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidAmount.selector, huge
            )
        );
        _utilize(sgCustomsKey, 1, huge);
    }

    function test_RevertWhen_BatchNotIssued() public {
        bytes32[] memory proof = _proof(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        vm.prank(sgCustomsKey);
        registry.utilize(
            root, PHYTOSANITARY, docs[0], quantities[0], numbers[0], SG, proof, bytes32("d"), 1
        );
    }

    function test_RevertWhen_Expired() public {
        vm.warp(EXPIRY);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryExpired.selector,
                root,
                CERTIFICATE_OF_ORIGIN,
                EXPIRY
            )
        );
        _utilize(sgCustomsKey, 0, 1);
    }

    function test_DrawsUntilJustBeforeExpiry() public {
        vm.warp(EXPIRY - 1);
        assertEq(_utilize(sgCustomsKey, 0, 1), 99_999, "remaining");
    }

    function test_RevertWhen_QuantityIsNotTheCertifiedOne() public {
        bytes32 forged = Merkle.leaf(docs[0], 1_000_000, numbers[0], SG);
        _expectInvalidProof(forged);
        _utilizeForged(docs[0], 1_000_000, numbers[0], SG, _proof(0));
    }

    function test_RevertWhen_NumberIsNotTheCertifiedOne() public {
        bytes32 forged = Merkle.leaf(docs[0], quantities[0], numbers[1], SG);
        _expectInvalidProof(forged);
        _utilizeForged(docs[0], quantities[0], numbers[1], SG, _proof(0));
    }

    function test_RevertWhen_AnotherMemberClaimsTheImport() public {
        // CN's customs key names CN as importing member: it passes the caller check, but the
        // batch is destined to SG (and its leaf commits to SG).
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotDestination.selector,
                root,
                CERTIFICATE_OF_ORIGIN,
                CN,
                SG
            )
        );
        vm.prank(cnCustomsKey);
        registry.utilize(
            root,
            CERTIFICATE_OF_ORIGIN,
            docs[0],
            quantities[0],
            numbers[0],
            CN,
            _proof(0),
            bytes32("d"),
            1
        );
    }

    function test_RevertWhen_ProofIsTampered() public {
        bytes32[] memory proof = _proof(3);
        proof[0] = bytes32(uint256(proof[0]) ^ 1);
        _expectInvalidProof(leaves[3]);
        _utilizeForged(docs[3], quantities[3], numbers[3], SG, proof);
    }

    function test_RevertWhen_Revoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        _expectStatus(0, ICertificateRegistry.Status.Revoked);
        _utilize(sgCustomsKey, 0, 1);
    }

    function test_RevertWhen_Suspended() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        _expectStatus(0, ICertificateRegistry.Status.Suspended);
        _utilize(sgCustomsKey, 0, 1);
    }

    function test_RevertWhen_Superseded() public {
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4], _proof(4));
        _expectStatus(0, ICertificateRegistry.Status.Superseded);
        _utilize(sgCustomsKey, 0, 1);
    }

    function test_RevertWhen_CallerIsStranger() public {
        _expectNotImportingCustoms(stranger);
    }

    function test_RevertWhen_CallerIsExporter() public {
        _expectNotImportingCustoms(exporter);
    }

    function test_RevertWhen_CallerIsIssuer() public {
        _expectNotImportingCustoms(cnIssuer);
    }

    function test_RevertWhen_CallerIsIssuerOfTheImportingMember() public {
        _expectNotImportingCustoms(sgIssuer);
    }

    function test_RevertWhen_CallerIsOracle() public {
        _expectNotImportingCustoms(cnOracle);
    }

    function test_RevertWhen_CallerIsImportingMembersAdmin() public {
        _expectNotImportingCustoms(sgCustoms);
    }

    function test_RevertWhen_CallerIsExportingMembersAdmin() public {
        _expectNotImportingCustoms(cnCustoms);
    }

    function test_RevertWhen_CallerIsExportingMembersCustomsKey() public {
        _expectNotImportingCustoms(cnCustomsKey);
    }

    function test_RevertWhen_CustomsKeyWasWithdrawn() public {
        vm.prank(sgCustoms);
        consortium.withdraw(sgCustomsKey, CUSTOMS_ROLE, bytes32(0));
        _expectNotImportingCustoms(sgCustomsKey);
    }

    function test_RevertWhen_ImportingMemberLeft() public {
        _removeMember(SG);
        _expectNotImportingCustoms(sgCustomsKey);
    }

    function test_RevertWhen_ImportingMemberIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotImportingCustoms.selector,
                stranger,
                bytes32(0)
            )
        );
        vm.prank(stranger);
        registry.utilize(
            root,
            CERTIFICATE_OF_ORIGIN,
            docs[0],
            quantities[0],
            numbers[0],
            bytes32(0),
            _proof(0),
            bytes32("d"),
            1
        );
    }

    function testFuzz_DrawsNeverExceedQuantity(uint256 index, uint256[6] memory amounts) public {
        index = bound(index, 0, leaves.length - 1);
        uint256 quantity = quantities[index];
        uint256 used;
        for (uint256 i = 0; i < amounts.length; ++i) {
            uint256 amount = bound(amounts[i], 1, quantity == 0 ? 10 : quantity);
            if (quantity == 0 && used != 0) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        ICertificateRegistry.CertificateRegistryAlreadyUtilized.selector,
                        root,
                        leaves[index]
                    )
                );
                _utilize(sgCustomsKey, index, amount);
            } else if (quantity != 0 && used + amount > quantity) {
                _expectExceeded(index, amount, quantity - used);
                _utilize(sgCustomsKey, index, amount);
            } else {
                uint256 remaining = _utilize(sgCustomsKey, index, amount);
                used += amount;
                assertEq(remaining, quantity == 0 ? 0 : quantity - used, "remaining");
            }
            assertEq(_state(index).utilized, used, "utilized is the sum of accepted draws");
        }
        if (quantity != 0) assertLe(used, quantity, "within quantity");
    }

    /// @dev Two leaves of one number (quantities qa in `root`'s certificate 0 and qb in another
    /// batch), random draws on either: each accepted draw keeps the shared total within the
    /// drawing leaf's quantity, so the total never exceeds the larger quantity, and what is
    /// refused is exactly what would pass it.
    function testFuzz_DrawsSplitAcrossLeavesOfOneNumberStayWithinQuantity(
        uint256 qb,
        uint256[8] memory amounts,
        bool[8] memory onOther
    ) public {
        uint256 qa = quantities[0];
        qb = bound(qb, 1, 2 * qa);
        (bytes32 otherRoot,) = _issueSameNumber(0, qb);
        uint256 used;
        for (uint256 i = 0; i < amounts.length; ++i) {
            uint256 limit = onOther[i] ? qb : qa;
            uint256 amount = bound(amounts[i], 1, limit);
            uint256 left = used < limit ? limit - used : 0;
            if (amount > left) {
                // A single-leaf batch: its root is its leaf.
                _expectExceededAt(
                    onOther[i] ? otherRoot : root, onOther[i] ? otherRoot : leaves[0], amount, left
                );
            } else {
                used += amount;
            }
            uint256 remaining = onOther[i]
                ? _utilizeReissued(otherRoot, qb, 0, amount)
                : _utilize(sgCustomsKey, 0, amount);
            if (amount <= left) assertEq(remaining, limit - used, "remaining");
            assertEq(registry.utilized(_numberKey(0)), used, "one total per number");
            assertLe(used, qa > qb ? qa : qb, "within the larger quantity");
        }
    }

    /// @dev Whoever calls, utilization succeeds only for a key accredited CUSTOMS_ROLE by the
    /// importing member (SG).
    function testFuzz_OnlyTheImportingMembersCustomsKeys(uint256 seed, address caller) public {
        address[10] memory known = [
            sgCustomsKey,
            sgCustomsKey2,
            cnCustomsKey,
            sgCustoms,
            cnCustoms,
            sgIssuer,
            cnIssuer,
            cnChamber,
            cnOracle,
            exporter
        ];
        if (seed % 2 == 0) caller = known[bound(seed / 2, 0, known.length - 1)];
        vm.assume(caller != address(vm));
        bool allowed = consortium.isAccredited(caller, CUSTOMS_ROLE, bytes32(0))
            && consortium.accreditation(caller, CUSTOMS_ROLE, bytes32(0)).memberId == SG;
        assertEq(allowed, caller == sgCustomsKey || caller == sgCustomsKey2, "fixture keys");
        if (!allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICertificateRegistry.CertificateRegistryNotImportingCustoms.selector, caller, SG
                )
            );
        }
        _utilize(caller, 0, 1);
        assertEq(registry.utilized(_numberKey(0)), allowed ? 1 : 0, "drawn only if allowed");
    }

    /// @dev Issue, as cnChamber (CN), a one-certificate batch re-using number `index` with
    /// `quantity`; returns its root and the (empty) proof.
    function _issueSameNumber(uint256 index, uint256 quantity)
        internal
        returns (bytes32 otherRoot, bytes32[] memory proof)
    {
        otherRoot = Merkle.leaf(keccak256("reissued"), quantity, numbers[index], SG);
        vm.prank(cnChamber);
        registry.issue(otherRoot, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
        proof = new bytes32[](0);
    }

    /// @dev Utilize, as sgCustomsKey for a new declaration, the batch of `_issueSameNumber`.
    function _utilizeReissued(bytes32 single, uint256 quantity, uint256 index, uint256 amount)
        internal
        returns (uint256)
    {
        bytes32 declaration = _nextDeclaration();
        vm.prank(sgCustomsKey);
        return registry.utilize(
            single,
            CERTIFICATE_OF_ORIGIN,
            keccak256("reissued"),
            quantity,
            numbers[index],
            SG,
            new bytes32[](0),
            declaration,
            amount
        );
    }

    function _utilizeForged(
        bytes32 doc,
        uint256 quantity,
        bytes32 number,
        bytes32 importing,
        bytes32[] memory proof
    ) internal {
        vm.prank(sgCustomsKey);
        registry.utilize(
            root, CERTIFICATE_OF_ORIGIN, doc, quantity, number, importing, proof, bytes32("d"), 1
        );
    }

    function _expectInvalidProof(bytes32 leaf) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, root, leaf
            )
        );
    }

    function _expectNotImportingCustoms(address caller) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotImportingCustoms.selector, caller, SG
            )
        );
        _utilize(caller, 0, 1);
    }

    function _expectExceeded(uint256 index, uint256 amount, uint256 remaining) internal {
        _expectExceededAt(root, leaves[index], amount, remaining);
    }

    function _expectExceededAt(bytes32 atRoot, bytes32 leaf, uint256 amount, uint256 remaining)
        internal
    {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryQuantityExceeded.selector,
                atRoot,
                leaf,
                amount,
                remaining
            )
        );
    }

    function _expectStatus(uint256 index, ICertificateRegistry.Status status) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidStatus.selector,
                root,
                leaves[index],
                status
            )
        );
    }
}
