// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";
import {Consortium} from "../src/Consortium.sol";
import {IConsortium} from "../src/interfaces/IConsortium.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice Constants and governance helpers shared by the Consortium tests.
/// @dev Role ids and limits are repeated here as constants on purpose: reading them from the
/// contract between `vm.expectRevert` and the call under test would consume the expectation.
abstract contract ConsortiumTest is BaseTest {
    bytes32 internal constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    bytes32 internal constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    bytes32 internal constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    bytes32 internal constant TRADE_ROLE = keccak256("TRADE_ROLE");
    uint64 internal constant LIFETIME = 30 days;
    uint256 internal constant MAX = 64;
    bytes32 internal constant MY = bytes32("MY");
    uint64 internal constant T0 = 1_767_225_600;

    address internal cnCustoms2 = _actor("cn-customs-2");
    address internal myCustoms = _actor("my-customs");

    /// @dev `proposer` proposes adding `id`; `approver` (if set) approves it.
    function _addMember(address proposer, address approver, bytes32 id, address admin)
        internal
        returns (uint256 proposalId)
    {
        vm.prank(proposer);
        proposalId = consortium.proposeAddMember(id, "Customs", admin);
        if (approver != address(0)) _approve(approver, proposalId);
    }

    function _removeMember(address proposer, address approver, bytes32 id)
        internal
        returns (uint256 proposalId)
    {
        vm.prank(proposer);
        proposalId = consortium.proposeRemoveMember(id);
        if (approver != address(0)) _approve(approver, proposalId);
    }

    function _rotateAdmin(address proposer, address approver, bytes32 id, address newAdmin)
        internal
        returns (uint256 proposalId)
    {
        vm.prank(proposer);
        proposalId = consortium.proposeRotateAdmin(id, newAdmin);
        if (approver != address(0)) _approve(approver, proposalId);
    }

    function _setThreshold(address proposer, address approver, uint256 t)
        internal
        returns (uint256 proposalId)
    {
        vm.prank(proposer);
        proposalId = consortium.proposeThreshold(t);
        if (approver != address(0)) _approve(approver, proposalId);
    }

    function _approve(address approver, uint256 proposalId) internal {
        vm.prank(approver);
        consortium.approve(proposalId);
    }

    /// @dev CN, SG, TH with threshold 2.
    function _addTH() internal {
        _addMember(cnCustoms, sgCustoms, TH, thCustoms);
    }

    /// @dev TH joins at T0 and accredits `exporter` as issuer of certificates of origin, leaves
    /// at T0 + 100 and is added again at T0 + 200.
    function _thGrantThenLeaveAndReturn() internal {
        _addTH();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(T0 + 100);
        _removeMember(cnCustoms, sgCustoms, TH);
        vm.warp(T0 + 200);
        _addMember(cnCustoms, sgCustoms, TH, thCustoms);
    }

    /// @dev A fresh consortium of `n` members (ids 1..n, admins 0x1000+i) and threshold `t`.
    function _deploy(uint256 n, uint256 t) internal returns (Consortium) {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(n);
        return new Consortium(ids, names, admins, t);
    }

    function _founders(uint256 n)
        internal
        pure
        returns (bytes32[] memory ids, string[] memory names, address[] memory admins)
    {
        ids = new bytes32[](n);
        names = new string[](n);
        admins = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = bytes32(i + 1);
            names[i] = "Customs";
            admins[i] = address(uint160(0x1000 + i));
        }
    }

    function _expectRevert(bytes4 selector, address a) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, a));
    }

    function _expectRevert(bytes4 selector, bytes32 a) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, a));
    }

    function _expectRevert(bytes4 selector, uint256 a) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, a));
    }

    function _expectRevert(bytes4 selector, uint256 a, uint256 b) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, a, b));
    }
}

/// @notice Every role that is not an active member's admin fails on a state-changing function
/// with ConsortiumNotMemberAdmin. Each function's test contract supplies `_act` with arguments
/// that a member admin may use (proven by test_MemberAdminMayCall).
abstract contract ConsortiumAuthTest is ConsortiumTest {
    uint256 internal pendingId;

    /// @dev CN (admin rotated from cnCustoms to cnCustoms2), SG and MY, threshold 2; TH joined
    /// and left; CN accredited an issuer, an oracle and an auditor; SG proposed threshold 1.
    function _authFixture() internal {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        _accredit(cnCustoms, cnAuditor, AUDITOR_ROLE, 0);
        _addMember(cnCustoms, sgCustoms, TH, thCustoms);
        _addMember(cnCustoms, sgCustoms, MY, myCustoms);
        _removeMember(cnCustoms, sgCustoms, TH);
        _rotateAdmin(sgCustoms, cnCustoms, CN, cnCustoms2);
        vm.prank(sgCustoms);
        pendingId = consortium.proposeThreshold(1);
    }

    function _act(address caller) internal virtual;

    function _expectNotMemberAdmin(address caller) internal {
        _authFixture();
        _expectRevert(IConsortium.ConsortiumNotMemberAdmin.selector, caller);
        _act(caller);
    }

    function test_MemberAdminMayCall() public {
        _authFixture();
        _act(cnCustoms2);
    }

    function test_RevertWhen_CallerIsStranger() public {
        _expectNotMemberAdmin(stranger);
    }

    function test_RevertWhen_CallerIsIssuer() public {
        _expectNotMemberAdmin(cnIssuer);
    }

    function test_RevertWhen_CallerIsOracle() public {
        _expectNotMemberAdmin(cnOracle);
    }

    function test_RevertWhen_CallerIsAuditor() public {
        _expectNotMemberAdmin(cnAuditor);
    }

    function test_RevertWhen_CallerIsFormerMemberAdmin() public {
        _expectNotMemberAdmin(thCustoms);
    }

    function test_RevertWhen_CallerIsRotatedOutAdmin() public {
        _expectNotMemberAdmin(cnCustoms);
    }

    function testFuzz_RevertWhen_CallerIsNotMemberAdmin(address caller) public {
        vm.assume(caller != cnCustoms2 && caller != sgCustoms && caller != myCustoms);
        _expectNotMemberAdmin(caller);
    }
}

