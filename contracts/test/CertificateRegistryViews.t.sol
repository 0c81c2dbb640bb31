// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CertificateRegistryBaseTest} from "./CertificateRegistryBaseTest.sol";
import {Merkle} from "./utils/Merkle.sol";
import {ICertificateRegistry} from "../src/interfaces/ICertificateRegistry.sol";

/// @dev Shared vectors, computed with `cast keccak` / `cast abi-encode` (not Solidity), for the
/// Python hashing tests: leaf 1 of documentHash keccak256("sanzhi-vector-1"), quantity
/// 1_500_000, numberHash keccak256("CO-2026-000001"), importing member "SG"; leaf 2 of
/// keccak256("sanzhi-vector-2"), quantity 0, keccak256("CO-2026-000002"), "SG"; the root of
/// the tree of the two leaves; and the number key of "CO-2026-000001" issued by CN as a
/// certificate of origin.
abstract contract Vectors {
    bytes32 internal constant DOC_1 =
        0x486dc6b5ea606f40492010c28481dde2f153e993bbe54d7713b4ed587ac59f75;
    bytes32 internal constant DOC_2 =
        0x74d918e85e0c4e0889bdb782dfb4947f196ee9f5f25ffffcf4602c9a77c7020c;
    bytes32 internal constant NUMBER_1 =
        0x21ea4d705731ec9fc92859fd229692334a8c7591cba6cd00cd681a97315b5502;
    bytes32 internal constant NUMBER_2 =
        0xb37800c103aa24246305704121849603db70c9c5c768e1efcc68a5ed9ed6dda0;
    bytes32 internal constant LEAF_1 =
        0xd8bd7476f39ca97b503e842cb2288d65cba1dfc83c09b6b0ca2fa1f9147b464c;
    bytes32 internal constant LEAF_2 =
        0x2ba67ec00af897f19131d8c4bd7721acfc9fead5e97745fdd2b29469b8c87ddd;
    bytes32 internal constant ROOT_12 =
        0xe8733ec7fa7452e4a1adbc74e614d1ed0d8fbf97539c69533cfede8387bf05bd;
    bytes32 internal constant NUMBER_KEY_1_CN_CO =
        0xfcee8e6aed28cfae139f1e0f6c383a274dc304eb5030998524fbd008fe835753;
}

contract CertificateRegistry_leafHash_Test is CertificateRegistryBaseTest, Vectors {
    function test_MatchesSharedVectors() public view {
        assertEq(keccak256("CO-2026-000001"), NUMBER_1, "number 1");
        assertEq(keccak256("CO-2026-000002"), NUMBER_2, "number 2");
        assertEq(registry.leafHash(DOC_1, 1_500_000, NUMBER_1, SG), LEAF_1, "vector 1");
        assertEq(registry.leafHash(DOC_2, 0, NUMBER_2, SG), LEAF_2, "vector 2");
    }

    function testFuzz_QuantityIsBoundIntoTheLeaf(bytes32 documentHash, uint256 a, uint256 b)
        public
        view
    {
        vm.assume(a != b);
        assertTrue(
            registry.leafHash(documentHash, a, NUMBER_1, SG)
                != registry.leafHash(documentHash, b, NUMBER_1, SG),
            "distinct quantities, distinct leaves"
        );
    }

    function testFuzz_NumberAndImportingMemberAreBoundIntoTheLeaf(
        bytes32 documentHash,
        bytes32 number,
        bytes32 otherNumber,
        bytes32 member,
        bytes32 otherMember
    ) public view {
        vm.assume(number != otherNumber && member != otherMember);
        bytes32 leaf = registry.leafHash(documentHash, 1000, number, member);
        assertEq(leaf, Merkle.leaf(documentHash, 1000, number, member), "as the test library");
        assertTrue(
            leaf != registry.leafHash(documentHash, 1000, otherNumber, member), "other number"
        );
        assertTrue(
            leaf != registry.leafHash(documentHash, 1000, number, otherMember), "other member"
        );
    }
}

