// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";

contract EvidenceRegistry_constructor_Test is EvidenceRegistryBaseTest {
    function test_Constants() public view {
        assertEq(registry.MAX_BATCH(), MAX_BATCH, "max batch");
        assertEq(registry.MAX_CID_LENGTH(), MAX_CID, "max cid");
        assertEq(registry.MAX_PARENTS(), MAX_PARENTS, "max parents");
        assertEq(registry.MAX_QUERIES(), MAX_QUERIES, "max queries");
        assertEq(registry.FIRST_DECISION_STEP(), 256, "first decision step");
        assertEq(registry.MAX_EVENT_TYPE(), 3, "max event type");
        assertEq(registry.MAX_SIGNATURES(), 16, "max signatures");
        assertEq(registry.MAX_PARTIES(), 32, "max parties");
        assertEq(registry.SIDE_PARTY(), SIDE_PARTY, "side party");
        assertEq(registry.SIDE_EXPORT(), SIDE_EXPORT, "side export");
        assertEq(registry.SIDE_IMPORT(), SIDE_IMPORT, "side import");
        assertEq(registry.OPENER_ROLE_NAME(), OPENER, "opener role");
    }

    function test_TypeHashes() public view {
        assertEq(
            registry.EVIDENCE_ENTRY_TYPEHASH(),
            keccak256(
                "EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
            ),
            "entry"
        );
        assertEq(
            registry.EVIDENCE_BATCH_TYPEHASH(),
            keccak256(
                "EvidenceBatch(bytes32 member,EvidenceEntry[] entries,uint256 nonce,uint64 deadline)EvidenceEntry(bytes32 consignment,bytes32 eventHash,uint16 step,uint8 eventType,bool correction,bytes32 declaration,bytes32 documentHash,bytes cid,bytes32[] parents)"
            ),
            "batch"
        );
    }

    function test_DomainSeparator() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("sanzhi EvidenceRegistry"),
                keccak256("2"),
                block.chainid,
                address(registry)
            )
        );
        assertEq(registry.domainSeparator(), expected, "domain");
    }

    function test_StartsEmpty() public view {
        bytes32 never = keccak256("6CN123456789-SG-9999");
        (uint64 seq, bytes32 link) = _head(never);
        assertEq(seq, 0, "seq");
        assertEq(link, bytes32(0), "link");
        assertEq(registry.consignmentOf(never).opening, 0, "never opened");
        assertFalse(registry.consignmentOf(never).open, "not open");
        // opened in setUp, nothing appended yet
        (seq, link) = _head(UCR_A);
        assertEq(seq, 0, "seq");
        assertEq(link, bytes32(0), "link");
        assertEq(registry.oracleQuorum(CN), 1, "default quorum");
    }
}

