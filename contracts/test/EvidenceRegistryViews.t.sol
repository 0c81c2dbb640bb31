// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {EvidenceRegistry} from "../src/EvidenceRegistry.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

/// @dev Shared vectors for the Python tests, computed with `cast keccak` / `cast abi-encode`
/// and Python's hashlib (not Solidity). Consignment C = keccak256("6CN123456789-SG-0001") (UCR_A;
/// not hashed into the links), declaration D = keccak256("sanzhi-declaration-1"), member "CN",
/// submitter SUBMITTER.
/// Link vector 1 (a party's trade event): entry {eventHash sha256("sanzhi-evidence-vector-1"),
/// step 10, eventType 0, correction false, declaration 0, documentHash
/// keccak256("sanzhi-document-1"), cid the 36 bytes CID_1, parents []}, side 0, prevLink PREV_1
/// (the 192 low bits of C), seq 1, timestamp T_1 -> LINK_1.
/// Link vector 2 (an export-side decision): entry {eventHash sha256("sanzhi-evidence-vector-2"),
/// step 300, eventType 3, correction false, declaration D, documentHash 0, cid empty, parents
/// [LINK_1, keccak256("sanzhi-leaf")]}, side 1, prevLink PREV_2 (the 192 low bits of LINK_1),
/// seq 2, timestamp T_2 -> LINK_2.
/// Link vector 3 (its correction): entry {eventHash sha256("sanzhi-evidence-vector-3"), step
/// 300, eventType 0, correction true, declaration D, documentHash keccak256("sanzhi-document-3"),
/// cid CID_1, parents [LINK_2]}, side 1, prevLink PREV_3 (the 192 low bits of LINK_2), seq 3,
/// timestamp T_3 -> LINK_3.
/// EIP-712 vector: EvidenceBatch {member "CN", entries [entry 1, entry 2], nonce 42, deadline
/// 1767229200}: entry struct hashes ENTRY_HASH_1, ENTRY_HASH_2, batch struct hash BATCH_HASH;
/// in the domain {name "sanzhi EvidenceRegistry", version "2", chainId 31337,
/// verifyingContract 0x000000000000000000000000000000000000e71d} (DOMAIN_SEPARATOR) the
/// digest DIGEST.
abstract contract EvidenceVectors {
    bytes32 internal constant V_CONSIGNMENT =
        0xdec398f04deec1b08df14b5c018f7fcabd25c1514ab79d8507823ccf38c14af3;
    bytes32 internal constant V_DECLARATION =
        0xd68e7eca1abb029aef5bc3de0440a2608a8820fbf01c5dc6fa5cc0fd364f54a8;
    bytes32 internal constant V_EVENT_1 =
        0xf8b96ddec57937137a554a06be0906ca1d0344113cc7f2aa5c17afbb43e3af75;
    bytes32 internal constant V_EVENT_2 =
        0x492611f26380cb6704362f1bbd03428bb0333a2c23dc5ca4062885a309f6c009;
    bytes32 internal constant V_EVENT_3 =
        0xc8533ec9d9dc11649927d6dd1b72cb34fbbbb372c9df4cdc138a0175190c4a59;
    bytes32 internal constant V_DOCUMENT_1 =
        0x9d116313a3a546c530f0f7070bc18a21b67094b079c6244e79fd714669613c40;
    bytes32 internal constant V_DOCUMENT_3 =
        0x1a5d1c878de7d47d4a26c036c6db5e98ad7d74e8439b3f4a67acde8d59ede2df;
    bytes32 internal constant V_LEAF =
        0x3e7b0caab4c93d8a88da8023e3847e47a04a985c2841680c7584bea3d3234266;
    bytes internal constant CID_1 =
        hex"01551220b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
    address internal constant SUBMITTER = 0x5A4E5a4849000000000000000000000000000001;
    uint64 internal constant T_1 = 1_767_225_600;
    uint64 internal constant T_2 = 1_767_225_660;
    uint64 internal constant T_3 = 1_767_225_720;
    uint192 internal constant PREV_1 = 0x8df14b5c018f7fcabd25c1514ab79d8507823ccf38c14af3;
    bytes32 internal constant LINK_1 =
        0xe5905ef51c59cdc0f7cd466129868e02c66cce3e2702f97cba14766f3dab47b1;
    uint192 internal constant PREV_2 = 0xf7cd466129868e02c66cce3e2702f97cba14766f3dab47b1;
    bytes32 internal constant LINK_2 =
        0x24d5573b533bc9e2445c56cef5364293098d9836e65dfb94f54ea30fdc645407;
    uint192 internal constant PREV_3 = 0x445c56cef5364293098d9836e65dfb94f54ea30fdc645407;
    bytes32 internal constant LINK_3 =
        0xef1d9707023b1edcaa4d2d2a4bacbd42947031d7c4aa0918eb6ecb914df09fc5;
    uint256 internal constant V_NONCE = 42;
    uint64 internal constant V_DEADLINE = 1_767_229_200;
    bytes32 internal constant ENTRY_HASH_1 =
        0x8d25557b8edaf12ffd7a33f202fd826e1f6e495ab8df2f4edb09e7bc060254b2;
    bytes32 internal constant ENTRY_HASH_2 =
        0x7e1aaf0c8e0986693beb4e43760c3c1b3d0e6ea58d3cc368efc9b5b50abfb900;
    bytes32 internal constant BATCH_HASH =
        0x71f60548ee93d2016583de46472e49ff22defffc3d288a0ee6fc7b30722064d4;
    address internal constant V_CONTRACT = address(uint160(0xe71d));
    uint256 internal constant V_CHAIN_ID = 31_337;
    bytes32 internal constant DOMAIN_SEPARATOR =
        0x190e5b3567c09163171ea38bb688fda788652ff95b761536aa3cd68f7215aa59;
    bytes32 internal constant DIGEST =
        0xa684b3dc4a623892baa99951d12a9c45631899814348c60a231df94972ba6f0d;

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
        e.declaration = V_DECLARATION;
        e.parents = new bytes32[](2);
        e.parents[0] = LINK_1;
        e.parents[1] = V_LEAF;
    }

    function _vectorEntry3() internal pure returns (IEvidenceRegistry.EvidenceEntry memory e) {
        e.consignment = V_CONSIGNMENT;
        e.eventHash = V_EVENT_3;
        e.step = 300;
        e.correction = true;
        e.declaration = V_DECLARATION;
        e.documentHash = V_DOCUMENT_3;
        e.cid = CID_1;
        e.parents = new bytes32[](1);
        e.parents[0] = LINK_2;
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
        assertEq(keccak256("sanzhi-declaration-1"), V_DECLARATION, "declaration");
        assertEq(sha256("sanzhi-evidence-vector-1"), V_EVENT_1, "event 1");
        assertEq(sha256("sanzhi-evidence-vector-2"), V_EVENT_2, "event 2");
        assertEq(sha256("sanzhi-evidence-vector-3"), V_EVENT_3, "event 3");
        assertEq(keccak256("sanzhi-document-1"), V_DOCUMENT_1, "document 1");
        assertEq(keccak256("sanzhi-document-3"), V_DOCUMENT_3, "document 3");
        assertEq(keccak256("sanzhi-leaf"), V_LEAF, "leaf");
        assertEq(uint256(PREV_1), uint256(uint192(uint256(V_CONSIGNMENT))), "prev 1");
        assertEq(uint256(PREV_2), uint256(uint192(uint256(LINK_1))), "prev 2");
        assertEq(uint256(PREV_3), uint256(uint192(uint256(LINK_2))), "prev 3");
        assertEq(
            registry.entryLink(PREV_1, 1, _vectorEntry1(), SIDE_PARTY, CN, SUBMITTER, T_1),
            LINK_1,
            "link 1"
        );
        assertEq(
            registry.entryLink(PREV_2, 2, _vectorEntry2(), SIDE_EXPORT, CN, SUBMITTER, T_2),
            LINK_2,
            "link 2"
        );
        assertEq(
            registry.entryLink(PREV_3, 3, _vectorEntry3(), SIDE_EXPORT, CN, SUBMITTER, T_3),
            LINK_3,
            "link 3"
        );
        assertEq(_link(PREV_1, 1, _vectorEntry1(), SIDE_PARTY, CN, SUBMITTER, T_1), LINK_1, "1");
        assertEq(_link(PREV_2, 2, _vectorEntry2(), SIDE_EXPORT, CN, SUBMITTER, T_2), LINK_2, "2");
        assertEq(_link(PREV_3, 3, _vectorEntry3(), SIDE_EXPORT, CN, SUBMITTER, T_3), LINK_3, "3");
    }

    /// @dev The vectors appended for real (UCR_A is open CN to SG since setUp): SUBMITTER, a CN
    /// trade key added as a party, appends entry 1 and sends CN's decision and its correction.
    /// The events carry the vector links, the head the last one, and the correction retracted the
    /// decision: none is in force.
    function test_VectorsAppended() public {
        _accredit(cnCustoms, SUBMITTER, TRADE_ROLE, bytes32(0));
        vm.prank(cnTrader);
        registry.addParty(V_CONSIGNMENT, SUBMITTER, bytes32("forwarder"));
        vm.warp(T_1);
        _expectAppended(_vectorEntry1(), CN, SIDE_PARTY, 1, LINK_1);
        _append(SUBMITTER, _one(_vectorEntry1()));
        vm.warp(T_2);
        _quorumSubmit(_vectorEntry2(), 2, LINK_2);
        vm.warp(T_3);
        _quorumSubmit(_vectorEntry3(), 3, LINK_3);
        (uint64 seq, bytes32 link) = _head(V_CONSIGNMENT);
        assertEq(seq, 3, "seq");
        assertEq(link, _low(LINK_3), "head");
        assertEq(registry.effectiveDecision(V_CONSIGNMENT, CN, V_DECLARATION, 300), 0, "retracted");
    }

    function testFuzz_MatchesAbiEncode(
        uint192 prevLink,
        uint64 seq,
        IEvidenceRegistry.EvidenceEntry memory e,
        uint8 side,
        bytes32 member,
        address submitter,
        uint64 timestamp
    ) public view {
        assertEq(
            registry.entryLink(prevLink, seq, e, side, member, submitter, timestamp),
            _link(prevLink, seq, e, side, member, submitter, timestamp),
            "link"
        );
    }

    function testFuzz_ConsignmentNotHashed(bytes32 a, bytes32 b) public view {
        IEvidenceRegistry.EvidenceEntry memory e = _vectorEntry1();
        e.consignment = a;
        bytes32 la = registry.entryLink(PREV_1, 1, e, SIDE_PARTY, CN, SUBMITTER, T_1);
        e.consignment = b;
        assertEq(registry.entryLink(PREV_1, 1, e, SIDE_PARTY, CN, SUBMITTER, T_1), la, "same link");
    }

    /// @dev Side and declaration are hashed: changing either changes the link.
    function testFuzz_SideAndDeclarationHashed(uint8 side, bytes32 declaration) public view {
        vm.assume(side != SIDE_EXPORT && declaration != V_DECLARATION);
        IEvidenceRegistry.EvidenceEntry memory e = _vectorEntry2();
        assertTrue(
            registry.entryLink(PREV_2, 2, e, side, CN, SUBMITTER, T_2) != LINK_2, "side hashed"
        );
        e.declaration = declaration;
        assertTrue(
            registry.entryLink(PREV_2, 2, e, SIDE_EXPORT, CN, SUBMITTER, T_2) != LINK_2,
            "declaration hashed"
        );
    }

    /// @dev A fuzzed entry appended for real, by a party (side 0) or a side's customs key (side
    /// 1 or 2), possibly after other entries and time: the emitted link and the head are what
    /// entryLink computes from the previous head.
    function testFuzz_AppendedLinkEqualsEntryLink(
        IEvidenceRegistry.EvidenceEntry memory e,
        uint256 who,
        uint8 before,
        uint32 later
    ) public {
        e.consignment = UCR_A;
        if (e.eventHash == bytes32(0)) e.eventHash = bytes32(uint256(1));
        e.step = uint16(bound(e.step, 1, 255));
        e.eventType = uint8(bound(e.eventType, 0, 3));
        if (e.cid.length > MAX_CID) e.cid = CID;
        if (e.parents.length > MAX_PARENTS) e.parents = _parents(keccak256("p"));
        if (e.correction && e.parents.length == 0) e.parents = _parents(keccak256("q"));
        uint256 n = bound(before, 0, 3);
        if (n > 0) _append(cnOps, _run(UCR_A, 100, n));
        vm.warp(block.timestamp + later);
        _appendChecked(e, bound(who, 0, 3));
    }

    /// @dev Append `e` by key number `who` (CN trade, SG trade, CN customs, SG customs),
    /// expecting the link entryLink computes from the current head.
    function _appendChecked(IEvidenceRegistry.EvidenceEntry memory e, uint256 who) internal {
        address key = [cnTrader, sgTrader, cnOps, sgOps][who];
        bytes32 member = [CN, SG, CN, SG][who];
        uint8 side = [SIDE_PARTY, SIDE_PARTY, SIDE_EXPORT, SIDE_IMPORT][who];
        (uint64 seq, bytes32 low) = _head(UCR_A);
        uint192 prev = seq == 0 ? uint192(uint256(UCR_A)) : uint192(uint256(low));
        bytes32 link = registry.entryLink(prev, seq + 1, e, side, member, key, _now());
        _expectAppended(e, member, side, seq + 1, link);
        _append(key, _one(e));
        (uint64 after_, bytes32 stored) = _head(UCR_A);
        assertEq(after_, seq + 1, "seq");
        assertEq(stored, _low(link), "head");
    }

    /// @dev Entry `seq` is a decision: a CN oracle signs, SUBMITTER (a CN trade key, which has
    /// no private key here) sends.
    function _quorumSubmit(IEvidenceRegistry.EvidenceEntry memory e, uint64 seq, bytes32 expected)
        internal
    {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _one(e);
        bytes[] memory sigs = _sigsFor("cn-oracle", CN, entries);
        _expectAppended(e, CN, SIDE_EXPORT, seq, expected);
        _submitAs(SUBMITTER, CN, entries, sigs);
    }
}