contract CertificateRegistry_numberKey_Test is CertificateRegistryBaseTest, Vectors {
    function test_MatchesSharedVector() public {
        bytes32 single = Merkle.leaf(DOC_1, 1_500_000, NUMBER_1, SG);
        vm.prank(cnIssuer);
        registry.issue(single, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
        assertEq(
            registry.numberKey(single, CERTIFICATE_OF_ORIGIN, NUMBER_1),
            NUMBER_KEY_1_CN_CO,
            "CN certificate of origin CO-2026-000001"
        );
    }

    function test_IsTheIssuingMembersKey() public view {
        assertEq(
            registry.numberKey(root, CERTIFICATE_OF_ORIGIN, numbers[3]), _numberKey(3), "CN key"
        );
    }

    function test_SameForEveryIssuerOfTheMember() public {
        bytes32 chamberRoot = _issueSingle(cnChamber, CERTIFICATE_OF_ORIGIN, "chamber");
        assertEq(
            registry.numberKey(chamberRoot, CERTIFICATE_OF_ORIGIN, numbers[0]),
            registry.numberKey(root, CERTIFICATE_OF_ORIGIN, numbers[0]),
            "one key per member, type and number"
        );
    }

    function test_KeptAfterTheIssuerWasWithdrawn() public view {
        assertEq(
            registry.numberKey(formerRoot, CERTIFICATE_OF_ORIGIN, numbers[0]),
            _numberKey(0),
            "still CN's key"
        );
    }

    function test_RevertWhen_BatchNotIssued() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ICertificateRegistry.CertificateRegistryNotIssued.selector, root, PHYTOSANITARY
            )
        );
        registry.numberKey(root, PHYTOSANITARY, numbers[0]);
    }
}

contract CertificateRegistry_utilized_Test is CertificateRegistryBaseTest {
    function test_ZeroForUnusedNumber() public view {
        assertEq(registry.utilized(_numberKey(0)), 0, "unused");
        assertEq(registry.utilized(bytes32(0)), 0, "no key");
    }

    function test_SumsDrawsOfTheNumber() public {
        _utilize(sgCustomsKey, 4, 1000);
        _utilize(sgCustomsKey, 4, 2500);
        assertEq(registry.utilized(_numberKey(4)), 3500, "sum");
        assertEq(registry.utilized(_numberKey(0)), 0, "other number untouched");
    }
}

