// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EvidenceRegistryBaseTest} from "./EvidenceRegistryBaseTest.sol";
import {IEvidenceRegistry} from "../src/interfaces/IEvidenceRegistry.sol";
import {IOracleQuorum} from "../src/interfaces/IOracleQuorum.sol";

/// @notice Who may call what: every role against appendEvents and submitDecisions.
contract EvidenceRegistry_roles_Test is EvidenceRegistryBaseTest {
    address internal thTrader = _actor("th-trader");
    address internal thOracle = _actor("th-oracle");
    uint256 internal constant NONCE = 7;

    function setUp() public override {
        super.setUp();
        _addTh();
        _accredit(thCustoms, thTrader, TRADE_ROLE, bytes32(0));
        _accredit(thCustoms, thOracle, ORACLE_ROLE, bytes32(0));
        _removeTh();
    }

    function test_TradeAndCustomsKeys_MayAppend() public {
        _append(cnTrader, _one(_entry(UCR_A, _event(1), LOADED)));
        _append(cnOps, _one(_entry(UCR_A, _event(2), LOADED)));
        _append(sgTrader, _one(_entry(UCR_A, _event(3), LOADED)));
        _append(sgOps, _one(_entry(UCR_A, _event(4), LOADED)));
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 4, "four keys appended");
    }

    function test_RevertWhen_NotAccredited_Append() public {
        address[5] memory callers = [cnIssuer, cnOracle, cnAuditor, stranger, thTrader];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, callers[i]
                )
            );
            _append(callers[i], _one(_entry(UCR_A, _event(1), LOADED)));
        }
    }

    function test_RevertWhen_MemberAdmin_Append() public {
        // Even with an accreditation of its own: governance keys do not operate.
        _accredit(cnCustoms, cnCustoms, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryAdminNotOperator.selector, cnCustoms, CN
            )
        );
        _append(cnCustoms, _one(_entry(UCR_A, _event(1), LOADED)));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryAdminNotOperator.selector, sgCustoms, SG
            )
        );
        _append(sgCustoms, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    function test_RevertWhen_TradeKeyWithdrawn_Append() public {
        vm.prank(cnCustoms);
        consortium.withdraw(cnTrader, TRADE_ROLE, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IEvidenceRegistry.EvidenceRegistryNotAccredited.selector, cnTrader
            )
        );
        _append(cnTrader, _one(_entry(UCR_A, _event(1), LOADED)));
    }

    /// @dev Only oracles of the member sign decisions; any account may send them (each on its
    /// own declaration: one effective decision per declaration and step).
    function test_QuorumOfOracles_MaySubmit_AnySender() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            _one(_decision(UCR_A, _event(1), RELEASED));
        address[4] memory senders = [stranger, cnTrader, cnCustoms, sgOracle];
        for (uint256 i = 0; i < senders.length; ++i) {
            entries[0].declaration = keccak256(abi.encode("declaration", i));
            vm.prank(senders[i]);
            registry.submitDecisions(CN, entries, NONCE + i, _now(), _resign(entries, i));
        }
        (uint64 seq,) = _head(UCR_A);
        assertEq(seq, 4, "every sender");
    }

    function test_RevertWhen_SignerNotOracle_Submit() public {
        string[7] memory names = [
            "cn-issuer", "cn-auditor", "cn-customs", "stranger", "cn-trader", "cn-ops", "th-oracle"
        ];
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            _one(_decision(UCR_A, _event(1), RELEASED));
        for (uint256 i = 0; i < names.length; ++i) {
            bytes[] memory sigs = _signAll(_names(names[i]), CN, entries, NONCE, _now());
            vm.expectRevert(
                abi.encodeWithSelector(
                    IOracleQuorum.OracleQuorumNotOracle.selector, _actor(names[i]), CN
                )
            );
            registry.submitDecisions(CN, entries, NONCE, _now(), sigs);
        }
    }

    function test_RevertWhen_OracleOfRemovedMember_Submit() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            _one(_decision(UCR_A, _event(1), RELEASED));
        bytes[] memory sigs = _signAll(_names("th-oracle"), TH, entries, NONCE, _now());
        vm.expectRevert(
            abi.encodeWithSelector(IOracleQuorum.OracleQuorumNotOracle.selector, thOracle, TH)
        );
        registry.submitDecisions(TH, entries, NONCE, _now(), sigs);
    }

    function test_RevertWhen_OracleOfOtherMember_Submit() public {
        IEvidenceRegistry.EvidenceEntry[] memory entries =
            _one(_decision(UCR_A, _event(1), RELEASED));
        bytes[] memory sigs = _signAll(_names("sg-oracle"), CN, entries, NONCE, _now());
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleQuorum.OracleQuorumOracleOfOtherMember.selector, sgOracle, SG, CN
            )
        );
        registry.submitDecisions(CN, entries, NONCE, _now(), sigs);
    }

    function test_SetOracleQuorum_OnlyMemberAdmin() public {
        address[7] memory callers =
            [cnIssuer, cnOracle, cnAuditor, stranger, thTrader, cnTrader, cnOps];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IOracleQuorum.OracleQuorumNotMemberAdmin.selector, callers[i]
                )
            );
            _quorum(callers[i], 2);
        }
        _quorum(cnCustoms, 2);
        assertEq(registry.oracleQuorum(CN), 2, "admin sets");
    }

    function _resign(IEvidenceRegistry.EvidenceEntry[] memory entries, uint256 i)
        internal
        view
        returns (bytes[] memory)
    {
        return _signAll(_names("cn-oracle"), CN, entries, NONCE + i, _now());
    }
}
