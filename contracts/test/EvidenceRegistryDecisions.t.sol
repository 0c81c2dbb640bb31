// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";
import {IOracleQuorum} from "../src/interfaces/IOracleQuorum.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

contract EvidenceRegistry_submitDecisions_Test is EvidenceRegistryBaseTest {
    uint256 internal constant NONCE = uint256(keccak256("decisions-1"));
    uint64 internal deadline;
    IEvidenceRegistry.EvidenceEntry[] internal entries;

    function setUp() public override {
        super.setUp();
        deadline = _now() + 1 hours;
        entries.push(_decision(UCR_A, _event(1), RELEASED));
        entries.push(_decision(UCR_A, _event(2), 301));
        entries.push(_decision(UCR_B, _event(3), RELEASED));
    }

    function _submit(bytes[] memory sigs) internal {
        registry.submitDecisions(CN, entries, NONCE, deadline, sigs);
    }

    function _sigs(string[] memory names) internal view returns (bytes[] memory) {
        return _signAll(names, CN, entries, NONCE, deadline);
    }

    function test_OneOracle_DefaultQuorum_SenderIsSubmitter() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        bytes32 digest = registry.decisionsDigest(CN, entries, NONCE, deadline);
        bytes32 a1 = _link(_firstLink(entries[0]), 1, entries[0], SIDE_EXPORT, CN, stranger, _now());
        bytes32 a2 = _link(uint192(uint256(a1)), 2, entries[1], SIDE_EXPORT, CN, stranger, _now());
        bytes32 b1 = _link(_firstLink(entries[2]), 1, entries[2], SIDE_EXPORT, CN, stranger, _now());
        vm.expectEmit(address(registry));
        emit IOracleQuorum.OracleNonceUsed(CN, NONCE, digest, stranger);
        _expectAppended(entries[0], CN, SIDE_EXPORT, 1, a1);
        _expectAppended(entries[1], CN, SIDE_EXPORT, 2, a2);
        _expectAppended(entries[2], CN, SIDE_EXPORT, 1, b1);
        vm.prank(stranger); // anyone may submit
        _submit(sigs);
        (uint64 seq, bytes32 link) = _head(UCR_A);
        assertEq(seq, 2, "A seq");
        assertEq(link, _low(a2), "A head");
        (seq, link) = _head(UCR_B);
        assertEq(seq, 1, "B seq");
        assertEq(link, _low(b1), "B head");
        assertTrue(registry.isOracleNonceUsed(CN, NONCE), "nonce used");
    }

    /// @dev Trade events and decisions share one chain per consignment.
    function test_DecisionChainsOnTradeEvents() public {
        IEvidenceRegistry.EvidenceEntry memory t = _entry(UCR_A, _event(9), LOADED);
        _append(sgTrader, _one(t));
        bytes32 t1 = _link(_firstLink(t), 1, t, SIDE_PARTY, SG, sgTrader, _now());
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        _expectAppended(
            entries[0],
            CN,
            SIDE_EXPORT,
            2,
            _link(uint192(uint256(t1)), 2, entries[0], SIDE_EXPORT, CN, cnOracle, _now())
        );
        vm.prank(cnOracle);
        _submit(sigs);
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 3, "seq");
    }

    function test_QuorumOfTwo_AnyOrder() public {
        _quorum(cnCustoms, 2);
        _submit(_sigs(_names("cn-oracle-3", "cn-oracle")));
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 2, "appended");
    }

    function test_RevertWhen_TooFewSignatures() public {
        _quorum(cnCustoms, 2);
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumTooFewSignatures.selector, 1, 2)
        );
        _submit(sigs);
    }

    function test_RevertWhen_DuplicateSigner() public {
        _quorum(cnCustoms, 2);
        bytes[] memory sigs = _sigs(_names("cn-oracle", "cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumDuplicateSigner.selector, cnOracle)
        );
        _submit(sigs);
    }

    /// @dev CN's oracles' signatures presented as SG's batch recover to some other address.
    function test_RevertWhen_WrongMember() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        address recovered =
            ECDSA.recover(registry.decisionsDigest(SG, entries, NONCE, deadline), sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, recovered, SG)
        );
        registry.submitDecisions(SG, entries, NONCE, deadline, sigs);
    }

    function test_RevertWhen_EntriesAltered() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        entries[1].step = 302;
        address recovered =
            ECDSA.recover(registry.decisionsDigest(CN, entries, NONCE, deadline), sigs[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, recovered, CN)
        );
        _submit(sigs);
    }

    function test_RevertWhen_Replayed() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        _submit(sigs);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNonceUsed.selector, CN, NONCE)
        );
        _submit(sigs);
    }

    function test_RevertWhen_Expired() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleQuorum.OracleQuorumExpired.selector, deadline, deadline + 1
            )
        );
        _submit(sigs);
    }

    function test_AtDeadline() public {
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.warp(deadline);
        _submit(sigs);
        (uint64 seq,) = _head(UCR_B);
        assertEq(seq, 1, "accepted at the deadline");
    }

    function test_RevertWhen_TradeStep_NonceUnused() public {
        entries[1].step = 255;
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryNotADecision.selector, 255)
        );
        _submit(sigs);
        assertFalse(registry.isOracleNonceUsed(CN, NONCE), "nonce still free");
    }

    function test_RevertWhen_StepZero() public {
        entries[2].step = 0;
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(IEvidenceRegistry.EvidenceRegistryInvalidStep.selector, 2, 0)
        );
        _submit(sigs);
    }

    function test_RevertWhen_InvalidEntry() public {
        entries[1].parents = new bytes32[](MAX_PARENTS + 1);
        bytes[] memory sigs = _sigs(_names("cn-oracle"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryTooManyParents.selector,
                1,
                MAX_PARENTS + 1,
                MAX_PARENTS
            )
        );
        _submit(sigs);
    }

    function test_RevertWhen_EmptyBatch() public {
        IEvidenceRegistry.EvidenceEntry[] memory none = new IEvidenceRegistry.EvidenceEntry[](0);
        bytes[] memory sigs = _signAll(_names("cn-oracle"), CN, none, NONCE, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidBatchSize.selector, 0, MAX_BATCH
            )
        );
        registry.submitDecisions(CN, none, NONCE, deadline, sigs);
    }

    function test_RevertWhen_BatchTooLarge() public {
        IEvidenceRegistry.EvidenceEntry[] memory many = _run(UCR_A, 1, MAX_BATCH + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryInvalidBatchSize.selector,
                MAX_BATCH + 1,
                MAX_BATCH
            )
        );
        registry.submitDecisions(CN, many, NONCE, deadline, new bytes[](1));
    }
}
