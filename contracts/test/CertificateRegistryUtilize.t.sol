// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

contract CertificateRegistry_utilize_Test is CertificateRegistryBaseTest {
    // Fixture quantities: [0] 100_000, [1] 0 (single use), [2] 5000, [3] 1, [4] 250_000.

    function test_DrawsAndReturnsRemaining() public {
        assertEq(_utilize(sgCustoms, 0, 30_000), 70_000, "remaining");
        assertEq(_state(0).utilized, 30_000, "utilized");
        assertEq(_utilize(cnCustoms, 0, 45_500), 24_500, "remaining after second draw");
        assertEq(_state(0).utilized, 75_500, "utilized after second draw");
        assertTrue(_status(0) == ICertificateRegistry.Status.Valid, "still valid");
    }

    function test_EmitsCertificateUtilized() public {
        bytes32 declaration = keccak256(abi.encode("declaration", uint256(30_000)));
        vm.expectEmit();
        emit ICertificateRegistry.CertificateUtilized(
            root, leaves[0], declaration, CERTIFICATE_OF_ORIGIN, SG, 30_000, 70_000
        );
        _utilize(sgCustoms, 0, 30_000);
    }

    function test_DrawsExactlyTheWholeQuantity() public {
        assertEq(_utilize(sgCustoms, 2, 5000), 0, "nothing left");
        _expectExceeded(2, 1, 0);
        _utilize(sgCustoms, 2, 1);
    }

    function test_SingleUseCertificateIsUsedOnce() public {
        assertEq(_utilize(sgCustoms, 1, 12_345), 0, "remaining reported as 0");
        assertEq(_state(1).utilized, 12_345, "declared quantity recorded");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryAlreadyUtilized.selector, root, leaves[1]
            )
        );
        _utilize(cnCustoms, 1, 1);
    }

    function test_DrawsAgainAfterReinstatement() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        vm.prank(cnIssuer);
        registry.reinstate(root, CERTIFICATE_OF_ORIGIN, leaves[0]);
        assertEq(_utilize(sgCustoms, 0, 1000), 99_000, "remaining");
    }

    function test_RevertWhen_AmountIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidAmount.selector, 0
            )
        );
        _utilize(sgCustoms, 0, 0);
    }

    function test_RevertWhen_AmountExceedsRemaining() public {
        _utilize(sgCustoms, 2, 1200);
        _expectExceeded(2, 3801, 3800);
        _utilize(sgCustoms, 2, 3801);
    }

    function test_RevertWhen_SingleUseAmountDoesNotFit128Bits() public {
        uint256 huge = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidAmount.selector, huge
            )
        );
        _utilize(sgCustoms, 1, huge);
    }

    function test_RevertWhen_BatchNotIssued() public {
        bytes32[] memory proof = _proof(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        vm.prank(sgCustoms);
        registry.utilize(root, PHYTOSANITARY, docs[0], quantities[0], proof, bytes32(0), 1);
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
        _utilize(sgCustoms, 0, 1);
    }

    function test_DrawsUntilJustBeforeExpiry() public {
        vm.warp(EXPIRY - 1);
        assertEq(_utilize(sgCustoms, 0, 1), 99_999, "remaining");
    }

    function test_RevertWhen_QuantityIsNotTheCertifiedOne() public {
        bytes32[] memory proof = _proof(0);
        bytes32 forged = Merkle.leaf(docs[0], 1_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, root, forged
            )
        );
        vm.prank(sgCustoms);
        registry.utilize(root, CERTIFICATE_OF_ORIGIN, docs[0], 1_000_000, proof, bytes32(0), 1);
    }

    function test_RevertWhen_ProofIsTampered() public {
        bytes32[] memory proof = _proof(3);
        proof[0] = bytes32(uint256(proof[0]) ^ 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryInvalidProof.selector, root, leaves[3]
            )
        );
        vm.prank(sgCustoms);
        registry.utilize(root, CERTIFICATE_OF_ORIGIN, docs[3], quantities[3], proof, bytes32(0), 1);
    }

    function test_RevertWhen_Revoked() public {
        _revoke(cnIssuer, 0, FRAUD);
        _expectStatus(0, ICertificateRegistry.Status.Revoked);
        _utilize(sgCustoms, 0, 1);
    }

    function test_RevertWhen_Suspended() public {
        _suspend(cnIssuer, 0, CLERICAL_ERROR);
        _expectStatus(0, ICertificateRegistry.Status.Suspended);
        _utilize(sgCustoms, 0, 1);
    }

    function test_RevertWhen_Superseded() public {
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4]);
        _expectStatus(0, ICertificateRegistry.Status.Superseded);
        _utilize(sgCustoms, 0, 1);
    }

    function test_RevertWhen_CallerIsStranger() public {
        _expectNotCustoms(stranger);
    }

    function test_RevertWhen_CallerIsExporter() public {
        _expectNotCustoms(exporter);
    }

    function test_RevertWhen_CallerIsIssuer() public {
        _expectNotCustoms(cnIssuer);
    }

    function test_RevertWhen_CallerIsForeignIssuer() public {
        _expectNotCustoms(sgIssuer);
    }

    function test_RevertWhen_CallerIsOracle() public {
        _expectNotCustoms(cnOracle);
    }

    function test_RevertWhen_CallerIsCustomsOfMemberThatLeft() public {
        _removeMember(SG);
        _expectNotCustoms(sgCustoms);
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
                _utilize(sgCustoms, index, amount);
            } else if (quantity != 0 && used + amount > quantity) {
                _expectExceeded(index, amount, quantity - used);
                _utilize(sgCustoms, index, amount);
            } else {
                uint256 remaining = _utilize(sgCustoms, index, amount);
                used += amount;
                assertEq(remaining, quantity == 0 ? 0 : quantity - used, "remaining");
            }
            assertEq(_state(index).utilized, used, "utilized is the sum of accepted draws");
        }
        if (quantity != 0) assertLe(used, quantity, "within quantity");
    }

    function _expectNotCustoms(address caller) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotCustoms.selector, caller
            )
        );
        _utilize(caller, 0, 1);
    }

    function _expectExceeded(uint256 index, uint256 amount, uint256 remaining) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryQuantityExceeded.selector,
                root,
                leaves[index],
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
