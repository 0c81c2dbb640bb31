// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {Consortium} from "../src/Consortium.sol";
import {IConsortium} from "../src/interfaces/IConsortium.sol";

/// @notice Drives a Consortium through random governance and accreditation calls, by member
/// admins and by outsiders, over a small pool of ids and accounts so that calls collide.
contract ConsortiumHandler is Test {
    uint256 internal constant IDS = 6;
    uint256 internal constant ACCOUNTS = 10;

    Consortium public immutable consortium;
    bytes32[3] internal _roles =
        [keccak256("ISSUER_ROLE"), keccak256("ORACLE_ROLE"), keccak256("AUDITOR_ROLE")];

    uint256 public calls;
    uint256 public executed;
    uint256 public accreditations;
    /// @dev Ghost: how often each member id was admitted (seen turning active after a call).
    mapping(bytes32 memberId => uint256) public admissions;
    /// @dev Ghost: the admission of its member in which each (account, role) was last granted.
    mapping(address account => mapping(bytes32 role => uint256)) public grantedIn;

    /// @dev Counts admissions: a handler call executes at most one proposal.
    modifier tracked() {
        bool[IDS] memory before;
        for (uint256 i = 0; i < IDS; ++i) {
            before[i] = consortium.isMember(idAt(i));
        }
        _;
        for (uint256 i = 0; i < IDS; ++i) {
            if (!before[i] && consortium.isMember(idAt(i))) ++admissions[idAt(i)];
        }
    }

    constructor(Consortium consortium_) {
        consortium = consortium_;
    }

    function proposeAddMember(uint256 caller, uint256 id, uint256 admin) external tracked {
        vm.prank(_caller(caller));
        try consortium.proposeAddMember(idAt(id), "Customs", accountAt(admin)) returns (uint256 p) {
            _count(p);
        } catch {}
        ++calls;
    }

    function proposeRemoveMember(uint256 caller, uint256 id) external tracked {
        vm.prank(_caller(caller));
        try consortium.proposeRemoveMember(idAt(id)) returns (uint256 p) {
            _count(p);
        } catch {}
        ++calls;
    }

    function proposeThreshold(uint256 caller, uint256 t) external tracked {
        vm.prank(_caller(caller));
        try consortium.proposeThreshold(bound(t, 0, IDS + 1)) returns (uint256 p) {
            _count(p);
        } catch {}
        ++calls;
    }

    function proposeRotateAdmin(uint256 caller, uint256 id, uint256 admin) external tracked {
        vm.prank(_caller(caller));
        try consortium.proposeRotateAdmin(idAt(id), accountAt(admin)) returns (uint256 p) {
            _count(p);
        } catch {}
        ++calls;
    }

    function approve(uint256 caller, uint256 proposalId) external tracked {
        // Mostly one of the latest proposals, which are the ones still open.
        uint256 count = consortium.proposalCount();
        if (count != 0) proposalId = count - 1 - (proposalId % (count < 3 ? count : 3));
        vm.prank(_approver(caller, proposalId));
        try consortium.approve(proposalId) {
            _count(proposalId);
        } catch {}
        ++calls;
    }

    function accredit(uint256 caller, uint256 account, uint256 role) external {
        bytes32 r = _roles[role % 3];
        address admin = _caller(caller);
        vm.prank(admin);
        try consortium.accredit(
            accountAt(account), r, _scope(r), nameBy(consortium.memberOf(admin))
        ) {
            ++accreditations;
            grantedIn[accountAt(account)][r] = admissions[consortium.memberOf(admin)];
        } catch {}
        ++calls;
    }

    function withdraw(uint256 caller, uint256 account, uint256 role) external {
        bytes32 r = _roles[role % 3];
        vm.prank(_caller(caller));
        try consortium.withdraw(accountAt(account), r, _scope(r)) {} catch {}
        ++calls;
    }

    function rename(uint256 caller, uint256 account) external {
        address admin = _caller(caller);
        vm.prank(admin);
        try consortium.renameAccount(accountAt(account), nameBy(consortium.memberOf(admin))) {}
            catch {}
        ++calls;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 5 days));
        ++calls;
    }

    function idAt(uint256 i) public pure returns (bytes32) {
        return bytes32(uint256(0x4130) + (i % IDS)); // "A0".."A5"-like, never zero
    }

    function accountAt(uint256 i) public pure returns (address) {
        return address(uint160(0xA000 + (i % ACCOUNTS)));
    }

    /// @dev The display name member `memberId` gives every account it names.
    function nameBy(bytes32 memberId) public pure returns (string memory) {
        return string(abi.encodePacked("named by ", memberId));
    }

    function roleAt(uint256 i) external view returns (bytes32) {
        return _roles[i % 3];
    }

    /// @dev Mostly a current member admin, sometimes any pool account (former admins, outsiders).
    function _caller(uint256 seed) internal view returns (address) {
        bytes32[] memory ids = consortium.memberIds();
        if (seed % 4 == 0 || ids.length == 0) return accountAt(seed >> 2);
        return consortium.member(ids[(seed >> 2) % ids.length]).admin;
    }

    /// @dev Like `_caller`, but prefers a member that has not approved the proposal yet.
    function _approver(uint256 seed, uint256 proposalId) internal view returns (address) {
        bytes32[] memory ids = consortium.memberIds();
        if (seed % 4 == 0 || ids.length == 0) return accountAt(seed >> 2);
        for (uint256 i = 0; i < ids.length; ++i) {
            bytes32 id = ids[((seed >> 2) + i) % ids.length];
            if (!consortium.hasApproved(proposalId, id)) return consortium.member(id).admin;
        }
        return consortium.member(ids[0]).admin;
    }

    function _scope(bytes32 role) internal view returns (bytes32) {
        return role == _roles[0] ? keccak256("certificate-of-origin") : bytes32(0);
    }

    function _count(uint256 proposalId) internal {
        if (consortium.proposal(proposalId).executed) ++executed;
    }
}