contract Consortium_constructor_Test is ConsortiumTest {
    function test_Constructor_SetsMembersAndThreshold() public view {
        bytes32[] memory ids = consortium.memberIds();
        assertEq(ids.length, 2, "ids");
        assertEq(ids[0], CN, "first id");
        assertEq(ids[1], SG, "second id");
        assertEq(consortium.memberCount(), 2, "count");
        assertEq(consortium.threshold(), 2, "threshold");
        assertEq(consortium.proposalCount(), 0, "no proposals");
        IConsortium.Member memory m = consortium.member(SG);
        assertEq(m.id, SG, "id");
        assertEq(m.name, "Singapore Customs", "name");
        assertEq(m.admin, sgCustoms, "admin");
        assertTrue(m.active, "active");
        assertEq(m.joinedAt, T0, "joinedAt");
        assertEq(m.leftAt, 0, "leftAt");
        assertEq(consortium.memberOf(cnCustoms), CN, "memberOf");
    }

    function test_Constructor_EmitsMembersThenThreshold() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        vm.expectEmit();
        emit IConsortium.MemberAdded(ids[0], "Customs", admins[0]);
        vm.expectEmit();
        emit IConsortium.MemberAdded(ids[1], "Customs", admins[1]);
        vm.expectEmit();
        emit IConsortium.ThresholdChanged(0, 1);
        new Consortium(ids, names, admins, 1);
    }

    function test_Constructor_AcceptsMaxMembers() public {
        Consortium c = _deploy(MAX, MAX);
        assertEq(c.memberCount(), MAX, "count");
        assertEq(c.threshold(), MAX, "threshold");
    }

    function test_Constants() public view {
        assertEq(consortium.ISSUER_ROLE(), ISSUER_ROLE, "issuer");
        assertEq(consortium.ORACLE_ROLE(), ORACLE_ROLE, "oracle");
        assertEq(consortium.AUDITOR_ROLE(), AUDITOR_ROLE, "auditor");
        assertEq(consortium.TRADE_ROLE(), TRADE_ROLE, "trade");
        assertEq(consortium.MAX_MEMBERS(), MAX, "max");
        assertEq(consortium.PROPOSAL_LIFETIME(), LIFETIME, "lifetime");
    }

    function test_RevertWhen_NoMembers() public {
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 1, 0);
        new Consortium(new bytes32[](0), new string[](0), new address[](0), 1);
    }

    function test_RevertWhen_LengthsDiffer() public {
        (bytes32[] memory ids, string[] memory names,) = _founders(2);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 1, 2);
        new Consortium(ids, names, new address[](1), 1);
    }

    function test_RevertWhen_ThresholdZero() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 0, 2);
        new Consortium(ids, names, admins, 0);
    }

    function testFuzz_RevertWhen_ThresholdAboveMembers(uint256 n, uint256 t) public {
        n = bound(n, 1, 8);
        t = bound(t, n + 1, type(uint256).max);
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(n);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, t, n);
        new Consortium(ids, names, admins, t);
    }

    function testFuzz_Constructor_AcceptsThresholdInRange(uint256 n, uint256 t) public {
        n = bound(n, 1, 8);
        t = bound(t, 1, n);
        Consortium c = _deploy(n, t);
        assertEq(c.threshold(), t, "threshold");
        assertEq(c.memberCount(), n, "count");
    }

    function test_RevertWhen_MemberIdEmpty() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        ids[1] = 0;
        _expectRevert(IConsortium.ConsortiumInvalidMemberId.selector, bytes32(0));
        new Consortium(ids, names, admins, 1);
    }

    function test_RevertWhen_MemberIdRepeated() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        ids[1] = ids[0];
        _expectRevert(IConsortium.ConsortiumMemberExists.selector, ids[0]);
        new Consortium(ids, names, admins, 1);
    }

    function test_RevertWhen_AdminZero() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        admins[1] = address(0);
        _expectRevert(IConsortium.ConsortiumInvalidAccount.selector, address(0));
        new Consortium(ids, names, admins, 1);
    }

    function test_RevertWhen_AdminRepeated() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(2);
        admins[1] = admins[0];
        _expectRevert(IConsortium.ConsortiumAdminInUse.selector, admins[0]);
        new Consortium(ids, names, admins, 1);
    }

    function test_RevertWhen_AboveMaxMembers() public {
        (bytes32[] memory ids, string[] memory names, address[] memory admins) = _founders(MAX + 1);
        vm.expectRevert(abi.encodeWithSelector(IConsortium.ConsortiumTooManyMembers.selector, MAX));
        new Consortium(ids, names, admins, 1);
    }
}

