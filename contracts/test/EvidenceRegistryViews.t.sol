// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @dev Shared vectors for the Python tests, computed with `cast keccak` / `cast abi-encode`
/// and Python's hashlib (not Solidity).
/// Link vector 1: entry {consignment keccak256("6CN123456789-SG-0001") (not hashed into the
/// link), eventHash sha256("sanzhi-evidence-vector-1"), step 10, eventType 0, correction false,
/// documentHash keccak256("sanzhi-document-1"), cid the 36 bytes CID_1, parents []}, prevLink
/// 0, seq 1, member "CN", submitter SUBMITTER, timestamp 1767225600 -> LINK_1.
/// Link vector 2: entry {same consignment, eventHash sha256("sanzhi-evidence-vector-2"), step
/// 300, eventType 3, correction true, documentHash 0, cid empty, parents [LINK_1,
/// keccak256("sanzhi-leaf")]}, prevLink PREV_2 (the 192 low bits of LINK_1), seq 2, member
/// "CN", submitter SUBMITTER, timestamp 1767225660 -> LINK_2.
/// EIP-712 vector: EvidenceBatch {member "CN", entries [entry 1, entry 2], nonce 42, deadline
/// 1767229200}: entry struct hashes ENTRY_HASH_1, ENTRY_HASH_2, batch struct hash BATCH_HASH;
/// in the domain {name "sanzhi EvidenceRegistry", version "1", chainId 31337,
/// verifyingContract 0x000000000000000000000000000000000000e71d} (DOMAIN_SEPARATOR) the
/// digest DIGEST.
abstract contract EvidenceVectors {
    bytes32 internal constant V_CONSIGNMENT =
        0xdec398f04deec1b08df14b5c018f7fcabd25c1514ab79d8507823ccf38c14af3;
    bytes32 internal constant V_EVENT_1 =
        0xf8b96ddec57937137a554a06be0906ca1d0344113cc7f2aa5c17afbb43e3af75;
    bytes32 internal constant V_EVENT_2 =
        0x492611f26380cb6704362f1bbd03428bb0333a2c23dc5ca4062885a309f6c009;
    bytes32 internal constant V_DOCUMENT_1 =
        0x9d116313a3a546c530f0f7070bc18a21b67094b079c6244e79fd714669613c40;
    bytes32 internal constant V_LEAF =
        0x3e7b0caab4c93d8a88da8023e3847e47a04a985c2841680c7584bea3d3234266;
    bytes internal constant CID_1 =
        hex"01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
    address internal constant SUBMITTER = 0x5A4E5a4849000000000000000000000000000001;
    uint64 internal constant T_1 = 1_767_225_600;
    uint64 internal constant T_2 = 1_767_225_660;
    bytes32 internal constant LINK_1 =
        0x3f7376b07334d403c0b212b4109d804555aa4527f1d60c6a996b829ae4ec0410;
    uint192 internal constant PREV_2 = 0xc0b212b4109d804555aa4527f1d60c6a996b829ae4ec0410;
    bytes32 internal constant LINK_2 =
        0x5c8a5ef087e38956f8729bec8a668bd0a6a8d0fef69ca5565b5a0da8be82d9d9;
    uint256 internal constant V_NONCE = 42;
    uint64 internal constant V_DEADLINE = 1_767_229_200;
    bytes32 internal constant ENTRY_HASH_1 =
        0x09df85615e8d76573f5a82945369420a6d2df4b24224c8ceaecdbc5129ab1231;
    bytes32 internal constant ENTRY_HASH_2 =
        0x6e6e1f4a6411a65a7784992738832830ea8fc7f87f57b530fd78e3bd259ccb40;
    bytes32 internal constant BATCH_HASH =
        0x07a2667740764cb2d4ddd657e44550246ad27fddca18f747c44a9c298c2cf302;
    address internal constant V_CONTRACT = address(uint160(0xe71d));
    uint256 internal constant V_CHAIN_ID = 31_337;
    bytes32 internal constant DOMAIN_SEPARATOR =
        0x9c2a701f977019f515b941c466ee3f499e943189a5057b7ea13228f9275bc4a8;
    bytes32 internal constant DIGEST =
        0x41a9583b3a7263648b6424c33ccd689a43e686b0c973db86a1cb70fb23747cfe;

    function _vectorEntry1() internal pure returns (IEvidenceRegistry.EvidenceEntry memory e) {
        e.consignment = V_CONSIGNMENT;
        e.eventHash = V_EVENT_1;
        e.step = 10;
        e.documentHash = V_DOCUMENT_1;
        e.cid = CID_1;
    }

    function _vectorEntry2() internal pure returns (IEvidenceRegistry.EvidenceEntry memory e) {
        e.consignment = V_CONSIGNMENT;
        e.eventHash = V_EVENT_2;
        e.step = 300;
        e.eventType = 3;
        e.correction = true;
        e.parents = new bytes32[](2);
        e.parents[0] = LINK_1;
        e.parents[1] = V_LEAF;
    }

    function _vectorBatch() internal pure returns (IEvidenceRegistry.EvidenceEntry[] memory b) {
        b = new IEvidenceRegistry.EvidenceEntry[](2);
        b[0] = _vectorEntry1();
        b[1] = _vectorEntry2();
    }
}

