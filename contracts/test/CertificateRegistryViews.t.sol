// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @dev Shared vectors, computed with `cast keccak` / `cast abi-encode` (not Solidity), for the
/// Python hashing tests: documentHash = keccak256("sanzhi-vector-1"), quantity 1_500_000;
/// keccak256("sanzhi-vector-2"), quantity 0; and the root of the tree of the two leaves.
abstract contract Vectors {
    bytes32 internal constant DOC_1 =
        0x486dc6b5ea606f40492010c28481dde2f153e993bbe54d7713b4ed587ac59f75;
    bytes32 internal constant DOC_2 =
        0x74d918e85e0c4e0889bdb782dfb4947f196ee9f5f25ffffcf4602c9a77c7020c;
    bytes32 internal constant LEAF_1 =
        0x2dde4afb2fe64ed10cdf028b741d34ab9c606bf609526bcd5489847a21408b44;
    bytes32 internal constant LEAF_2 =
        0x7e44e5e39bb9ad59bd0ffb0c349c4ac4742d9dfa8ff62e081a72e3c89b056a05;
    bytes32 internal constant ROOT_12 =
        0xe52dd6e2e6bb8f98e0d4da66a2a23cd8442b6f11e705ba4e736c3a63bc391357;
}

contract CertificateRegistry_leafHash_Test is CertificateRegistryBaseTest, Vectors {
    function test_MatchesSharedVectors() public view {
        assertEq(registry.leafHash(DOC_1, 1_500_000), LEAF_1, "vector 1");
        assertEq(registry.leafHash(DOC_2, 0), LEAF_2, "vector 2");
    }

    function testFuzz_QuantityIsBoundIntoTheLeaf(bytes32 documentHash, uint256 a, uint256 b)
        public
        view
    {
        vm.assume(a != b);
        assertTrue(
            registry.leafHash(documentHash, a) != registry.leafHash(documentHash, b),
            "distinct quantities, distinct leaves"
        );
    }
}

contract CertificateRegistry_verifyProof_Test is CertificateRegistryBaseTest, Vectors {
    function test_MatchesSharedVectors() public view {
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = LEAF_2;
        assertTrue(registry.verifyProof(ROOT_12, LEAF_1, proof), "leaf 1 in root");
        proof[0] = LEAF_1;
        assertTrue(registry.verifyProof(ROOT_12, LEAF_2, proof), "leaf 2 in root");
        assertFalse(registry.verifyProof(ROOT_12, LEAF_2, new bytes32[](0)), "no path");
    }

    function test_SingleLeafTreeHasEmptyProof() public view {
        assertTrue(registry.verifyProof(LEAF_1, LEAF_1, new bytes32[](0)), "root is the leaf");
    }

    function testFuzz_VerifiesProofsOfRandomTrees(uint256 seed, uint256 size, uint256 index)
        public
        view
    {
        size = bound(size, 1, 80);
        index = bound(index, 0, size - 1);
        bytes32[] memory tree = new bytes32[](size);
        for (uint256 i = 0; i < size; ++i) {
            tree[i] = Merkle.leaf(keccak256(abi.encode(seed, i)), i * 1000);
        }
        bytes32 treeRoot = Merkle.root(tree);
        bytes32[] memory proof = Merkle.proof(tree, index);
        assertTrue(registry.verifyProof(treeRoot, tree[index], proof), "member verifies");
        bytes32 outsider = Merkle.leaf(keccak256(abi.encode(seed, size)), 0);
        assertFalse(registry.verifyProof(treeRoot, outsider, proof), "outsider fails");
        if (proof.length > 0) {
            proof[proof.length - 1] ^= bytes32(uint256(1));
            assertFalse(registry.verifyProof(treeRoot, tree[index], proof), "tampered path");
        }
    }
}

contract CertificateRegistry_batch_Test is CertificateRegistryBaseTest {
    function test_UnknownBatchIsZero() public view {
        ICertificateRegistry.Batch memory b = registry.batch(root, PHYTOSANITARY);
        assertEq(b.issuer, address(0), "issuer");
        assertEq(b.issuedAt, 0, "issuedAt");
        assertEq(b.expiresAt, 0, "expiresAt");
    }
}

