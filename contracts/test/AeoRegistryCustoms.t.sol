// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AeoBaseTest} from "./AeoBaseTest.sol";
import {IAeoRegistry} from "../src/interfaces/IAeoRegistry.sol";

/// @notice Who may send operational transactions, across all eleven of them: only an account
/// accredited CUSTOMS_ROLE (scope zero) by an active member, never a member's admin account.
contract AeoRegistry_customsKeys_Test is AeoBaseTest {
    uint256 internal constant OPERATIONS = 11;
    bytes32 internal constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");

    function setUp() public override {
        super.setUp();
        // State in which every operation would succeed for the right key.
        _certify(cnOps, OP_A, 1);
        _certify(sgOps, OP_A, 1);
        vm.prank(sgOps);
        registry.proposeMra(CN, TIER1, TIER1, 0);
    }

    function test_RevertWhen_MemberAdmin_EveryOperation() public {
        for (uint256 fn = 0; fn < OPERATIONS; ++fn) {
            _expectAdminNotCustoms(cnCustoms, CN);
            vm.prank(cnCustoms);
            _operate(fn, SG);
            _expectAdminNotCustoms(sgCustoms, SG);
            vm.prank(sgCustoms);
            _operate(fn, CN);
        }
    }

    function test_RevertWhen_OtherRoles_EveryOperation() public {
        address[4] memory callers = [cnOracle, sgOracle, cnIssuer, stranger];
        for (uint256 fn = 0; fn < OPERATIONS; ++fn) {
            for (uint256 i = 0; i < callers.length; ++i) {
                _expectNotCustoms(callers[i]);
                vm.prank(callers[i]);
                _operate(fn, SG);
            }
        }
    }

    function test_CustomsKey_EveryOperation() public {
        vm.startPrank(cnOps);
        registry.acceptMra(SG, TIER1, TIER1, 0);
        registry.suspendMra(SG);
        registry.resumeMra(SG);
        registry.terminateMra(SG);
        registry.proposeMra(SG, TIER1, TIER1, 0);
        registry.cancelMraProposal(SG);
        registry.suspend(OP_A, 1, 0);
        registry.reinstate(OP_A, 1, 0);
        registry.applyChanges(_one(_certifyChange(OP_B, 1)));
        registry.revoke(OP_A, 1, 0);
        vm.stopPrank();
        assertEq(registry.certificationHistoryLength(OP_A, CN), 4, "CN's record");
        assertEq(registry.mraHistoryLength(CN, SG), 4, "CN-SG MRA");
    }

    /// @dev A random caller never gets through, whatever the operation.
    function testFuzz_RevertWhen_RandomCaller(address caller, uint256 fn) public {
        vm.assume(caller != cnOps && caller != sgOps);
        bytes32 governed = consortium.memberOf(caller);
        if (governed != bytes32(0)) _expectAdminNotCustoms(caller, governed);
        else _expectNotCustoms(caller);
        vm.prank(caller);
        _operate(fn % OPERATIONS, SG);
    }

    /// @dev An account accredited by TH gets through exactly when the accreditation is
    /// CUSTOMS_ROLE, still stands and TH is still a member.
    function testFuzz_OnlyCustomsRoleOfActiveMember(
        address account,
        uint256 roleSeed,
        bool withdrawn,
        bool removed
    ) public {
        vm.assume(account != address(0) && consortium.accreditingMember(account) == bytes32(0));
        vm.assume(consortium.memberOf(account) == bytes32(0) && account != thCustoms);
        bytes32[3] memory roles = [CUSTOMS_ROLE, ORACLE_ROLE, AUDITOR_ROLE];
        bytes32 role = roles[roleSeed % 3];
        _addTh();
        _accredit(thCustoms, account, role, bytes32(0));
        if (withdrawn) {
            vm.prank(thCustoms);
            consortium.withdraw(account, role, bytes32(0));
        }
        if (removed) _removeTh();
        bool allowed = role == CUSTOMS_ROLE && !withdrawn && !removed;
        if (!allowed) _expectNotCustoms(account);
        vm.prank(account);
        registry.certify(OP_B, 1, 0, 0, EVIDENCE, 0);
        assertEq(uint256(_status(OP_B, TH)) == 1, allowed, "certified iff allowed");
    }

    /// @dev Operation `fn` as the pranked caller, towards `partner` for MRA operations.
    function _operate(uint256 fn, bytes32 partner) internal {
        if (fn == 0) registry.certify(OP_A, 1, 0, 0, EVIDENCE, 0);
        else if (fn == 1) registry.suspend(OP_A, 1, 0);
        else if (fn == 2) registry.reinstate(OP_A, 1, 0);
        else if (fn == 3) registry.revoke(OP_A, 1, 0);
        else if (fn == 4) registry.applyChanges(_one(_certifyChange(OP_B, 1)));
        else if (fn == 5) registry.proposeMra(partner, TIER1, TIER1, 0);
        else if (fn == 6) registry.cancelMraProposal(partner);
        else if (fn == 7) registry.acceptMra(partner, TIER1, TIER1, 0);
        else if (fn == 8) registry.suspendMra(partner);
        else if (fn == 9) registry.resumeMra(partner);
        else registry.terminateMra(partner);
    }

    function _addTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function _removeTh() internal {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeRemoveMember(TH);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }
}