contract Consortium_proposeAddMember_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
    }

    function test_ProposeAddMember_RecordsProposalApprovedByProposer() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        assertEq(id, 0, "first id");
        assertEq(consortium.proposalCount(), 1, "count");
        IConsortium.Proposal memory p = consortium.proposal(id);
        assertTrue(p.kind == IConsortium.ProposalKind.AddMember, "kind");
        assertEq(p.memberId, TH, "memberId");
        assertEq(p.account, thCustoms, "account");
        assertEq(p.name, "Thai Customs", "name");
        assertEq(p.proposer, CN, "proposer");
        assertEq(p.createdAt, T0, "createdAt");
        assertEq(p.approvals, 1, "approvals");
        assertFalse(p.executed, "executed");
        assertTrue(consortium.hasApproved(id, CN), "proposer approved");
        assertFalse(consortium.hasApproved(id, SG), "SG not yet");
        assertFalse(consortium.isMember(TH), "not member yet");
    }

    function test_ProposeAddMember_EmitsCreatedAndApproved() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalCreated(0, IConsortium.ProposalKind.AddMember, TH, CN);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalApproved(0, CN, 1);
        vm.prank(cnCustoms);
        consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
    }

    function test_ProposeAddMember_ExecutesAtThresholdOne() public {
        _setThreshold(cnCustoms, sgCustoms, 1);
        vm.expectEmit(address(consortium));
        emit IConsortium.MemberAdded(TH, "Thai Customs", thCustoms);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalExecuted(1);
        vm.prank(sgCustoms);
        consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        assertTrue(consortium.isMember(TH), "member");
        assertEq(consortium.memberOf(thCustoms), TH, "memberOf");
    }

    function test_ProposeAddMember_ReaddsRemovedMember() public {
        _addTH();
        _removeMember(cnCustoms, sgCustoms, TH);
        vm.warp(T0 + 10 days);
        _addMember(cnCustoms, sgCustoms, TH, stranger);
        IConsortium.Member memory m = consortium.member(TH);
        assertTrue(m.active, "active again");
        assertEq(m.admin, stranger, "new admin");
        assertEq(m.joinedAt, T0 + 10 days, "joinedAt");
        assertEq(m.leftAt, 0, "leftAt cleared");
        assertEq(consortium.memberOf(thCustoms), 0, "old admin stays out");
        assertEq(consortium.memberCount(), 3, "count");
    }

    function test_ProposeAddMember_AcceptsFormerMembersAdmin() public {
        _addTH();
        _removeMember(cnCustoms, sgCustoms, TH);
        _addMember(cnCustoms, sgCustoms, MY, thCustoms);
        assertEq(consortium.memberOf(thCustoms), MY, "admin now of MY");
    }

    function test_RevertWhen_MemberIdEmpty() public {
        _expectRevert(IConsortium.ConsortiumInvalidMemberId.selector, bytes32(0));
        vm.prank(cnCustoms);
        consortium.proposeAddMember(0, "Nobody", thCustoms);
    }

    function test_RevertWhen_MemberExists() public {
        _expectRevert(IConsortium.ConsortiumMemberExists.selector, SG);
        vm.prank(cnCustoms);
        consortium.proposeAddMember(SG, "Singapore again", thCustoms);
    }

    function test_RevertWhen_AdminZero() public {
        _expectRevert(IConsortium.ConsortiumInvalidAccount.selector, address(0));
        vm.prank(cnCustoms);
        consortium.proposeAddMember(TH, "Thai Customs", address(0));
    }

    function test_RevertWhen_AdminIsAnotherMembersAdmin() public {
        _expectRevert(IConsortium.ConsortiumAdminInUse.selector, sgCustoms);
        vm.prank(cnCustoms);
        consortium.proposeAddMember(TH, "Thai Customs", sgCustoms);
    }

    function test_RevertWhen_AtMemberCap() public {
        consortium = _deploy(MAX, 1);
        vm.expectRevert(abi.encodeWithSelector(IConsortium.ConsortiumTooManyMembers.selector, MAX));
        vm.prank(address(0x1000));
        consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
    }

    function test_RevertWhen_AtMemberCapOnExecution() public {
        consortium = _deploy(MAX, 2);
        vm.prank(address(0x1000));
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.expectRevert(abi.encodeWithSelector(IConsortium.ConsortiumTooManyMembers.selector, MAX));
        vm.prank(address(0x1001));
        consortium.approve(id);
    }
}

contract Consortium_proposeRemoveMember_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.proposeRemoveMember(SG);
    }

    function test_ProposeRemoveMember_RecordsProposal() public {
        _addTH();
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalCreated(1, IConsortium.ProposalKind.RemoveMember, TH, SG);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalApproved(1, SG, 1);
        vm.prank(sgCustoms);
        uint256 id = consortium.proposeRemoveMember(TH);
        IConsortium.Proposal memory p = consortium.proposal(id);
        assertTrue(p.kind == IConsortium.ProposalKind.RemoveMember, "kind");
        assertEq(p.memberId, TH, "memberId");
        assertFalse(p.executed, "pending");
        assertTrue(consortium.isMember(TH), "still member");
    }

    function test_ProposeRemoveMember_RemovesAtThreshold() public {
        _addTH();
        vm.prank(sgCustoms);
        uint256 id = consortium.proposeRemoveMember(TH);
        vm.warp(T0 + 1 days);
        vm.expectEmit(address(consortium));
        emit IConsortium.MemberRemoved(TH);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalExecuted(id);
        _approve(cnCustoms, id);
        assertFalse(consortium.isMember(TH), "removed");
        assertFalse(consortium.isMemberAdmin(thCustoms), "admin out");
        assertEq(consortium.memberOf(thCustoms), 0, "memberOf");
        assertEq(consortium.memberCount(), 2, "count");
        bytes32[] memory ids = consortium.memberIds();
        assertTrue(ids[0] != TH && ids[1] != TH, "not listed");
        IConsortium.Member memory m = consortium.member(TH);
        assertFalse(m.active, "inactive");
        assertEq(m.leftAt, T0 + 1 days, "leftAt");
        assertEq(m.admin, thCustoms, "record kept");
    }

    function test_ProposeRemoveMember_MemberMayProposeItsOwnRemoval() public {
        _addTH();
        _removeMember(thCustoms, cnCustoms, TH);
        assertFalse(consortium.isMember(TH), "left");
    }

    function test_RevertWhen_MemberUnknown() public {
        _expectRevert(IConsortium.ConsortiumUnknownMember.selector, TH);
        vm.prank(cnCustoms);
        consortium.proposeRemoveMember(TH);
    }

    function test_RevertWhen_MemberIdEmpty() public {
        _expectRevert(IConsortium.ConsortiumUnknownMember.selector, bytes32(0));
        vm.prank(cnCustoms);
        consortium.proposeRemoveMember(0);
    }

    function test_RevertWhen_MemberAlreadyRemoved() public {
        _addTH();
        _removeMember(cnCustoms, sgCustoms, TH);
        _expectRevert(IConsortium.ConsortiumUnknownMember.selector, TH);
        vm.prank(cnCustoms);
        consortium.proposeRemoveMember(TH);
    }

    function test_RevertWhen_RemovalWouldBreakThreshold() public {
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 2, 1);
        vm.prank(cnCustoms);
        consortium.proposeRemoveMember(SG);
    }

    function test_RevertWhen_RemovingLastMember() public {
        consortium = _deploy(1, 1);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 1, 0);
        vm.prank(address(0x1000));
        consortium.proposeRemoveMember(bytes32(uint256(1)));
    }

    function test_RevertWhen_RemovalBreaksThresholdByExecution() public {
        _addTH();
        uint256 first = _removeMember(cnCustoms, address(0), TH);
        uint256 second = _removeMember(cnCustoms, address(0), SG);
        _approve(sgCustoms, first);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 2, 1);
        vm.prank(sgCustoms);
        consortium.approve(second);
    }
}