contract CertificateRegistry_certificateState_Test is CertificateRegistryBaseTest {
    function test_ReportsIssuedValidCertificate() public view {
        ICertificateRegistry.CertificateView memory v = _state(2);
        assertTrue(v.issued, "issued");
        assertEq(v.issuer, cnIssuer, "issuer");
        assertEq(v.issuerMemberId, CN, "member");
        assertEq(v.issuedAt, issuedAt, "issuedAt");
        assertEq(v.expiresAt, EXPIRY, "expiresAt");
        assertFalse(v.expired, "not expired");
        assertTrue(v.issuerAccreditedAtIssue, "accredited at issue");
        assertTrue(v.issuerAccreditedNow, "accredited now");
        assertTrue(v.status == ICertificateRegistry.Status.Valid, "valid");
        assertEq(v.reason, 0, "reason");
        assertEq(v.changedAt, 0, "changedAt");
        assertEq(v.utilized, 0, "utilized");
        assertEq(v.successorRoot, bytes32(0), "no successor");
    }

    function test_ReportsUnknownBatch() public view {
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(keccak256("unknown"), CERTIFICATE_OF_ORIGIN, leaves[0]);
        assertFalse(v.issued, "not issued");
        assertEq(v.issuer, address(0), "issuer");
        assertEq(v.issuerMemberId, bytes32(0), "member");
        assertFalse(v.issuerAccreditedAtIssue, "at issue");
        assertFalse(v.issuerAccreditedNow, "now");
    }

    function test_ReportsWithdrawnIssuer() public view {
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot);
        assertTrue(v.issued, "issued");
        assertEq(v.issuerMemberId, CN, "member");
        assertTrue(v.issuerAccreditedAtIssue, "accredited at issue");
        assertFalse(v.issuerAccreditedNow, "withdrawn since");
        assertEq(v.expiresAt, 0, "no expiry");
        assertFalse(v.expired, "never expires");
    }

    function test_ReportsExpiry() public {
        vm.warp(EXPIRY);
        assertTrue(_state(0).expired, "expired at expiresAt");
    }

    function test_ReportsUtilizationAndStatus() public {
        _utilize(sgCustoms, 4, 1000);
        _suspend(cnIssuer, 4, CLERICAL_ERROR);
        ICertificateRegistry.CertificateView memory v = _state(4);
        assertEq(v.utilized, 1000, "utilized");
        assertTrue(v.status == ICertificateRegistry.Status.Suspended, "suspended");
        assertEq(v.reason, CLERICAL_ERROR, "reason");
    }

    function test_ReportsSuccessor() public {
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4]);
        ICertificateRegistry.CertificateView memory v = _state(0);
        assertEq(v.successorRoot, root, "successor root");
        assertEq(v.successorLeaf, leaves[4], "successor leaf");
    }
}

contract CertificateRegistry_certificateStates_Test is CertificateRegistryBaseTest {
    function test_MatchesSingleLookups() public {
        _revoke(cnIssuer, 1, FRAUD);
        _utilize(sgCustoms, 2, 700);
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        ICertificateRegistry.CertificateRef[] memory refs =
            new ICertificateRegistry.CertificateRef[](8);
        for (uint256 i = 0; i < 5; ++i) {
            refs[i] = ICertificateRegistry.CertificateRef(root, CERTIFICATE_OF_ORIGIN, leaves[i]);
        }
        refs[5] = ICertificateRegistry.CertificateRef(sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot);
        refs[6] = ICertificateRegistry.CertificateRef(root, PHYTOSANITARY, leaves[0]);
        refs[7] = ICertificateRegistry.CertificateRef(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot);
        ICertificateRegistry.CertificateView[] memory views = registry.certificateStates(refs);
        assertEq(views.length, refs.length, "one view per ref");
        for (uint256 i = 0; i < refs.length; ++i) {
            ICertificateRegistry.CertificateView memory one =
                registry.certificateState(refs[i].root, refs[i].certType, refs[i].leaf);
            assertEq(keccak256(abi.encode(views[i])), keccak256(abi.encode(one)), "same view");
        }
        assertEq(views[2].utilized, 700, "utilized");
        assertTrue(views[1].status == ICertificateRegistry.Status.Revoked, "revoked");
        assertEq(views[5].issuerMemberId, SG, "SG batch");
        assertFalse(views[6].issued, "unknown batch");
    }

    function test_AcceptsEmptyAndLargest() public view {
        assertEq(
            registry.certificateStates(new ICertificateRegistry.CertificateRef[](0)).length,
            0,
            "empty"
        );
        uint256 max = registry.MAX_QUERIES();
        assertEq(
            registry.certificateStates(new ICertificateRegistry.CertificateRef[](max)).length,
            max,
            "largest"
        );
    }

    function test_RevertWhen_TooManyRefs() public {
        ICertificateRegistry.CertificateRef[] memory refs =
            new ICertificateRegistry.CertificateRef[](257);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryTooManyQueries.selector, 257, 256
            )
        );
        registry.certificateStates(refs);
    }
}