contract EvidenceRegistry_decisionsDigest_Test is EvidenceRegistryBaseTest, EvidenceVectors {
    bytes32 internal constant ENTRY_TYPEHASH = keccak256(
        "EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
    );
    bytes32 internal constant BATCH_TYPEHASH = keccak256(
        "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
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
            entries[i].declaration = bytes32(r >> 3);
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
                e.declaration,
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
        bytes32 full = _link(_firstLink(e), 1, e, SIDE_PARTY, CN, cnTrader, _now());
        (, bytes32 link) = registry.head(UCR_A);
        assertEq(link, bytes32(uint256(full) & type(uint192).max), "low bits");
        assertEq(uint256(link) >> 192, 0, "zero-extended");
    }
}

contract EvidenceRegistry_headSlot_Test is EvidenceRegistryBaseTest {
    function test_StorageWordAtTheLayoutSlot() public {
        _append(cnTrader, _run(UCR_A, 1, 3));
        (uint64 seq, bytes32 link) = registry.head(UCR_A);
        bytes32 word = vm.load(address(registry), _headSlot(UCR_A));
        assertEq(uint256(word), (uint256(seq) << 192) | uint256(link), "one word: seq, link");
        assertEq(seq, 3, "seq");
    }

    function test_NoEntryIsAZeroWord() public view {
        assertEq(vm.load(address(registry), _headSlot(UCR_B)), bytes32(0), "zero");
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