contract Consortium_proposeThreshold_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.proposeThreshold(3);
    }

    function test_ProposeThreshold_ChangesAtThreshold() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalCreated(0, IConsortium.ProposalKind.ChangeThreshold, 0, CN);
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeThreshold(1);
        assertEq(consortium.proposal(id).threshold, 1, "proposed");
        assertEq(consortium.threshold(), 2, "unchanged before approval");
        vm.expectEmit(address(consortium));
        emit IConsortium.ThresholdChanged(2, 1);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalExecuted(id);
        _approve(sgCustoms, id);
        assertEq(consortium.threshold(), 1, "changed");
    }

    function testFuzz_ProposeThreshold_AcceptsInRange(uint256 t) public {
        _addTH();
        t = bound(t, 1, 3);
        _setThreshold(cnCustoms, sgCustoms, t);
        assertEq(consortium.threshold(), t, "threshold");
    }

    function test_RevertWhen_ThresholdZero() public {
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 0, 2);
        vm.prank(cnCustoms);
        consortium.proposeThreshold(0);
    }

    function testFuzz_RevertWhen_ThresholdAboveMemberCount(uint256 t) public {
        t = bound(t, 3, type(uint256).max);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, t, 2);
        vm.prank(cnCustoms);
        consortium.proposeThreshold(t);
    }

    function test_RevertWhen_MembersLeftBeforeExecution() public {
        _addTH();
        uint256 id = _setThreshold(cnCustoms, address(0), 3);
        _removeMember(cnCustoms, sgCustoms, TH);
        _expectRevert(IConsortium.ConsortiumInvalidThreshold.selector, 3, 2);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }
}

contract Consortium_proposeRotateAdmin_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.proposeRotateAdmin(SG, exporter);
    }

    function test_ProposeRotateAdmin_RotatesAtThreshold() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalCreated(0, IConsortium.ProposalKind.RotateAdmin, CN, SG);
        vm.prank(sgCustoms);
        uint256 id = consortium.proposeRotateAdmin(CN, cnCustoms2);
        assertEq(consortium.proposal(id).account, cnCustoms2, "proposed admin");
        vm.expectEmit(address(consortium));
        emit IConsortium.AdminRotated(CN, cnCustoms, cnCustoms2);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalExecuted(id);
        _approve(cnCustoms, id);
        assertEq(consortium.member(CN).admin, cnCustoms2, "admin");
        assertEq(consortium.memberOf(cnCustoms2), CN, "new admin");
        assertEq(consortium.memberOf(cnCustoms), 0, "old admin");
        assertFalse(consortium.isMemberAdmin(cnCustoms), "old admin out");
        assertTrue(consortium.isMember(CN), "member unchanged");
    }

    function test_ProposeRotateAdmin_NewAdminActsForMember() public {
        _rotateAdmin(sgCustoms, cnCustoms, CN, cnCustoms2);
        _accredit(cnCustoms2, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(
            consortium.accreditation(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN).memberId,
            CN,
            "by CN"
        );
    }

    function test_ProposeRotateAdmin_KeepsAccreditations() public {
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        _rotateAdmin(sgCustoms, cnCustoms, CN, cnCustoms2);
        assertTrue(consortium.isAccredited(cnOracle, ORACLE_ROLE, 0), "still accredited");
        vm.prank(cnCustoms2);
        consortium.withdraw(cnOracle, ORACLE_ROLE, 0);
        assertFalse(consortium.isAccredited(cnOracle, ORACLE_ROLE, 0), "withdrawn by new admin");
    }

    function test_ProposeRotateAdmin_AcceptsFormerMembersAdmin() public {
        _addTH();
        _removeMember(cnCustoms, sgCustoms, TH);
        _rotateAdmin(cnCustoms, sgCustoms, SG, thCustoms);
        assertEq(consortium.memberOf(thCustoms), SG, "reused");
    }

    function test_RevertWhen_MemberUnknown() public {
        _expectRevert(IConsortium.ConsortiumUnknownMember.selector, TH);
        vm.prank(cnCustoms);
        consortium.proposeRotateAdmin(TH, thCustoms);
    }

    function test_RevertWhen_MemberRemoved() public {
        _addTH();
        _removeMember(cnCustoms, sgCustoms, TH);
        _expectRevert(IConsortium.ConsortiumUnknownMember.selector, TH);
        vm.prank(cnCustoms);
        consortium.proposeRotateAdmin(TH, stranger);
    }

    function test_RevertWhen_NewAdminZero() public {
        _expectRevert(IConsortium.ConsortiumInvalidAccount.selector, address(0));
        vm.prank(cnCustoms);
        consortium.proposeRotateAdmin(CN, address(0));
    }

    function test_RevertWhen_NewAdminIsAnotherMembersAdmin() public {
        _expectRevert(IConsortium.ConsortiumAdminInUse.selector, sgCustoms);
        vm.prank(cnCustoms);
        consortium.proposeRotateAdmin(CN, sgCustoms);
    }

    function test_RevertWhen_NewAdminIsCurrentAdmin() public {
        _expectRevert(IConsortium.ConsortiumAdminInUse.selector, cnCustoms);
        vm.prank(cnCustoms);
        consortium.proposeRotateAdmin(CN, cnCustoms);
    }

    function test_RevertWhen_NewAdminTakenBeforeExecution() public {
        _addTH();
        uint256 id = _rotateAdmin(cnCustoms, address(0), CN, stranger);
        _rotateAdmin(sgCustoms, thCustoms, SG, stranger);
        _expectRevert(IConsortium.ConsortiumAdminInUse.selector, stranger);
        vm.prank(thCustoms);
        consortium.approve(id);
    }
}