contract ConsortiumInvariant_Test is Test {
    Consortium internal consortium;
    ConsortiumHandler internal handler;

    function setUp() public {
        vm.warp(1_767_225_600);
        bytes32[] memory ids = new bytes32[](3);
        string[] memory names = new string[](3);
        address[] memory admins = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            ids[i] = bytes32(uint256(0x4130) + i);
            names[i] = "Customs";
            admins[i] = address(uint160(0xA000 + i));
        }
        consortium = new Consortium(ids, names, admins, 2);
        handler = new ConsortiumHandler(consortium);
    }

    /// @dev What forge-std's StdInvariant.targetContract would register: only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_ThresholdWithinMemberCount() public view {
        uint256 count = consortium.memberCount();
        assertGe(consortium.threshold(), 1, "threshold >= 1");
        assertLe(consortium.threshold(), count, "threshold <= members");
        assertLe(count, consortium.MAX_MEMBERS(), "member cap");
    }

    function invariant_MemberIdsActiveUniqueAndAdminsConsistent() public view {
        bytes32[] memory ids = consortium.memberIds();
        for (uint256 i = 0; i < ids.length; ++i) {
            IConsortium.Member memory m = consortium.member(ids[i]);
            assertTrue(consortium.isMember(ids[i]), "listed id is active");
            assertTrue(m.active, "record active");
            assertEq(m.id, ids[i], "record id");
            assertEq(consortium.memberOf(m.admin), ids[i], "memberOf(admin)");
            for (uint256 j = i + 1; j < ids.length; ++j) {
                assertTrue(ids[i] != ids[j], "ids unique");
            }
        }
        for (uint256 k = 0; k < 6; ++k) {
            bytes32 id = handler.idAt(k);
            if (!_listed(ids, id)) assertFalse(consortium.isMember(id), "unlisted is inactive");
        }
    }

    /// @dev A name is only ever answered with the member the account is bound to, and is the
    /// one that member set (never one set by an earlier member).
    function invariant_AccountNameIsTheBindingMembers() public view {
        for (uint256 k = 0; k < 10; ++k) {
            address account = handler.accountAt(k);
            bytes32 bound = consortium.accreditingMember(account);
            (bytes32 memberId, string memory name) = consortium.accountName(account);
            assertEq(memberId, bound, "named with the binding member");
            assertEq(name, bound == 0 ? "" : handler.nameBy(bound), "the binding member's name");
        }
    }

    function invariant_MemberOfMatchesMemberRecord() public view {
        for (uint256 k = 0; k < 10; ++k) {
            address account = handler.accountAt(k);
            bytes32 id = consortium.memberOf(account);
            assertEq(consortium.isMemberAdmin(account), id != 0, "isMemberAdmin");
            if (id != 0) {
                assertEq(consortium.member(id).admin, account, "admin of its member");
                assertTrue(consortium.isMember(id), "member active");
            }
        }
    }

    function invariant_AccreditationsBelongToTheirJurisdiction() public view {
        for (uint256 k = 0; k < 10; ++k) {
            address account = handler.accountAt(k);
            for (uint256 r = 0; r < 3; ++r) {
                bytes32 role = handler.roleAt(r);
                bytes32 scope = r == 0 ? keccak256("certificate-of-origin") : bytes32(0);
                IConsortium.Accreditation memory a = consortium.accreditation(account, role, scope);
                if (a.since != 0 && a.until == 0) {
                    assertEq(consortium.accreditingMember(account), a.memberId, "jurisdiction");
                }
                if (consortium.isAccredited(account, role, scope)) {
                    assertTrue(
                        consortium.wasAccredited(account, role, scope, uint64(block.timestamp)),
                        "accredited now implies was accredited now"
                    );
                }
            }
        }
    }

    function invariant_AccreditationFromEarlierTermNeverStanding() public view {
        for (uint256 k = 0; k < 10; ++k) {
            address account = handler.accountAt(k);
            for (uint256 r = 0; r < 3; ++r) {
                bytes32 role = handler.roleAt(r);
                bytes32 scope = r == 0 ? keccak256("certificate-of-origin") : bytes32(0);
                IConsortium.Accreditation memory a = consortium.accreditation(account, role, scope);
                bool current = handler.grantedIn(account, role) == handler.admissions(a.memberId);
                if (a.since != 0 && a.until == 0) assertTrue(current, "standing only in its term");
                if (consortium.isAccredited(account, role, scope)) {
                    assertTrue(current, "accredited only in its term");
                }
            }
        }
    }

    /// @dev forge calls this after each run: the handler must have been driven, or every
    /// invariant above passed vacuously.
    function afterInvariant() public view {
        assertGe(handler.calls(), 1, "handler called");
    }

    function _listed(bytes32[] memory ids, bytes32 id) private pure returns (bool) {
        for (uint256 i = 0; i < ids.length; ++i) {
            if (ids[i] == id) return true;
        }
        return false;
    }
}