contract EvidenceRegistry_appendEvents_Test is EvidenceRegistryBaseTest {
    function test_AppendsFirstEntry() public {
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(1), LOADED);
        bytes32 link = _link(_firstLink(e), 1, e, SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(e, CN, SIDE_PARTY, 1, link);
        _append(cnTrader, _one(e));
        (uint64 seq, bytes32 stored) = _head(UCR_A);
        assertEq(seq, 1, "seq");
        assertEq(stored, _low(link), "head link is the low 192 bits");
        (seq,) = _head(UCR_B);
        assertEq(seq, 0, "other consignment untouched");
    }

    function test_ChainsEntriesOfOneBatchInOrder() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 3);
        bytes32 l1 = _link(_firstLink(entries[0]), 1, entries[0], SIDE_PARTY, CN, cnTrader, _now());
        bytes32 l2 = _link(uint192(uint256(l1)), 2, entries[1], SIDE_PARTY, CN, cnTrader, _now());
        bytes32 l3 = _link(uint192(uint256(l2)), 3, entries[2], SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(entries[0], CN, SIDE_PARTY, 1, l1);
        _expectAppended(entries[1], CN, SIDE_PARTY, 2, l2);
        _expectAppended(entries[2], CN, SIDE_PARTY, 3, l3);
        _append(cnTrader, entries);
        (uint64 seq, bytes32 link) = _head(UCR_A);
        assertEq(seq, 3, "seq");
        assertEq(link, _low(l3), "head");
    }

    function test_ChainsAcrossBatchesSubmittersAndTime() public {
        IEvidenceRegistry.EvidenceEntry memory a = _entry(UCR_A, _event(1), LOADED);
        IEvidenceRegistry.EvidenceEntry memory b = _entry(UCR_A, _event(2), 20);
        _append(cnTrader, _one(a));
        bytes32 l1 = _link(_firstLink(a), 1, a, SIDE_PARTY, CN, cnTrader, _now());
        vm.warp(block.timestamp + 3 days);
        bytes32 l2 = _link(uint192(uint256(l1)), 2, b, SIDE_IMPORT, SG, sgOps, _now());
        _expectAppended(b, SG, SIDE_IMPORT, 2, l2);
        _append(sgOps, _one(b));
        (uint64 seq, bytes32 link) = _head(UCR_A);
        assertEq(seq, 2, "seq");
        assertEq(link, _low(l2), "head");
    }

    /// @dev A, B, A: the cached head of A is written when B starts and read back after.
    function test_InterleavedConsignments() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](4);
        entries[0] = _entry(UCR_A, _event(1), LOADED);
        entries[1] = _entry(UCR_B, _event(2), LOADED);
        entries[2] = _entry(UCR_B, _event(3), LOADED);
        entries[3] = _entry(UCR_A, _event(4), LOADED);
        bytes32 a1 = _link(_firstLink(entries[0]), 1, entries[0], SIDE_PARTY, CN, cnTrader, _now());
        bytes32 b1 = _link(_firstLink(entries[1]), 1, entries[1], SIDE_PARTY, CN, cnTrader, _now());
        bytes32 b2 = _link(uint192(uint256(b1)), 2, entries[2], SIDE_PARTY, CN, cnTrader, _now());
        bytes32 a2 = _link(uint192(uint256(a1)), 2, entries[3], SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(entries[0], CN, SIDE_PARTY, 1, a1);
        _expectAppended(entries[1], CN, SIDE_PARTY, 1, b1);
        _expectAppended(entries[2], CN, SIDE_PARTY, 2, b2);
        _expectAppended(entries[3], CN, SIDE_PARTY, 2, a2);
        _append(cnTrader, entries);
        (uint64 seq, bytes32 link) = _head(UCR_A);
        assertEq(seq, 2, "A seq");
        assertEq(link, _low(a2), "A head");
        (seq, link) = _head(UCR_B);
        assertEq(seq, 2, "B seq");
        assertEq(link, _low(b2), "B head");
    }

    function test_CustomsKeyRecordsObservation() public {
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(1), 200);
        _expectAppended(
            e, SG, SIDE_IMPORT, 1, _link(_firstLink(e), 1, e, SIDE_IMPORT, SG, sgOps, _now())
        );
        _append(sgOps, _one(e));
    }

    function test_CorrectionOfAParent() public {
        IEvidenceRegistry.EvidenceEntry memory first = _entry(UCR_A, _event(1), LOADED);
        _append(cnTrader, _one(first));
        bytes32 l1 = _link(_firstLink(first), 1, first, SIDE_PARTY, CN, cnTrader, _now());
        IEvidenceRegistry.EvidenceEntry memory fix = _entry(UCR_A, _event(2), LOADED);
        fix.correction = true;
        fix.parents = _parents(l1);
        bytes32 l2 = _link(uint192(uint256(l1)), 2, fix, SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(fix, CN, SIDE_PARTY, 2, l2);
        _append(cnTrader, _one(fix));
        (, bytes32 link) = _head(UCR_A);
        assertEq(link, _low(l2), "head");
    }

    function test_OptionalFieldsEmpty() public {
        IEvidenceRegistry.EvidenceEntry memory e = _entry(UCR_A, _event(1), 1);
        e.documentHash = bytes32(0);
        e.cid = "";
        e.eventType = TRANSFORMATION;
        _expectAppended(
            e, CN, SIDE_PARTY, 1, _link(_firstLink(e), 1, e, SIDE_PARTY, CN, cnTrader, _now())
        );
        _append(cnTrader, _one(e));
    }

    /// @dev Every limit at once: MAX_BATCH entries, a 128-byte cid, 16 parents, step 255.
    function test_Limits() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, MAX_BATCH);
        IEvidenceRegistry.EvidenceEntry memory last = entries[MAX_BATCH - 1];
        last.cid = new bytes(MAX_CID);
        last.cid[127] = 0x7f;
        last.parents = new bytes32[](MAX_PARENTS);
        for (uint256 i = 0; i < MAX_PARENTS; ++i) {
            last.parents[i] = keccak256(abi.encode(i));
        }
        last.step = 255;
        uint192 prev = uint192(uint256(UCR_A));
        for (uint256 i = 0; i < MAX_BATCH; ++i) {
            prev = uint192(
                uint256(_link(prev, uint64(i + 1), entries[i], SIDE_PARTY, CN, cnTrader, _now()))
            );
        }
        _append(cnTrader, entries);
        (uint64 seq, bytes32 link) = _head(UCR_A);
        assertEq(seq, MAX_BATCH, "seq");
        assertEq(link, bytes32(uint256(prev)), "head");
    }

    /// @dev Scratch memory reused from one entry to the next must not leak into the events:
    /// a long cid followed by a short one.
    function test_ShortCidAfterLongCid() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[0].cid = new bytes(MAX_CID);
        for (uint256 i = 0; i < MAX_CID; ++i) {
            entries[0].cid[i] = 0xff;
        }
        entries[0].parents = _parents(keccak256("p"));
        entries[1].cid = hex"aa";
        bytes32 l1 = _link(_firstLink(entries[0]), 1, entries[0], SIDE_PARTY, CN, cnTrader, _now());
        _expectAppended(entries[0], CN, SIDE_PARTY, 1, l1);
        _expectAppended(
            entries[1],
            CN,
            SIDE_PARTY,
            2,
            _link(uint192(uint256(l1)), 2, entries[1], SIDE_PARTY, CN, cnTrader, _now())
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_EmptyBatch() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidBatchSize.selector, 0, MAX_BATCH
            )
        );
        _append(cnTrader, new IEvidenceRegistry.EvidenceEntry[](0));
    }

    function test_RevertWhen_BatchTooLarge() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidBatchSize.selector,
                MAX_BATCH + 1,
                MAX_BATCH
            )
        );
        _append(cnTrader, _run(UCR_A, 1, MAX_BATCH + 1));
    }

    function test_RevertWhen_Decision() public {
        uint16[3] memory steps = [uint16(256), RELEASED, type(uint16).max];
        for (uint256 i = 0; i < steps.length; ++i) {
            IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
            entries[1].step = steps[i];
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryDecisionNeedsQuorum.selector, steps[i]
                )
            );
            _append(cnOps, entries);
        }
    }

    function test_RevertWhen_ZeroConsignment() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].consignment = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryZeroConsignment.selector, 1)
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_ZeroEventHash() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].eventHash = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryZeroEventHash.selector, 1)
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_StepZero() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].step = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryInvalidStep.selector, 1, 0)
        );
        _append(cnTrader, entries);
    }

    function testFuzz_RevertWhen_EventTypeAboveThree(uint8 eventType) public {
        eventType = uint8(bound(eventType, 4, type(uint8).max));
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].eventType = eventType;
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidEventType.selector, 1, eventType
            )
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_CidTooLong() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].cid = new bytes(MAX_CID + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryCidTooLong.selector, 1, MAX_CID + 1, MAX_CID
            )
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_TooManyParents() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].parents = new bytes32[](MAX_PARENTS + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryTooManyParents.selector,
                1,
                MAX_PARENTS + 1,
                MAX_PARENTS
            )
        );
        _append(cnTrader, entries);
    }

    function test_RevertWhen_CorrectionWithoutParent() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 2);
        entries[1].correction = true;
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryCorrectionWithoutParent.selector, 1
            )
        );
        _append(cnTrader, entries);
    }

    /// @dev The checks run in the documented order: the first failing one is reported.
    function test_RevertWhen_SeveralFaults_FirstCheckWins() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 1);
        entries[0].eventHash = bytes32(0);
        entries[0].step = 0;
        entries[0].eventType = 9;
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryZeroEventHash.selector, 0)
        );
        _append(cnTrader, entries);
        entries[0].eventHash = _event(1);
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryInvalidStep.selector, 0, 0)
        );
        _append(cnTrader, entries);
    }

    /// @dev A batch with one bad entry appends nothing.
    function test_RevertWhen_LastEntryInvalid_NothingAppended() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries = _run(UCR_A, 1, 3);
        entries[2].step = 0;
        vm.prank(cnTrader);
        try registry.appendEvents(entries) {
            fail("accepted");
        } catch {}
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 0, "nothing appended");
    }

    /// @dev Random runs over three consignments in one or two batches: every event and head
    /// follows a chain kept here.
    function testFuzz_Chaining(uint256 seed, uint8 count, uint8 split) public {
        uint256 n = bound(count, 1, 40);
        uint256 cut = bound(split, 0, n);
        bytes32[3] memory ucrs = [UCR_A, UCR_B, keccak256("6CN123456789-SG-0003")];
        _open(ucrs[2]);
        // each consignment's first entry links to the consignment id's 192 low bits
        uint192[3] memory prev =
            [uint192(uint256(ucrs[0])), uint192(uint256(ucrs[1])), uint192(uint256(ucrs[2]))];
        uint64[3] memory seqs;
        IEvidenceRegistry.EvidenceEntry[] memory entries = new IEvidenceRegistry.EvidenceEntry[](n);
        uint256[] memory which = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            which[i] = r % 3;
            entries[i] = _entry(ucrs[which[i]], bytes32(r | 1), uint16(1 + (r >> 8) % 255));
            entries[i].eventType = uint8((r >> 24) % 4);
            entries[i].cid = abi.encodePacked(r >> 32);
            if ((r >> 40) % 4 == 0) {
                entries[i].parents = _parents(bytes32(r));
                entries[i].correction = (r >> 48) % 2 == 0;
            }
        }
        _appendChecked(entries, 0, cut, which, prev, seqs);
        vm.warp(block.timestamp + 1);
        _appendChecked(entries, cut, n, which, prev, seqs);
        for (uint256 c = 0; c < 3; ++c) {
            (uint64 seq, bytes32 link) = _head(ucrs[c]);
            assertEq(seq, seqs[c], "seq");
            assertEq(link, seqs[c] == 0 ? bytes32(0) : bytes32(uint256(prev[c])), "head");
        }
    }

    /// @dev Append entries[from:to] as one batch (if any), expecting each event.
    function _appendChecked(
        IEvidenceRegistry.EvidenceEntry[] memory entries,
        uint256 from,
        uint256 to,
        uint256[] memory which,
        uint192[3] memory prev,
        uint64[3] memory seqs
    ) internal {
        if (from == to) return;
        IEvidenceRegistry.EvidenceEntry[] memory batch =
            new IEvidenceRegistry.EvidenceEntry[](to - from);
        for (uint256 i = from; i < to; ++i) {
            batch[i - from] = entries[i];
            uint256 c = which[i];
            ++seqs[c];
            bytes32 link = _link(prev[c], seqs[c], entries[i], SIDE_PARTY, CN, cnTrader, _now());
            prev[c] = uint192(uint256(link));
            _expectAppended(entries[i], CN, SIDE_PARTY, seqs[c], link);
        }
        _append(cnTrader, batch);
    }
}