contract Consortium_approve_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.approve(pendingId);
    }

    function test_AddMember_ExecutesAtThreshold() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        assertFalse(consortium.isMember(TH), "not before threshold");
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalApproved(id, SG, 2);
        vm.expectEmit(address(consortium));
        emit IConsortium.MemberAdded(TH, "Thai Customs", thCustoms);
        vm.expectEmit(address(consortium));
        emit IConsortium.ProposalExecuted(id);
        vm.prank(sgCustoms);
        consortium.approve(id);
        assertTrue(consortium.isMember(TH), "member after threshold");
        assertEq(consortium.memberCount(), 3, "count");
        assertTrue(consortium.proposal(id).executed, "executed");
        assertEq(consortium.proposal(id).approvals, 2, "approvals");
        assertTrue(consortium.hasApproved(id, SG), "SG approved");
    }

    function test_Approve_WaitsForThreshold() public {
        _addTH();
        _setThreshold(cnCustoms, sgCustoms, 3);
        uint256 id = _addMember(cnCustoms, sgCustoms, MY, myCustoms);
        assertFalse(consortium.proposal(id).executed, "two of three");
        assertFalse(consortium.isMember(MY), "not yet");
        _approve(thCustoms, id);
        assertTrue(consortium.isMember(MY), "three of three");
    }

    function test_Approve_LastMomentBeforeExpiry() public {
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.warp(T0 + LIFETIME - 1);
        _approve(sgCustoms, id);
        assertTrue(consortium.isMember(TH), "executed");
        assertEq(consortium.member(TH).joinedAt, T0 + LIFETIME - 1, "joined at execution");
    }

    function testFuzz_RevertWhen_ProposalExpired(uint256 delay) public {
        delay = bound(delay, LIFETIME, 10 * 365 days);
        vm.prank(cnCustoms);
        uint256 id = consortium.proposeAddMember(TH, "Thai Customs", thCustoms);
        vm.warp(T0 + delay);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumProposalExpired.selector, id, T0 + LIFETIME
            )
        );
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function test_RevertWhen_ProposalUnknown() public {
        _expectRevert(IConsortium.ConsortiumUnknownProposal.selector, uint256(0));
        vm.prank(cnCustoms);
        consortium.approve(0);
    }

    function testFuzz_RevertWhen_ProposalIdBeyondCount(uint256 id) public {
        _setThreshold(cnCustoms, address(0), 1);
        id = bound(id, 1, type(uint256).max);
        _expectRevert(IConsortium.ConsortiumUnknownProposal.selector, id);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function test_RevertWhen_ProposerApprovesAgain() public {
        uint256 id = _setThreshold(cnCustoms, address(0), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumAlreadyApproved.selector, id, CN)
        );
        vm.prank(cnCustoms);
        consortium.approve(id);
    }

    function test_RevertWhen_ApprovedAgain() public {
        _addTH();
        _setThreshold(cnCustoms, sgCustoms, 3);
        uint256 id = _setThreshold(cnCustoms, sgCustoms, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumAlreadyApproved.selector, id, SG)
        );
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    function test_RevertWhen_RotatedAdminApprovesForSameMemberAgain() public {
        _addTH();
        uint256 id = _setThreshold(cnCustoms, address(0), 1);
        _rotateAdmin(sgCustoms, thCustoms, CN, cnCustoms2);
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumAlreadyApproved.selector, id, CN)
        );
        vm.prank(cnCustoms2);
        consortium.approve(id);
    }

    function test_RevertWhen_ProposalExecuted() public {
        _addTH();
        uint256 id = _setThreshold(cnCustoms, sgCustoms, 3);
        _expectRevert(IConsortium.ConsortiumProposalExecuted.selector, id);
        vm.prank(thCustoms);
        consortium.approve(id);
    }

    function test_RevertWhen_ExecutedProposalIsOldAndApprovedAgain() public {
        uint256 id = _setThreshold(cnCustoms, sgCustoms, 1);
        vm.warp(T0 + LIFETIME + 1);
        _expectRevert(IConsortium.ConsortiumProposalExecuted.selector, id);
        vm.prank(sgCustoms);
        consortium.approve(id);
    }

    /// @dev Counting approvals walks the member list, so the last of MAX_MEMBERS approvals is
    /// the most expensive governance call.
    function test_Approve_WorstCaseGasAtMemberCap() public {
        consortium = _deploy(MAX, MAX);
        vm.prank(address(0x1000));
        uint256 id = consortium.proposeThreshold(1);
        for (uint256 i = 1; i < MAX - 1; ++i) {
            _approve(address(uint160(0x1000 + i)), id);
        }
        _approve(address(uint160(0x1000 + MAX - 1)), id);
        Vm.Gas memory gas = vm.lastCallGas();
        assertEq(consortium.threshold(), 1, "executed");
        assertLe(gas.gasTotalUsed, 150_000, "approve gas at member cap");
    }

    function test_Approve_IgnoresApprovalOfRemovedMember() public {
        _addTH();
        // TH proposes a member, is voted out, and one remaining member must not suffice.
        uint256 id = _addMember(thCustoms, address(0), MY, myCustoms);
        _removeMember(cnCustoms, sgCustoms, TH);
        _approve(cnCustoms, id);
        assertFalse(consortium.isMember(MY), "TH's approval no longer counts");
        assertEq(consortium.proposal(id).approvals, 1, "active approvals");
        _approve(sgCustoms, id);
        assertTrue(consortium.isMember(MY), "CN and SG suffice");
    }
}