contract CertificateRegistry_declarationRecorded_Test is CertificateRegistryBaseTest {
    function test_FalseForUnknownDeclaration() public view {
        assertFalse(registry.declarationRecorded(_numberKey(0), keccak256("none")), "unknown");
    }

    function test_TrueForFirstAndLaterDeclarations() public {
        bytes32 first = keccak256("SG-2026-IMP-1");
        bytes32 later = keccak256("SG-2026-IMP-2");
        _utilizeFor(sgCustomsKey, 4, 777, first);
        assertTrue(registry.declarationRecorded(_numberKey(4), first), "first");
        assertFalse(registry.declarationRecorded(_numberKey(4), later), "not yet");
        _utilizeFor(sgCustomsKey, 4, 777, later);
        assertTrue(registry.declarationRecorded(_numberKey(4), later), "later");
        assertTrue(registry.declarationRecorded(_numberKey(4), first), "first kept");
        assertFalse(registry.declarationRecorded(_numberKey(0), first), "other number");
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
            tree[i] = Merkle.leaf(keccak256(abi.encode(seed, i)), i * 1000, bytes32(i), SG);
        }
        bytes32 treeRoot = Merkle.root(tree);
        bytes32[] memory proof = Merkle.proof(tree, index);
        assertTrue(registry.verifyProof(treeRoot, tree[index], proof), "member verifies");
        bytes32 outsider = Merkle.leaf(keccak256(abi.encode(seed, size)), 0, bytes32(size), SG);
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
        ICertificateRegistry.CertificateView memory v = registry.certificateState(
            keccak256("unknown"), CERTIFICATE_OF_ORIGIN, leaves[0], numbers[0]
        );
        assertFalse(v.issued, "not issued");
        assertEq(v.issuer, address(0), "issuer");
        assertEq(v.issuerMemberId, bytes32(0), "member");
        assertFalse(v.issuerAccreditedAtIssue, "at issue");
        assertFalse(v.issuerAccreditedNow, "now");
        assertEq(v.utilized, 0, "utilized");
    }

    function test_ReportsWithdrawnIssuer() public view {
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, bytes32(0));
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
        _utilize(sgCustomsKey, 4, 1000);
        _suspend(cnIssuer, 4, CLERICAL_ERROR);
        ICertificateRegistry.CertificateView memory v = _state(4);
        assertEq(v.utilized, 1000, "utilized");
        assertTrue(v.status == ICertificateRegistry.Status.Suspended, "suspended");
        assertEq(v.reason, CLERICAL_ERROR, "reason");
    }

    function test_ReportsUtilizationOfTheNamedNumber() public {
        _utilize(sgCustomsKey, 0, 1000);
        _utilize(sgCustomsKey, 2, 300);
        ICertificateRegistry.CertificateView memory v =
            registry.certificateState(root, CERTIFICATE_OF_ORIGIN, leaves[0], numbers[2]);
        assertEq(v.utilized, 300, "the total of the number asked for");
        // Another leaf of number 0, in another CN batch, reports number 0's total.
        bytes32 other = Merkle.leaf(keccak256("reissued"), 1, numbers[0], SG);
        vm.prank(cnChamber);
        registry.issue(other, CERTIFICATE_OF_ORIGIN, SG, 1, 0);
        v = registry.certificateState(other, CERTIFICATE_OF_ORIGIN, other, numbers[0]);
        assertEq(v.utilized, 1000, "shared total, above this leaf's quantity");
    }

    function test_ReportsSuccessor() public {
        vm.prank(cnIssuer);
        registry.supersede(root, CERTIFICATE_OF_ORIGIN, leaves[0], root, leaves[4], _proof(4));
        ICertificateRegistry.CertificateView memory v = _state(0);
        assertEq(v.successorRoot, root, "successor root");
        assertEq(v.successorLeaf, leaves[4], "successor leaf");
    }
}

contract CertificateRegistry_certificateStates_Test is CertificateRegistryBaseTest {
    function test_MatchesSingleLookups() public {
        _revoke(cnIssuer, 1, FRAUD);
        _utilize(sgCustomsKey, 2, 700);
        bytes32 sgRoot = _issueSingle(sgIssuer, CERTIFICATE_OF_ORIGIN, "sg");
        ICertificateRegistry.CertificateRef[] memory refs =
            new ICertificateRegistry.CertificateRef[](8);
        for (uint256 i = 0; i < 5; ++i) {
            refs[i] = ICertificateRegistry.CertificateRef(
                root, CERTIFICATE_OF_ORIGIN, leaves[i], numbers[i]
            );
        }
        refs[5] = ICertificateRegistry.CertificateRef(
            sgRoot, CERTIFICATE_OF_ORIGIN, sgRoot, keccak256("sg")
        );
        refs[6] = ICertificateRegistry.CertificateRef(root, PHYTOSANITARY, leaves[0], numbers[0]);
        refs[7] = ICertificateRegistry.CertificateRef(
            formerRoot, CERTIFICATE_OF_ORIGIN, formerRoot, numbers[2]
        );
        ICertificateRegistry.CertificateView[] memory views = registry.certificateStates(refs);
        assertEq(views.length, refs.length, "one view per ref");
        for (uint256 i = 0; i < refs.length; ++i) {
            ICertificateRegistry.CertificateView memory one = registry.certificateState(
                refs[i].root, refs[i].certType, refs[i].leaf, refs[i].numberHash
            );
            assertEq(keccak256(abi.encode(views[i])), keccak256(abi.encode(one)), "same view");
        }
        assertEq(views[2].utilized, 700, "utilized");
        assertEq(views[7].utilized, 700, "number 2 of CN, through another CN batch");
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