contract EvidenceRegistry_entryLink_Test is EvidenceRegistryBaseTest, EvidenceVectors {
    function test_MatchesSharedVectors() public view {
        assertEq(keccak256("6CN123456789-SG-0001"), V_CONSIGNMENT, "consignment");
        assertEq(sha256("sanzhi-evidence-vector-1"), V_EVENT_1, "event 1");
        assertEq(sha256("sanzhi-evidence-vector-2"), V_EVENT_2, "event 2");
        assertEq(keccak256("sanzhi-document-1"), V_DOCUMENT_1, "document");
        assertEq(keccak256("sanzhi-leaf"), V_LEAF, "leaf");
        assertEq(uint256(PREV_2), uint256(uint192(uint256(LINK_1))), "prev 2");
        assertEq(registry.entryLink(0, 1, _vectorEntry1(), CN, SUBMITTER, T_1), LINK_1, "link 1");
        assertEq(
            registry.entryLink(PREV_2, 2, _vectorEntry2(), CN, SUBMITTER, T_2), LINK_2, "link 2"
        );
        assertEq(_link(0, 1, _vectorEntry1(), CN, SUBMITTER, T_1), LINK_1, "abi.encode 1");
        assertEq(_link(PREV_2, 2, _vectorEntry2(), CN, SUBMITTER, T_2), LINK_2, "abi.encode 2");
    }

    /// @dev The vectors appended for real: the events carry the links, the head the last one.
    function test_VectorsAppended() public {
        _accredit(cnCustoms, SUBMITTER, TRADE_ROLE, bytes32(0));
        vm.warp(T_1);
        // appended, the first entry links to the consignment id, not to 0 as in the vector
        bytes32 first = _link(_firstLink(_vectorEntry1()), 1, _vectorEntry1(), CN, SUBMITTER, T_1);
        _expectAppended(_vectorEntry1(), CN, 1, first);
        _append(SUBMITTER, _one(_vectorEntry1()));
        vm.warp(T_2);
        bytes32 second = _link(uint192(uint256(first)), 2, _vectorEntry2(), CN, SUBMITTER, T_2);
        _quorumSubmit(_vectorEntry2(), second);
        (uint64 seq, bytes32 link) = _head(V_CONSIGNMENT);
        assertEq(seq, 2, "seq");
        assertEq(link, _low(second), "head");
    }

    function testFuzz_MatchesAbiEncode(
        uint192 prevLink,
        uint64 seq,
        bytes32 eventHash,
        uint16 step,
        uint8 eventType,
        bool correction,
        bytes32 documentHash,
        bytes memory cid,
        bytes32[] memory parents,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) public view {
        IEvidenceRegistry.EvidenceEntry memory e = IEvidenceRegistry.EvidenceEntry(
            keccak256("any"), eventHash, step, eventType, correction, documentHash, cid, parents
        );
        assertEq(
            registry.entryLink(prevLink, seq, e, member, submitter, timestamp),
            _link(prevLink, seq, e, member, submitter, timestamp),
            "link"
        );
    }

    function testFuzz_ConsignmentNotHashed(bytes32 a, bytes32 b) public view {
        IEvidenceRegistry.EvidenceEntry memory e = _vectorEntry1();
        e.consignment = a;
        bytes32 la = registry.entryLink(0, 1, e, CN, SUBMITTER, T_1);
        e.consignment = b;
        assertEq(registry.entryLink(0, 1, e, CN, SUBMITTER, T_1), la, "same link");
    }

    /// @dev Entry 2 is a decision: a CN oracle signs, SUBMITTER (a CN trade key, which has no
    /// private key here) sends.
    function _quorumSubmit(IEvidenceRegistry.EvidenceEntry memory e, bytes32 expected) internal {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _one(e);
        bytes[] memory sigs = _signAll(_names("cn-oracle"), CN, entries, 1, T_2);
        _expectAppended(e, CN, 2, expected);
        vm.prank(SUBMITTER);
        registry.submitDecisions(CN, entries, 1, T_2, sigs);
    }
}