contract Consortium_accredit_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.accredit(exporter, ORACLE_ROLE, 0, ACCOUNT_NAME);
    }

    function test_Accredit_Issuer() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.Accredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, CN);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        IConsortium.Accreditation memory a =
            consortium.accreditation(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(a.memberId, CN, "member");
        assertEq(a.since, T0, "since");
        assertEq(a.until, 0, "until");
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "now");
        assertFalse(consortium.isAccredited(cnIssuer, ISSUER_ROLE, PHYTOSANITARY), "other scope");
        assertFalse(consortium.isAccredited(cnIssuer, ORACLE_ROLE, 0), "other role");
        assertEq(consortium.accreditingMember(cnIssuer), CN, "jurisdiction");
    }

    function test_Accredit_OracleAndAuditor() public {
        _accredit(sgCustoms, sgOracle, ORACLE_ROLE, 0);
        _accredit(cnCustoms, cnAuditor, AUDITOR_ROLE, 0);
        assertTrue(consortium.isAccredited(sgOracle, ORACLE_ROLE, 0), "oracle");
        assertTrue(consortium.isAccredited(cnAuditor, AUDITOR_ROLE, 0), "auditor");
        assertEq(consortium.accreditingMember(sgOracle), SG, "SG oracle");
    }

    function test_Accredit_TradeParty() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.Accredited(exporter, TRADE_ROLE, 0, CN);
        _accredit(cnCustoms, exporter, TRADE_ROLE, 0);
        IConsortium.Accreditation memory a = consortium.accreditation(exporter, TRADE_ROLE, 0);
        assertEq(a.memberId, CN, "member");
        assertEq(a.since, T0, "since");
        assertTrue(consortium.isAccredited(exporter, TRADE_ROLE, 0), "trade party");
        assertEq(consortium.accreditingMember(exporter), CN, "jurisdiction");
    }

    function testFuzz_RevertWhen_TradeScoped(bytes32 scope) public {
        vm.assume(scope != 0);
        _expectInvalidRole(TRADE_ROLE, scope);
    }

    function test_Accredit_SameMemberGrantsMoreRolesAndScopes() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, PHYTOSANITARY);
        _accredit(cnCustoms, cnIssuer, AUDITOR_ROLE, 0);
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, PHYTOSANITARY), "second scope");
        assertTrue(consortium.isAccredited(cnIssuer, AUDITOR_ROLE, 0), "second role");
    }

    function test_Accredit_AgainAfterWithdrawal() public {
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        vm.prank(cnCustoms);
        consortium.withdraw(cnOracle, ORACLE_ROLE, 0);
        vm.warp(T0 + 5 days);
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        IConsortium.Accreditation memory a = consortium.accreditation(cnOracle, ORACLE_ROLE, 0);
        assertEq(a.since, T0 + 5 days, "since");
        assertEq(a.until, 0, "until");
        assertTrue(consortium.isAccredited(cnOracle, ORACLE_ROLE, 0), "again");
    }

    function test_Accredit_OtherMemberAfterAllGrantsWithdrawn() public {
        _accredit(cnCustoms, exporter, ORACLE_ROLE, 0);
        vm.prank(cnCustoms);
        consortium.withdraw(exporter, ORACLE_ROLE, 0);
        _accredit(sgCustoms, exporter, ORACLE_ROLE, 0);
        assertEq(consortium.accreditingMember(exporter), SG, "moved to SG");
        assertEq(consortium.accreditation(exporter, ORACLE_ROLE, 0).memberId, SG, "by SG");
    }

    function test_Accredit_AgainAfterMemberReadmitted() public {
        _thGrantThenLeaveAndReturn();
        vm.warp(T0 + 300);
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        IConsortium.Accreditation memory a =
            consortium.accreditation(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(a.memberId, TH, "member");
        assertEq(a.since, T0 + 300, "since");
        assertEq(a.until, 0, "until");
        assertTrue(consortium.isAccredited(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "now");
        assertTrue(_wasIssuer(exporter, T0 + 50), "first term kept");
        assertFalse(_wasIssuer(exporter, T0 + 250), "not between the terms' grants");
        assertTrue(_wasIssuer(exporter, T0 + 300), "from the new grant");
    }

    function test_RevertWhen_AccountOfMemberThatLeft() public {
        _addTH();
        _accredit(thCustoms, exporter, ORACLE_ROLE, 0);
        _removeMember(cnCustoms, sgCustoms, TH);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, exporter, TH
            )
        );
        vm.prank(cnCustoms);
        consortium.accredit(exporter, ORACLE_ROLE, 0, ACCOUNT_NAME);
    }

    function test_RevertWhen_AccountOfReadmittedMembersVoidGrant() public {
        _thGrantThenLeaveAndReturn();
        assertEq(consortium.accreditingMember(exporter), TH, "still bound to TH");
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, exporter, TH
            )
        );
        vm.prank(cnCustoms);
        consortium.accredit(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, ACCOUNT_NAME);
    }

    function test_RevertWhen_AccountOfOtherMember() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, cnIssuer, CN
            )
        );
        vm.prank(sgCustoms);
        consortium.accredit(cnIssuer, ISSUER_ROLE, PHYTOSANITARY, ACCOUNT_NAME);
    }

    function test_RevertWhen_AccountOfOtherMemberSameGrant() public {
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, cnOracle, CN
            )
        );
        vm.prank(sgCustoms);
        consortium.accredit(cnOracle, ORACLE_ROLE, 0, ACCOUNT_NAME);
    }

    function test_RevertWhen_AlreadyAccredited() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAlreadyAccredited.selector,
                cnIssuer,
                ISSUER_ROLE,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(cnCustoms);
        consortium.accredit(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, ACCOUNT_NAME);
    }

    function test_RevertWhen_AccountZero() public {
        _expectRevert(IConsortium.ConsortiumInvalidAccount.selector, address(0));
        vm.prank(cnCustoms);
        consortium.accredit(address(0), ORACLE_ROLE, 0, ACCOUNT_NAME);
    }

    function test_RevertWhen_IssuerWithoutScope() public {
        _expectInvalidRole(ISSUER_ROLE, 0);
    }

    function testFuzz_RevertWhen_OracleOrAuditorScoped(bool oracle, bytes32 scope) public {
        vm.assume(scope != 0);
        _expectInvalidRole(oracle ? ORACLE_ROLE : AUDITOR_ROLE, scope);
    }

    function testFuzz_RevertWhen_RoleUnknown(bytes32 role, bytes32 scope) public {
        vm.assume(role != ISSUER_ROLE && role != ORACLE_ROLE && role != AUDITOR_ROLE);
        vm.assume(role != keccak256("CUSTOMS_ROLE") && role != TRADE_ROLE);
        _expectInvalidRole(role, scope);
    }

    function test_RevertWhen_RoleIsDefaultAdmin() public {
        _expectInvalidRole(0, 0);
    }

    function testFuzz_Accredit_IssuerForAnyScope(bytes32 scope) public {
        vm.assume(scope != 0);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, scope);
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, scope), "accredited");
    }

    function test_Accredit_SetsNameInMembersJurisdiction() public {
        vm.expectEmit(address(consortium));
        emit IConsortium.Accredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, CN);
        vm.expectEmit(address(consortium));
        emit IConsortium.AccountNamed(cnIssuer, CN, "CCPIT Ningbo");
        vm.prank(cnCustoms);
        consortium.accredit(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, "CCPIT Ningbo");
        (bytes32 memberId, string memory name) = consortium.accountName(cnIssuer);
        assertEq(memberId, CN, "member");
        assertEq(name, "CCPIT Ningbo", "name");
    }

    function test_Accredit_AnotherRoleRenames() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.prank(cnCustoms);
        consortium.accredit(cnIssuer, AUDITOR_ROLE, 0, unicode"宁波市贸促会 CCPIT Ningbo");
        (, string memory name) = consortium.accountName(cnIssuer);
        assertEq(name, unicode"宁波市贸促会 CCPIT Ningbo", "latest name");
    }

    function test_Accredit_NameOfMaxBytes() public {
        string memory name = string(new bytes(64));
        vm.prank(cnCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, name);
        (, string memory stored) = consortium.accountName(exporter);
        assertEq(bytes(stored).length, 64, "64 bytes kept");
    }

    function test_RevertWhen_NameEmpty() public {
        _expectRevert(IConsortium.ConsortiumInvalidName.selector, uint256(0));
        vm.prank(cnCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, "");
    }

    function testFuzz_RevertWhen_NameTooLong(uint8 extra) public {
        uint256 length = 65 + uint256(extra);
        _expectRevert(IConsortium.ConsortiumInvalidName.selector, length);
        vm.prank(cnCustoms);
        consortium.accredit(exporter, TRADE_ROLE, 0, string(new bytes(length)));
    }

    function test_RevertWhen_NameEmptyLeavesNoGrant() public {
        vm.prank(cnCustoms);
        try consortium.accredit(exporter, TRADE_ROLE, 0, "") {} catch {}
        assertEq(consortium.accreditingMember(exporter), 0, "not bound");
        assertFalse(consortium.isAccredited(exporter, TRADE_ROLE, 0), "not accredited");
    }

    function _wasIssuer(address account, uint256 at) internal view returns (bool) {
        return consortium.wasAccredited(account, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, uint64(at));
    }

    function _expectInvalidRole(bytes32 role, bytes32 scope) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IConsortium.ConsortiumInvalidRole.selector, role, scope)
        );
        vm.prank(cnCustoms);
        consortium.accredit(exporter, role, scope, ACCOUNT_NAME);
    }
}

