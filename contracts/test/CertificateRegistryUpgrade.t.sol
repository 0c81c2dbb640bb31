// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {CertificateRegistryV2} from "./upgrades/CertificateRegistryV2.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";
import {RegistryNotActive} from "../src/interfaces/IConsortium.sol";

/// @notice Across versions of CertificateRegistry: a root lives on one version, and a number's
/// draws and declarations are one count over all of them.
contract CertificateRegistry_upgrade_Test is CertificateRegistryBaseTest {
    CertificateRegistryV2 internal v2;
    /// @dev On v2: a batch re-issuing number CO-2026-000000 (the first certificate of `root`,
    /// quantity 100,000), as a replacement certificate would.
    bytes32 internal v2Root;
    bytes32[] internal v2Leaves;

    function setUp() public override {
        super.setUp();
        v2 = new CertificateRegistryV2(consortium);
        _list(address(v2));
        v2Leaves.push(Merkle.leaf(keccak256("replacement"), 100_000, numbers[0], SG));
        v2Leaves.push(Merkle.leaf(keccak256("other"), 7, keccak256("CO-2026-000009"), SG));
        v2Root = Merkle.root(v2Leaves);
        vm.prank(cnIssuer);
        v2.issue(v2Root, CERTIFICATE_OF_ORIGIN, SG, 2, EXPIRY);
    }

    function _draw(
        address on,
        bytes32 batchRoot,
        bytes32 document,
        uint256 quantity,
        bytes32[] memory proof,
        bytes32 ref,
        uint256 amount
    ) internal {
        vm.prank(sgCustomsKey);
        ICertificateRegistry(on)
            .utilize(
                batchRoot,
                CERTIFICATE_OF_ORIGIN,
                document,
                quantity,
                numbers[0],
                SG,
                proof,
                ref,
                amount
            );
    }

    /// @dev Draw `amount` of number CO-2026-000000 on v1's certificate of it.
    function _drawV1(bytes32 ref, uint256 amount) internal {
        _draw(address(registry), root, docs[0], quantities[0], _proof(0), ref, amount);
    }

    /// @dev Draw `amount` of number CO-2026-000000 on v2's certificate of it.
    function _drawV2(bytes32 ref, uint256 amount) internal {
        _draw(
            address(v2),
            v2Root,
            keccak256("replacement"),
            100_000,
            Merkle.proof(v2Leaves, 0),
            ref,
            amount
        );
    }

    function test_TheOldVersionRefusesNewBatchesAndTheNewOneTakesThem() public {
        vm.prank(cnIssuer);
        vm.expectRevert(abi.encodeWithSelector(RegistryNotActive.selector, address(registry)));
        registry.issue(keccak256("late"), CERTIFICATE_OF_ORIGIN, SG, 1, 0);
        assertEq(v2.batch(v2Root, CERTIFICATE_OF_ORIGIN).issuer, cnIssuer, "issued on v2");
        assertEq(v2.upgradeNote(), "v2: one extra view", "the changed code");
    }

    function test_ARootOfOneVersionIsRefusedOnAnother() public {
        vm.prank(cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryIssuedOnOtherVersion.selector,
                root,
                CERTIFICATE_OF_ORIGIN,
                address(registry)
            )
        );
        v2.issue(root, CERTIFICATE_OF_ORIGIN, SG, 5, 0);
        // and after a rollback to v1, v2's root is refused there
        _list(address(registry));
        vm.prank(cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryIssuedOnOtherVersion.selector,
                v2Root,
                CERTIFICATE_OF_ORIGIN,
                address(v2)
            )
        );
        registry.issue(v2Root, CERTIFICATE_OF_ORIGIN, SG, 2, 0);
    }

    function test_ANumberDrawnOnBothSidesOfTheUpgradeCountsOnce() public {
        // 60,000 drawn on v1 before... (v1 certificate, still held on v1)
        _drawV1(keccak256("D-1"), 60_000);
        // ...then 40,000 on v2's certificate of the same number: the quantity is used up
        _drawV2(keccak256("D-2"), 40_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryQuantityExceeded.selector,
                root,
                leaves[0],
                1,
                0
            )
        );
        _drawV1(keccak256("D-3"), 1);
        // each version records its own draws; the state of either certificate shows the total
        bytes32 key = registry.numberKey(root, CERTIFICATE_OF_ORIGIN, numbers[0]);
        assertEq(registry.utilized(key), 60_000, "v1's own");
        assertEq(v2.utilized(key), 40_000, "v2's own");
        assertEq(
            registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[0], numbers[0]).utilized,
            100_000,
            "v1 view"
        );
        assertEq(
            v2.certificateState(v2Root, CERTIFICATE_OF_ORIGIN, v2Leaves[0], numbers[0]).utilized,
            100_000,
            "v2 view"
        );
    }

    function test_ADeclarationRecordedOnOneVersionIsRefusedOnAnother() public {
        _drawV1(keccak256("D-1"), 1);
        bytes32 key = registry.numberKey(root, CERTIFICATE_OF_ORIGIN, numbers[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryDeclarationRecorded.selector,
                key,
                keccak256("D-1")
            )
        );
        _drawV2(keccak256("D-1"), 1);
    }

    function test_AV1CertificateIsRevokedOnV1AfterTheUpgrade() public {
        vm.prank(cnIssuer);
        registry.revoke(root, CERTIFICATE_OF_ORIGIN, leaves[1], FRAUD);
        assertEq(
            uint256(
                registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[1], numbers[1]).status
            ),
            uint256(ICertificateRegistry.Status.Revoked),
            "revoked"
        );
    }

    function test_AV1CertificateSupersededByAV2OneKeepsOneCount() public {
        _drawV1(keccak256("D-1"), 30_000);
        bytes32[] memory v2Proof = Merkle.proof(v2Leaves, 0);
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], v2Root, v2Leaves[0], v2Proof);
        ICertificateRegistry.CertificateView memory old =
            registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[0], numbers[0]);
        assertEq(
            uint256(old.status), uint256(ICertificateRegistry.Status.Superseded), "superseded on v1"
        );
        assertEq(old.successorRoot, v2Root, "by the v2 certificate");
        _drawV2(keccak256("D-2"), 70_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryQuantityExceeded.selector,
                v2Root,
                v2Leaves[0],
                1,
                0
            )
        );
        _drawV2(keccak256("D-3"), 1);
    }

    function test_RevertWhen_TheSuccessorIsOnNoListedVersion() public {
        bytes32[] memory none = new bytes32[](0);
        vm.prank(cnIssuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector,
                keccak256("nowhere"),
                CERTIFICATE_OF_ORIGIN
            )
        );
        registry.supersede(
            root, CERTIFICATE_OF_ORIGIN, leaves[0], keccak256("nowhere"), keccak256("leaf"), none
        );
    }
}