contract EvidenceRegistry_decisionsDigest_Test is EvidenceRegistryBaseTest, EvidenceVectors {
    bytes32 internal constant ENTRY_TYPEHASH = keccak256(
        "EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );
    bytes32 internal constant BATCH_TYPEHASH = keccak256(
        "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );

    function test_MatchesSharedVector() public {
        assertEq(_entryHash(_vectorEntry1()), ENTRY_HASH_1, "entry 1");
        assertEq(_entryHash(_vectorEntry2()), ENTRY_HASH_2, "entry 2");
        assertEq(_batchHash(CN, _vectorBatch(), V_NONCE, V_DEADLINE), BATCH_HASH, "batch");
        vm.chainId(V_CHAIN_ID);
        vm.etch(V_CONTRACT, address(registry).code);
        EvidenceRegistry placed = EvidenceRegistry(V_CONTRACT);
        assertEq(placed.domainSeparator(), DOMAIN_SEPARATOR, "domain");
        assertEq(placed.decisionsDigest(CN, _vectorBatch(), V_NONCE, V_DEADLINE), DIGEST, "digest");
    }

    function testFuzz_MatchesTypedDataHash(
        bytes32 member,
        uint256 nonce,
        uint64 deadline,
        uint256 seed,
        uint8 count
    ) public view {
        uint256 n = bound(count, 1, 5);
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            entries[i] = _entry(bytes32(r), bytes32(r >> 1), uint16(r));
            entries[i].eventType = uint8(r >> 16);
            entries[i].correction = r % 2 == 0;
            entries[i].cid = abi.encodePacked(r, r >> 8);
            entries[i].parents = _parents(bytes32(r >> 2));
        }
        bytes32 expected = keccak256(
            abi.encodePacked(
                "\x19\x01", registry.domainSeparator(), _batchHash(member, entries, nonce, deadline)
            )
        );
        assertEq(registry.decisionsDigest(member, entries, nonce, deadline), expected, "digest");
    }

    function _entryHash(IEvidenceRegistry.EvidenceEntry memory e) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                ENTRY_TYPEHASH,
                e.consignment,
                e.eventHash,
                e.step,
                e.eventType,
                e.correction,
                e.documentHash,
                keccak256(e.cid),
                keccak256(abi.encodePacked(e.parents))
            )
        );
    }

    function _batchHash(
        bytes32 member,
        IEvidenceRegistry.EvidenceEntry[] memory entries,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        bytes memory hashes;
        for (uint256 i = 0; i < entries.length; ++i) {
            hashes = bytes.concat(hashes, _entryHash(entries[i]));
        }
        return keccak256(abi.encode(BATCH_TYPEHASH, member, keccak256(hashes), nonce, deadline));
    }
}

contract EvidenceRegistry_head_Test is EvidenceRegistryBaseTest {
    function test_UnknownConsignment() public view {
        (uint64 seq, bytes32 link) = registry.head(keccak256("never"));
        assertEq(seq, 0, "seq");
        assertEq(link, bytes32(0), "link");
    }

    function test_LinkIsLow192Bits() public {
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(1), LOADED);
        _append(cnTrader, _one(e));
        bytes32 full = _link(_firstLink(e), 1, e, CN, cnTrader, _now());
        (, bytes32 link) = registry.head(UCR_A);
        assertEq(link, bytes32(uint256(full) & type(uint192).max), "low bits");
        assertEq(uint256(link) >> 192, 0, "zero-extended");
    }
}

contract EvidenceRegistry_headSlot_Test is EvidenceRegistryBaseTest {
    function test_StorageWordAtDocumentedSlot() public {
        _append(cnTrader, _run(UCR_A, 1, 3));
        bytes32 slot = keccak256(abi.encode(UCR_A, keccak256("sanzhi.evidence.heads")));
        assertEq(registry.headSlot(UCR_A), slot, "slot");
        (uint64 seq, bytes32 link) = registry.head(UCR_A);
        bytes32 word = vm.load(address(registry), slot);
        assertEq(uint256(word), (uint256(seq) << 192) | uint256(link), "one word: seq, link");
        assertEq(seq, 3, "seq");
    }

    function testFuzz_Slot(bytes32 consignment) public view {
        assertEq(
            registry.headSlot(consignment),
            keccak256(abi.encode(consignment, registry.HEADS_SLOT())),
            "slot"
        );
    }
}

contract EvidenceRegistry_heads_Test is EvidenceRegistryBaseTest {
    function test_ReadsSeveral() public {
        _append(cnTrader, _run(UCR_A, 1, 2));
        _append(cnTrader, _run(UCR_B, 10, 5));
        bytes32[] memory q = new bytes32[](3);
        q[0] = UCR_B;
        q[1] = keccak256("never");
        q[2] = UCR_A;
        (uint64[] memory seqs, bytes32[] memory links) = registry.heads(q);
        assertEq(seqs.length, 3, "length");
        assertEq(seqs[0], 5, "B");
        assertEq(seqs[1], 0, "unknown");
        assertEq(seqs[2], 2, "A");
        (, bytes32 a) = registry.head(UCR_A);
        (, bytes32 b) = registry.head(UCR_B);
        assertEq(links[0], b, "B link");
        assertEq(links[1], bytes32(0), "unknown link");
        assertEq(links[2], a, "A link");
    }

    function test_EmptyAndMax() public view {
        (uint64[] memory seqs,) = registry.heads(new bytes32[](0));
        assertEq(seqs.length, 0, "empty");
        (seqs,) = registry.heads(new bytes32[](MAX_QUERIES));
        assertEq(seqs.length, MAX_QUERIES, "max");
    }

    function test_RevertWhen_TooManyQueries() public {
        bytes32[] memory q = new bytes32[](MAX_QUERIES + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryTooManyQueries.selector,
                MAX_QUERIES + 1,
                MAX_QUERIES
            )
        );
        registry.heads(q);
    }
}