contract Consortium_withdraw_Test is ConsortiumAuthTest {
    function _act(address caller) internal override {
        vm.prank(caller);
        consortium.withdraw(cnOracle, ORACLE_ROLE, 0);
    }

    function test_Withdraw_EndsAccreditation() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(T0 + 3 days);
        vm.expectEmit(address(consortium));
        emit IConsortium.AccreditationWithdrawn(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, CN);
        vm.prank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        IConsortium.Accreditation memory a =
            consortium.accreditation(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(a.memberId, CN, "record kept");
        assertEq(a.since, T0, "since");
        assertEq(a.until, T0 + 3 days, "until");
        assertFalse(consortium.isAccredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "ended");
        assertEq(consortium.accreditingMember(cnIssuer), 0, "jurisdiction released");
    }

    function test_Withdraw_KeepsJurisdictionWhileOtherGrantsStand() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, PHYTOSANITARY);
        vm.prank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(consortium.accreditingMember(cnIssuer), CN, "still CN's");
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, PHYTOSANITARY), "other stands");
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, cnIssuer, CN
            )
        );
        vm.prank(sgCustoms);
        consortium.accredit(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, ACCOUNT_NAME);
    }

    function test_RevertWhen_OtherMemberWithdraws() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumAccountOfOtherMember.selector, cnIssuer, CN
            )
        );
        vm.prank(sgCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertTrue(consortium.isAccredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "stands");
    }

    function test_Withdraw_ReaccreditedGrantReleasesAccount() public {
        _thGrantThenLeaveAndReturn();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.prank(thCustoms);
        consortium.withdraw(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(
            consortium.accreditingMember(exporter), 0, "released: the void grant not counted twice"
        );
        _accredit(cnCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(consortium.accreditingMember(exporter), CN, "CN may accredit it now");
    }

    function test_RevertWhen_GrantOfEarlierTerm() public {
        _thGrantThenLeaveAndReturn();
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumNotAccredited.selector,
                exporter,
                ISSUER_ROLE,
                CERTIFICATE_OF_ORIGIN
            )
        );
        vm.prank(thCustoms);
        consortium.withdraw(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function test_RevertWhen_NeverAccredited() public {
        _expectNotAccredited(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function test_RevertWhen_OtherScope() public {
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _expectNotAccredited(cnIssuer, ISSUER_ROLE, PHYTOSANITARY);
    }

    function test_RevertWhen_AlreadyWithdrawn() public {
        _accredit(cnCustoms, cnOracle, ORACLE_ROLE, 0);
        vm.prank(cnCustoms);
        consortium.withdraw(cnOracle, ORACLE_ROLE, 0);
        _expectNotAccredited(cnOracle, ORACLE_ROLE, 0);
    }

    function _expectNotAccredited(address account, bytes32 role, bytes32 scope) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortium.ConsortiumNotAccredited.selector, account, role, scope
            )
        );
        vm.prank(cnCustoms);
        consortium.withdraw(account, role, scope);
    }
}

