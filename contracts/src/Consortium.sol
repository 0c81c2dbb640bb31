// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium, IListedRegistry} from "./interfaces/IConsortium.sol";
import {Roles} from "./Roles.sol";

/// @title Consortium
/// @notice Members, governance and the accreditation trust list of a customs consortium.
/// @dev Roles here are scoped by member (an issuer is accredited *by CN*, for one certificate
/// type), which OpenZeppelin AccessControl's global roles cannot express; the role ids follow
/// its `keccak256("X_ROLE")` convention (Roles) so other contracts and tools share them.
contract Consortium is IConsortium {
    // The role ids (declared in Roles), readable off-chain from the contract that grants them.
    /// @notice Roles.ISSUER.
    bytes32 public constant ISSUER_ROLE = Roles.ISSUER;
    /// @notice Roles.ORACLE.
    bytes32 public constant ORACLE_ROLE = Roles.ORACLE;
    /// @notice Roles.AUDITOR.
    bytes32 public constant AUDITOR_ROLE = Roles.AUDITOR;
    /// @notice Roles.CUSTOMS.
    bytes32 public constant CUSTOMS_ROLE = Roles.CUSTOMS;
    /// @notice Roles.TRADE.
    bytes32 public constant TRADE_ROLE = Roles.TRADE;

    /// @notice Upper bound on members, so that listing them stays a bounded loop.
    uint256 public constant MAX_MEMBERS = 64;
    /// @notice Upper bound on the registries one proposal lists (the founding vote lists one of
    /// each kind).
    uint256 public constant MAX_LISTINGS_PER_PROPOSAL = 16;
    /// @notice Upper bound, in bytes of UTF-8, on an account's display name.
    uint256 public constant MAX_NAME_BYTES = 64;
    /// @notice A proposal not executed within this time can no longer be approved.
    uint64 public constant PROPOSAL_LIFETIME = 30 days;

    /// @dev A member as stored: the interface's Member plus `term`, the number of its current
    /// (or, after it left, latest) membership term.
    struct MemberRecord {
        bytes32 id;
        string name;
        address admin;
        bool active;
        uint64 joinedAt;
        uint64 leftAt;
        uint32 term;
    }

    /// @dev An accreditation as stored, in one slot: the membership term of the accrediting
    /// member in which it was granted (which names the member), since and until.
    struct Grant {
        uint32 term;
        uint64 since;
        uint64 until;
    }

    /// @dev A membership term that ended with its member being added again.
    struct EndedTerm {
        bytes32 memberId;
        uint64 leftAt;
    }

    /// @dev A closed period [since, until) of an accreditation that was later granted again.
    struct Period {
        uint64 since;
        uint64 until;
    }

    mapping(bytes32 memberId => MemberRecord) private _members;
    /// @dev Membership terms are numbered from 1 across all members; each admission opens one.
    uint32 private _termCount;
    /// @dev The member of a term while the term's grants stand: its current term, or its latest
    /// after it left (so that a member that left can still revoke what its issuers issued).
    /// Zero once the member was added again: grants of the term are then void. One storage read
    /// gives both the member and whether a grant is void, which keeps `accreditation` (on
    /// CertificateRegistry's issue and revoke paths) at two storage reads.
    mapping(uint32 term => bytes32 memberId) private _termMember;
    /// @dev Terms whose member was added again: the member and when the term ended. One entry per
    /// re-admission, each a vote.
    mapping(uint32 term => EndedTerm) private _endedTerms;
    mapping(address admin => bytes32 memberId) private _memberOfAdmin;
    bytes32[] private _memberIds;
    uint256 private _threshold;

    Proposal[] private _proposals;
    mapping(uint256 proposalId => mapping(bytes32 memberId => bool)) private _approved;

    mapping(bytes32 key => Grant) private _accreditations;
    /// @dev Earlier periods of an accreditation granted again, so that wasAccredited still
    /// answers for them. One entry per re-accreditation, each a transaction of a member admin.
    mapping(bytes32 key => Period[]) private _formerPeriods;
    mapping(address account => bytes32 memberId) private _accountMember;
    mapping(address account => uint256) private _accountGrants;
    /// @dev Display names per accrediting member, so that a name never carries over to another
    /// member that later accredits the account.
    mapping(address account => mapping(bytes32 memberId => string)) private _accountNames;

    /// @dev A listed registry as stored (its intervals are in _registryIntervals): `active` in
    /// the second slot, so that isActiveRegistry, on every issuance path, is one storage read.
    struct ListedRegistry {
        bytes32 kind;
        uint32 version;
        bool active;
    }

    mapping(address registry => ListedRegistry) private _listed;
    mapping(address registry => Interval[]) private _registryIntervals;
    mapping(bytes32 kind => address[]) private _versions;
    mapping(bytes32 kind => address) private _active;
    bytes32[] private _kinds;
    mapping(uint256 proposalId => bytes32[]) private _proposedKinds;
    mapping(uint256 proposalId => address[]) private _proposedRegistries;

    modifier onlyMemberAdmin() {
        if (!_isActive(_memberOfAdmin[msg.sender])) revert ConsortiumNotMemberAdmin(msg.sender);
        _;
    }

    /// @param ids Founding member ids.
    /// @param names Founding member names.
    /// @param admins Founding member admin accounts.
    /// @param threshold_ Approvals needed to execute a proposal.
    constructor(
        bytes32[] memory ids,
        string[] memory names,
        address[] memory admins,
        uint256 threshold_
    ) {
        if (ids.length != names.length || ids.length != admins.length || ids.length == 0) {
            revert ConsortiumInvalidThreshold(threshold_, ids.length);
        }
        for (uint256 i = 0; i < ids.length; ++i) {
            _addMember(ids[i], names[i], admins[i]);
        }
        _setThreshold(threshold_, ids.length);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IConsortium
    function proposeAddMember(bytes32 memberId, string calldata name, address admin)
        external
        onlyMemberAdmin
        returns (uint256)
    {
        _checkNewMember(memberId, admin);
        return _propose(ProposalKind.AddMember, memberId, admin, 0, name);
    }

    /// @inheritdoc IConsortium
    function proposeRemoveMember(bytes32 memberId) external onlyMemberAdmin returns (uint256) {
        if (!_isActive(memberId)) revert ConsortiumUnknownMember(memberId);
        _checkThreshold(_threshold, _memberIds.length - 1);
        return _propose(ProposalKind.RemoveMember, memberId, address(0), 0, "");
    }

    /// @inheritdoc IConsortium
    function proposeThreshold(uint256 threshold_) external onlyMemberAdmin returns (uint256) {
        _checkThreshold(threshold_, _memberIds.length);
        return _propose(ProposalKind.ChangeThreshold, bytes32(0), address(0), threshold_, "");
    }

    /// @inheritdoc IConsortium
    function proposeRotateAdmin(bytes32 memberId, address newAdmin)
        external
        onlyMemberAdmin
        returns (uint256)
    {
        if (!_isActive(memberId)) revert ConsortiumUnknownMember(memberId);
        _checkNewAdmin(newAdmin);
        return _propose(ProposalKind.RotateAdmin, memberId, newAdmin, 0, "");
    }

    /// @inheritdoc IConsortium
    function proposeListRegistries(bytes32[] calldata kinds, address[] calldata registries)
        external
        onlyMemberAdmin
        returns (uint256 proposalId)
    {
        if (
            kinds.length == 0 || kinds.length != registries.length
                || kinds.length > MAX_LISTINGS_PER_PROPOSAL
        ) revert ConsortiumInvalidListing();
        for (uint256 i = 0; i < kinds.length; ++i) {
            for (uint256 j = 0; j < i; ++j) {
                // one kind has one active version: naming it twice would leave only the last
                if (kinds[j] == kinds[i]) revert ConsortiumInvalidListing();
                if (registries[j] == registries[i]) {
                    revert ConsortiumRegistryAlreadyActive(registries[i]);
                }
            }
            _checkListable(kinds[i], registries[i]);
        }
        // stored before _propose, which executes at once when the proposer alone is the threshold
        proposalId = _proposals.length;
        _proposedKinds[proposalId] = kinds;
        _proposedRegistries[proposalId] = registries;
        _propose(ProposalKind.ListRegistries, bytes32(0), address(0), 0, "");
    }

    /// @inheritdoc IConsortium
    function approve(uint256 proposalId) external onlyMemberAdmin {
        if (proposalId >= _proposals.length) revert ConsortiumUnknownProposal(proposalId);
        _approve(proposalId, _memberOfAdmin[msg.sender]);
    }

    // ---------------------------------------------------------------- accreditation

    /// @inheritdoc IConsortium
    function accredit(address account, bytes32 role, bytes32 scope, string calldata name)
        external
        onlyMemberAdmin
    {
        bytes32 memberId = _memberOfAdmin[msg.sender];
        _checkRole(role, scope);
        _checkName(name);
        if (account == address(0)) revert ConsortiumInvalidAccount(account);
        bytes32 owner = _accountMember[account];
        if (owner != bytes32(0) && owner != memberId) {
            revert ConsortiumAccountOfOtherMember(account, owner);
        }
        bytes32 key = _key(account, role, scope);
        Grant memory a = _accreditations[key];
        // A void grant of an earlier term was never withdrawn: it still binds the account (to
        // this member, checked above) and is still counted in _accountGrants.
        bool counted = a.since != 0 && a.until == 0;
        if (a.since != 0) {
            (, uint64 until) = _resolve(a);
            if (until == 0) revert ConsortiumAlreadyAccredited(account, role, scope);
            _formerPeriods[key].push(Period(a.since, until));
        }
        _accreditations[key] = Grant(_members[memberId].term, uint64(block.timestamp), 0);
        _accountMember[account] = memberId;
        if (!counted) ++_accountGrants[account];
        emit Accredited(account, role, scope, memberId);
        _name(account, memberId, name);
    }

    /// @inheritdoc IConsortium
    function renameAccount(address account, string calldata name) external onlyMemberAdmin {
        bytes32 memberId = _memberOfAdmin[msg.sender];
        bytes32 owner = _accountMember[account];
        if (owner == bytes32(0)) revert ConsortiumAccountNotBound(account);
        if (owner != memberId) revert ConsortiumAccountOfOtherMember(account, owner);
        _checkName(name);
        _name(account, memberId, name);
    }

    /// @inheritdoc IConsortium
    function withdraw(address account, bytes32 role, bytes32 scope) external onlyMemberAdmin {
        bytes32 memberId = _memberOfAdmin[msg.sender];
        Grant storage a = _accreditations[_key(account, role, scope)];
        (bytes32 granter, uint64 until) = _resolve(a);
        if (a.since == 0 || until != 0) revert ConsortiumNotAccredited(account, role, scope);
        if (granter != memberId) revert ConsortiumAccountOfOtherMember(account, granter);
        a.until = uint64(block.timestamp);
        if (--_accountGrants[account] == 0) delete _accountMember[account];
        emit AccreditationWithdrawn(account, role, scope, memberId);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsortium
    function memberIds() external view returns (bytes32[] memory) {
        return _memberIds;
    }

    /// @inheritdoc IConsortium
    function member(bytes32 memberId) external view returns (Member memory) {
        MemberRecord storage m = _members[memberId];
        return Member(m.id, m.name, m.admin, m.active, m.joinedAt, m.leftAt);
    }

    /// @inheritdoc IConsortium
    function memberOf(address account) external view returns (bytes32) {
        bytes32 memberId = _memberOfAdmin[account];
        return _isActive(memberId) ? memberId : bytes32(0);
    }

    /// @inheritdoc IConsortium
    function isMemberAdmin(address account) external view returns (bool) {
        return _isActive(_memberOfAdmin[account]);
    }

    /// @inheritdoc IConsortium
    function isMember(bytes32 memberId) external view returns (bool) {
        return _isActive(memberId);
    }

    /// @inheritdoc IConsortium
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc IConsortium
    function memberCount() external view returns (uint256) {
        return _memberIds.length;
    }

    /// @inheritdoc IConsortium
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /// @inheritdoc IConsortium
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        if (proposalId >= _proposals.length) revert ConsortiumUnknownProposal(proposalId);
        return _proposals[proposalId];
    }

    /// @inheritdoc IConsortium
    function hasApproved(uint256 proposalId, bytes32 memberId) external view returns (bool) {
        return _approved[proposalId][memberId];
    }

    /// @inheritdoc IConsortium
    function accreditation(address account, bytes32 role, bytes32 scope)
        external
        view
        returns (Accreditation memory)
    {
        Grant memory a = _accreditations[_key(account, role, scope)];
        (bytes32 memberId, uint64 until) = _resolve(a);
        return Accreditation(memberId, a.since, until);
    }

    /// @inheritdoc IConsortium
    function isAccredited(address account, bytes32 role, bytes32 scope)
        external
        view
        returns (bool)
    {
        Grant memory a = _accreditations[_key(account, role, scope)];
        // A grant of the member's current term (the only term whose member is recorded while
        // the member is active) that was not withdrawn.
        return a.since != 0 && a.until == 0 && _isActive(_termMember[a.term]);
    }

    /// @inheritdoc IConsortium
    function wasAccredited(address account, bytes32 role, bytes32 scope, uint64 at)
        external
        view
        returns (bool)
    {
        bytes32 key = _key(account, role, scope);
        Grant memory a = _accreditations[key];
        if (a.since != 0 && a.since <= at) {
            // A grant lies within one term of its member: it ends when withdrawn, when its
            // member left, or not yet.
            (bytes32 memberId, uint64 until) = _resolve(a);
            if (until == 0) {
                MemberRecord storage m = _members[memberId];
                if (m.active || at < m.leftAt) return true;
            } else if (at < until) {
                return true;
            }
        }
        Period[] storage former = _formerPeriods[key];
        for (uint256 i = 0; i < former.length; ++i) {
            if (former[i].since <= at && at < former[i].until) return true;
        }
        return false;
    }

    /// @inheritdoc IConsortium
    function accreditingMember(address account) external view returns (bytes32) {
        return _accountMember[account];
    }

    /// @inheritdoc IConsortium
    function accountName(address account)
        external
        view
        returns (bytes32 memberId, string memory name)
    {
        memberId = _accountMember[account];
        if (memberId != bytes32(0)) name = _accountNames[account][memberId];
    }

    /// @inheritdoc IConsortium
    function proposedListings(uint256 proposalId)
        external
        view
        returns (bytes32[] memory kinds, address[] memory registries)
    {
        if (proposalId >= _proposals.length) revert ConsortiumUnknownProposal(proposalId);
        return (_proposedKinds[proposalId], _proposedRegistries[proposalId]);
    }

    /// @inheritdoc IConsortium
    function registryKinds() external view returns (bytes32[] memory) {
        return _kinds;
    }

    /// @inheritdoc IConsortium
    function registryVersions(bytes32 kind) external view returns (address[] memory) {
        return _versions[kind];
    }

    /// @inheritdoc IConsortium
    function activeRegistry(bytes32 kind) external view returns (address) {
        return _active[kind];
    }

    /// @inheritdoc IConsortium
    function registryListing(address registry) external view returns (RegistryListing memory) {
        ListedRegistry storage r = _listed[registry];
        return RegistryListing(r.kind, r.version, _registryIntervals[registry]);
    }

    /// @inheritdoc IConsortium
    function isActiveRegistry(address registry) external view returns (bool) {
        return _listed[registry].active;
    }

    /// @inheritdoc IConsortium
    function wasActiveRegistry(address registry, uint64 at) external view returns (bool) {
        Interval[] storage intervals = _registryIntervals[registry];
        for (uint256 i = 0; i < intervals.length; ++i) {
            // closed at both ends: an issuance in the block of the vote that replaced the
            // registry may come before the vote in that block
            if (intervals[i].since <= at && (intervals[i].until == 0 || at <= intervals[i].until)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- internals

    function _propose(
        ProposalKind kind,
        bytes32 memberId,
        address account,
        uint256 threshold_,
        string memory name
    ) private returns (uint256 proposalId) {
        bytes32 proposer = _memberOfAdmin[msg.sender];
        proposalId = _proposals.length;
        _proposals.push(
            Proposal({
                kind: kind,
                memberId: memberId,
                account: account,
                threshold: threshold_,
                name: name,
                proposer: proposer,
                createdAt: uint64(block.timestamp),
                approvals: 0,
                executed: false
            })
        );
        emit ProposalCreated(proposalId, kind, memberId, proposer);
        _approve(proposalId, proposer);
    }

    function _approve(uint256 proposalId, bytes32 approver) private {
        Proposal storage p = _proposals[proposalId];
        if (p.executed) revert ConsortiumProposalExecuted(proposalId);
        uint64 expiresAt = p.createdAt + PROPOSAL_LIFETIME;
        if (block.timestamp >= expiresAt) revert ConsortiumProposalExpired(proposalId, expiresAt);
        if (_approved[proposalId][approver]) {
            revert ConsortiumAlreadyApproved(proposalId, approver);
        }
        _approved[proposalId][approver] = true;
        // Only members still active count: a member voted out must not carry its proposals.
        uint32 approvals = _activeApprovals(proposalId);
        p.approvals = approvals;
        emit ProposalApproved(proposalId, approver, approvals);
        if (approvals >= _threshold) _execute(proposalId, p);
    }

    function _execute(uint256 proposalId, Proposal storage p) private {
        p.executed = true;
        if (p.kind == ProposalKind.AddMember) {
            _checkNewMember(p.memberId, p.account);
            _addMember(p.memberId, p.name, p.account);
        } else if (p.kind == ProposalKind.RemoveMember) {
            _removeMember(p.memberId);
        } else if (p.kind == ProposalKind.ChangeThreshold) {
            _setThreshold(p.threshold, _memberIds.length);
        } else if (p.kind == ProposalKind.RotateAdmin) {
            _rotateAdmin(p.memberId, p.account);
        } else {
            bytes32[] storage kinds = _proposedKinds[proposalId];
            address[] storage registries = _proposedRegistries[proposalId];
            for (uint256 i = 0; i < kinds.length; ++i) {
                // another vote may have listed or activated it since the proposal was made
                _checkListable(kinds[i], registries[i]);
                _activate(kinds[i], registries[i]);
            }
        }
        emit ProposalExecuted(proposalId);
    }

    function _activeApprovals(uint256 proposalId) private view returns (uint32 count) {
        for (uint256 i = 0; i < _memberIds.length; ++i) {
            if (_approved[proposalId][_memberIds[i]]) ++count;
        }
    }

    function _addMember(bytes32 memberId, string memory name, address admin) private {
        _checkNewMember(memberId, admin);
        if (_memberIds.length >= MAX_MEMBERS) revert ConsortiumTooManyMembers(MAX_MEMBERS);
        MemberRecord storage former = _members[memberId];
        if (former.joinedAt != 0) {
            // Added again: the grants of its earlier term are void from now on.
            uint32 ended = former.term;
            _endedTerms[ended] = EndedTerm(memberId, former.leftAt);
            delete _termMember[ended];
        }
        uint32 term = ++_termCount;
        _termMember[term] = memberId;
        _members[memberId] =
            MemberRecord(memberId, name, admin, true, uint64(block.timestamp), 0, term);
        _memberOfAdmin[admin] = memberId;
        _memberIds.push(memberId);
        emit MemberAdded(memberId, name, admin);
    }

    function _removeMember(bytes32 memberId) private {
        if (!_isActive(memberId)) revert ConsortiumUnknownMember(memberId);
        _checkThreshold(_threshold, _memberIds.length - 1);
        MemberRecord storage m = _members[memberId];
        m.active = false;
        m.leftAt = uint64(block.timestamp);
        delete _memberOfAdmin[m.admin];
        uint256 last = _memberIds.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            if (_memberIds[i] == memberId) {
                _memberIds[i] = _memberIds[last];
                _memberIds.pop();
                break;
            }
        }
        emit MemberRemoved(memberId);
    }

    function _rotateAdmin(bytes32 memberId, address newAdmin) private {
        if (!_isActive(memberId)) revert ConsortiumUnknownMember(memberId);
        _checkNewAdmin(newAdmin);
        MemberRecord storage m = _members[memberId];
        address oldAdmin = m.admin;
        delete _memberOfAdmin[oldAdmin];
        m.admin = newAdmin;
        _memberOfAdmin[newAdmin] = memberId;
        emit AdminRotated(memberId, oldAdmin, newAdmin);
    }

    function _setThreshold(uint256 threshold_, uint256 count) private {
        _checkThreshold(threshold_, count);
        uint256 old = _threshold;
        _threshold = threshold_;
        emit ThresholdChanged(old, threshold_);
    }

    function _checkNewMember(bytes32 memberId, address admin) private view {
        if (memberId == bytes32(0)) revert ConsortiumInvalidMemberId(memberId);
        if (_isActive(memberId)) revert ConsortiumMemberExists(memberId);
        _checkNewAdmin(admin);
    }

    function _checkNewAdmin(address admin) private view {
        if (admin == address(0)) revert ConsortiumInvalidAccount(admin);
        if (_isActive(_memberOfAdmin[admin])) revert ConsortiumAdminInUse(admin);
    }

    function _checkThreshold(uint256 threshold_, uint256 count) private pure {
        if (threshold_ == 0 || threshold_ > count) {
            revert ConsortiumInvalidThreshold(threshold_, count);
        }
    }

    /// @dev `registry` may become the active version of `kind`: a deployment not listed yet must
    /// name this consortium and `kind`; one listed already must be of `kind` and not active.
    function _checkListable(bytes32 kind, address registry) private view {
        if (kind == bytes32(0)) revert ConsortiumInvalidListing();
        ListedRegistry storage listed = _listed[registry];
        if (listed.kind != bytes32(0)) {
            if (listed.kind != kind) revert ConsortiumRegistryOfOtherKind(registry, listed.kind);
            if (listed.active) revert ConsortiumRegistryAlreadyActive(registry);
            return;
        }
        (bool named, bytes32 consortium_) = _answer(registry, IListedRegistry.consortium.selector);
        (bool kinded, bytes32 kind_) = _answer(registry, IListedRegistry.registryKind.selector);
        if (
            !named || !kinded || consortium_ != bytes32(uint256(uint160(address(this))))
                || kind_ != kind
        ) {
            revert ConsortiumNotARegistryOfKind(registry, kind);
        }
    }

    /// @dev One word answered by a view without arguments of `target`, if it answers one.
    function _answer(address target, bytes4 selector)
        private
        view
        returns (bool ok, bytes32 value)
    {
        if (target.code.length == 0) return (false, 0);
        bytes memory reply;
        (ok, reply) = target.staticcall(abi.encodeWithSelector(selector));
        if (!ok || reply.length != 32) return (false, 0);
        value = abi.decode(reply, (bytes32));
    }

    function _activate(bytes32 kind, address registry) private {
        ListedRegistry storage listed = _listed[registry];
        if (listed.kind == bytes32(0)) {
            if (_versions[kind].length == 0) _kinds.push(kind);
            _versions[kind].push(registry);
            listed.kind = kind;
            listed.version = uint32(_versions[kind].length);
        }
        address previous = _active[kind];
        if (previous != address(0)) {
            _listed[previous].active = false;
            Interval[] storage intervals = _registryIntervals[previous];
            intervals[intervals.length - 1].until = uint64(block.timestamp);
        }
        listed.active = true;
        _registryIntervals[registry].push(Interval(uint64(block.timestamp), 0));
        _active[kind] = registry;
        emit RegistryActivated(kind, registry, listed.version, previous);
    }

    function _checkRole(bytes32 role, bytes32 scope) private pure {
        bool issuer = role == ISSUER_ROLE && scope != bytes32(0);
        bool other =
            (role == ORACLE_ROLE
                    || role == AUDITOR_ROLE
                    || role == CUSTOMS_ROLE
                    || role == TRADE_ROLE) && scope == bytes32(0);
        if (!issuer && !other) revert ConsortiumInvalidRole(role, scope);
    }

    function _checkName(string calldata name) private pure {
        uint256 length = bytes(name).length;
        if (length == 0 || length > MAX_NAME_BYTES) revert ConsortiumInvalidName(length);
    }

    function _name(address account, bytes32 memberId, string calldata name) private {
        _accountNames[account][memberId] = name;
        emit AccountNamed(account, memberId, name);
    }

    function _isActive(bytes32 memberId) private view returns (bool) {
        return memberId != bytes32(0) && _members[memberId].active;
    }

    /// @dev The member that granted `a`, and when the grant ended: when withdrawn or, for a void
    /// grant (its member was added again since), when the term in which it was granted ended;
    /// zero while it stands, also after its member left in its latest term (see _termMember).
    function _resolve(Grant memory a) private view returns (bytes32 memberId, uint64 until) {
        if (a.since == 0) return (bytes32(0), 0);
        memberId = _termMember[a.term];
        until = a.until;
        if (memberId == bytes32(0)) {
            EndedTerm storage ended = _endedTerms[a.term];
            memberId = ended.memberId;
            if (until == 0) until = ended.leftAt;
        }
    }

    function _key(address account, bytes32 role, bytes32 scope) private pure returns (bytes32) {
        return keccak256(abi.encode(account, role, scope));
    }
}