contract Consortium_views_Test is ConsortiumTest {
    function test_Views_UnknownAccountsAndMembers() public view {
        assertEq(consortium.memberOf(stranger), 0, "memberOf");
        assertFalse(consortium.isMemberAdmin(stranger), "isMemberAdmin");
        assertFalse(consortium.isMember(0), "empty id");
        assertFalse(consortium.isMember(TH), "TH");
        assertEq(consortium.member(TH).joinedAt, 0, "no record");
        assertFalse(consortium.hasApproved(0, CN), "hasApproved");
        assertEq(consortium.accreditation(exporter, ORACLE_ROLE, 0).since, 0, "no grant");
        assertFalse(consortium.isAccredited(exporter, ORACLE_ROLE, 0), "isAccredited");
        assertEq(consortium.accreditingMember(exporter), 0, "accreditingMember");
        (bytes32 memberId, string memory name) = consortium.accountName(exporter);
        assertEq(memberId, 0, "accountName member");
        assertEq(name, "", "accountName");
    }

    function test_RevertWhen_ProposalUnknown() public {
        _expectRevert(IConsortium.ConsortiumUnknownProposal.selector, uint256(0));
        consortium.proposal(0);
    }

    function test_IsAccredited_FalseAfterMemberLeaves() public {
        _addTH();
        _accredit(thCustoms, exporter, ORACLE_ROLE, 0);
        _removeMember(cnCustoms, sgCustoms, TH);
        assertFalse(consortium.isAccredited(exporter, ORACLE_ROLE, 0), "member gone");
        assertEq(consortium.accreditation(exporter, ORACLE_ROLE, 0).until, 0, "not withdrawn");
    }

    function test_WasAccredited_Window() public {
        vm.warp(T0 + 10);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(T0 + 100);
        vm.prank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertFalse(_was(cnIssuer, T0 + 9), "before");
        assertTrue(_was(cnIssuer, T0 + 10), "from since");
        assertTrue(_was(cnIssuer, T0 + 99), "until excluded");
        assertFalse(_was(cnIssuer, T0 + 100), "at until");
        assertFalse(_was(cnIssuer, T0 + 1000), "after");
        assertFalse(_was(stranger, T0 + 50), "never accredited");
    }

    function testFuzz_WasAccredited_WhileStanding(uint64 at) public {
        vm.warp(T0 + 10);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        assertEq(_was(cnIssuer, at), at >= T0 + 10, "from since on");
    }

    function testFuzz_WasAccredited_Withdrawn(uint64 at, uint64 since, uint64 held) public {
        since = uint64(bound(since, T0, T0 + 365 days));
        held = uint64(bound(held, 1, 365 days));
        vm.warp(since);
        _accredit(cnCustoms, cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(since + held);
        vm.prank(cnCustoms);
        consortium.withdraw(cnIssuer, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        at = uint64(bound(at, T0 - 1 days, T0 + 800 days));
        assertEq(_was(cnIssuer, at), at >= since && at < since + held, "window");
    }

    function test_WasAccredited_EndsWhenMemberLeaves() public {
        _addTH();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(T0 + 100);
        _removeMember(cnCustoms, sgCustoms, TH);
        assertTrue(_was(exporter, T0 + 99), "while member");
        assertFalse(_was(exporter, T0 + 100), "after leaving");
    }

    function test_WasAccredited_KeepsHistoryWhenMemberRejoins() public {
        _thGrantThenLeaveAndReturn();
        assertTrue(_was(exporter, T0), "first term kept");
        assertTrue(_was(exporter, T0 + 99), "until TH left");
        assertFalse(_was(exporter, T0 + 150), "not while TH was out");
        assertFalse(_was(exporter, T0 + 200), "not after TH returned");
        assertFalse(consortium.isAccredited(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "void");
    }

    function test_Accreditation_StandsAfterMemberLeftUntilReadmitted() public {
        _addTH();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        vm.warp(T0 + 100);
        _removeMember(cnCustoms, sgCustoms, TH);
        assertEq(_record(exporter).until, 0, "stands: TH's issuer may still revoke");
        vm.warp(T0 + 200);
        _addMember(cnCustoms, sgCustoms, TH, thCustoms);
        IConsortium.Accreditation memory a = _record(exporter);
        assertEq(a.memberId, TH, "member");
        assertEq(a.since, T0, "since");
        assertEq(a.until, T0 + 100, "ended with TH's first term");
    }

    function test_IsAccredited_FalseAfterMemberReadmitted() public {
        _thGrantThenLeaveAndReturn();
        assertFalse(consortium.isAccredited(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "void");
        assertEq(consortium.accreditingMember(exporter), TH, "still bound to TH");
    }

    function test_IsAccredited_FalseAfterMemberReadmittedInTheSameSecond() public {
        _addTH();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        _removeMember(cnCustoms, sgCustoms, TH);
        _addMember(cnCustoms, sgCustoms, TH, thCustoms);
        assertFalse(consortium.isAccredited(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "void");
        assertEq(_record(exporter).until, T0, "ended");
    }

    /// @dev An accreditation from an earlier term is never standing, whatever the times,
    /// whether or not it was withdrawn, and however often the member came back.
    function testFuzz_AccreditationFromEarlierTermNeverStanding(
        uint64 held,
        uint64 away,
        uint8 returns_,
        bool withdrawn
    ) public {
        held = uint64(bound(held, 0, 365 days));
        away = uint64(bound(away, 0, 365 days));
        returns_ = uint8(bound(returns_, 1, 3));
        _addTH();
        _accredit(thCustoms, exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        if (withdrawn) {
            vm.prank(thCustoms);
            consortium.withdraw(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
        }
        for (uint256 i = 0; i < returns_; ++i) {
            vm.warp(block.timestamp + held);
            _removeMember(cnCustoms, sgCustoms, TH);
            vm.warp(block.timestamp + away);
            _addMember(cnCustoms, sgCustoms, TH, thCustoms);
            IConsortium.Accreditation memory a = _record(exporter);
            assertTrue(a.since == 0 || a.until != 0, "not standing");
            assertFalse(
                consortium.isAccredited(exporter, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN), "not now"
            );
            assertFalse(_was(exporter, block.timestamp), "not at re-admission");
        }
    }

    function _record(address account) internal view returns (IConsortium.Accreditation memory) {
        return consortium.accreditation(account, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN);
    }

    function _was(address account, uint256 at) internal view returns (bool) {
        return consortium.wasAccredited(account, ISSUER_ROLE, CERTIFICATE_OF_ORIGIN, uint64(at));
    }
}
