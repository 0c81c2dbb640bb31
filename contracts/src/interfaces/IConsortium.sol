// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice This registry takes no new issuance: the consortium does not list it as the active
/// version of its kind (an unlisted copy, or a version replaced by vote). Changes to what it
/// already holds go on.
error RegistryNotActive(address registry);

/// @title IConsortium
/// @notice Membership and trust list of a customs consortium. Members are customs
/// administrations (ids such as "CN" as left-aligned bytes32), governed by proposals that a
/// threshold of members approve. Each member accredits, for its own jurisdiction, issuers
/// (per certificate type), oracles and auditors.
interface IConsortium {
    /// @notice What a governance proposal changes.
    enum ProposalKind {
        AddMember,
        RemoveMember,
        ChangeThreshold,
        RotateAdmin,
        ListRegistries
    }

    /// @notice A period [since, until) in which a listed registry was the active version of its
    /// kind and took new issuance; `until` is zero while it still is.
    struct Interval {
        uint64 since;
        uint64 until;
    }

    /// @notice A deployment the consortium lists: its kind (such as "CertificateRegistry", as
    /// left-aligned bytes32), its version (1 for the first of its kind, in listing order) and
    /// the intervals in which it was active (several when the consortium rolled back to it).
    struct RegistryListing {
        bytes32 kind;
        uint32 version;
        Interval[] intervals;
    }

    /// @notice A customs administration.
    struct Member {
        bytes32 id;
        string name;
        address admin;
        bool active;
        uint64 joinedAt;
        uint64 leftAt;
    }

    /// @notice A governance proposal; `account` is the new admin, `threshold` the new threshold.
    struct Proposal {
        ProposalKind kind;
        bytes32 memberId;
        address account;
        uint256 threshold;
        string name;
        bytes32 proposer;
        uint64 createdAt;
        uint32 approvals;
        bool executed;
    }

    /// @notice An account accredited by a member for a role; `scope` is the certificate type for
    /// issuers and zero otherwise; `until` is zero while the accreditation stands. An
    /// accreditation belongs to the membership term of its member in which it was granted: once
    /// that member has left and been added again, it is void and `until` is the time the
    /// earlier term ended (the member must accredit again).
    struct Accreditation {
        bytes32 memberId;
        uint64 since;
        uint64 until;
    }

    /// @notice A member joined.
    event MemberAdded(bytes32 indexed memberId, string name, address indexed admin);
    /// @notice A member left.
    event MemberRemoved(bytes32 indexed memberId);
    /// @notice The approval threshold changed.
    event ThresholdChanged(uint256 oldThreshold, uint256 newThreshold);
    /// @notice A member's admin account was replaced.
    event AdminRotated(
        bytes32 indexed memberId, address indexed oldAdmin, address indexed newAdmin
    );
    /// @notice A proposal was created (and approved by its proposer).
    event ProposalCreated(
        uint256 indexed proposalId,
        ProposalKind kind,
        bytes32 indexed memberId,
        bytes32 indexed proposer
    );
    /// @notice A member approved a proposal.
    event ProposalApproved(uint256 indexed proposalId, bytes32 indexed approver, uint256 approvals);
    /// @notice A proposal reached the threshold and was carried out.
    event ProposalExecuted(uint256 indexed proposalId);
    /// @notice A listed registry became the active version of its kind (by vote); the one it
    /// replaces, if any, takes no new issuance from now on.
    event RegistryActivated(
        bytes32 indexed kind, address indexed registry, uint32 version, address previous
    );
    /// @notice A member accredited an account for a role.
    event Accredited(
        address indexed account, bytes32 indexed role, bytes32 indexed scope, bytes32 memberId
    );
    /// @notice A member withdrew an accreditation.
    event AccreditationWithdrawn(
        address indexed account, bytes32 indexed role, bytes32 indexed scope, bytes32 memberId
    );
    /// @notice The member that accredits an account set its display name (on every
    /// accreditation, and on rename).
    event AccountNamed(address indexed account, bytes32 indexed memberId, string name);

    /// @notice A listing names no kind, or arrays of different lengths, or nothing at all.
    error ConsortiumInvalidListing();
    /// @notice `registry` is not a contract of this consortium of kind `kind`: it has no code,
    /// does not name this consortium, or names another kind.
    error ConsortiumNotARegistryOfKind(address registry, bytes32 kind);
    /// @notice `registry` is listed already, under another kind.
    error ConsortiumRegistryOfOtherKind(address registry, bytes32 kind);
    /// @notice `registry` is the active version of its kind already (or named twice).
    error ConsortiumRegistryAlreadyActive(address registry);
    /// @notice The caller is not the admin account of an active member.
    error ConsortiumNotMemberAdmin(address caller);
    /// @notice The member id is empty.
    error ConsortiumInvalidMemberId(bytes32 memberId);
    /// @notice The account is the zero address.
    error ConsortiumInvalidAccount(address account);
    /// @notice The member is already active.
    error ConsortiumMemberExists(bytes32 memberId);
    /// @notice No active member has this id.
    error ConsortiumUnknownMember(bytes32 memberId);
    /// @notice The account is already some member's admin.
    error ConsortiumAdminInUse(address admin);
    /// @notice The consortium is at its member cap.
    error ConsortiumTooManyMembers(uint256 max);
    /// @notice The threshold must be between 1 and the number of members.
    error ConsortiumInvalidThreshold(uint256 threshold, uint256 memberCount);
    /// @notice No proposal has this id.
    error ConsortiumUnknownProposal(uint256 proposalId);
    /// @notice The proposal was already executed.
    error ConsortiumProposalExecuted(uint256 proposalId);
    /// @notice The proposal is older than the proposal lifetime.
    error ConsortiumProposalExpired(uint256 proposalId, uint64 expiredAt);
    /// @notice The member already approved this proposal.
    error ConsortiumAlreadyApproved(uint256 proposalId, bytes32 memberId);
    /// @notice The role is not one a member can accredit, or the scope does not fit the role.
    error ConsortiumInvalidRole(bytes32 role, bytes32 scope);
    /// @notice The account already holds this accreditation.
    error ConsortiumAlreadyAccredited(address account, bytes32 role, bytes32 scope);
    /// @notice The account does not hold this accreditation.
    error ConsortiumNotAccredited(address account, bytes32 role, bytes32 scope);
    /// @notice The account is accredited in another member's jurisdiction.
    error ConsortiumAccountOfOtherMember(address account, bytes32 memberId);
    /// @notice A display name must be 1 to MAX_NAME_BYTES bytes of UTF-8; `length` is in bytes.
    error ConsortiumInvalidName(uint256 length);
    /// @notice No member accredits the account, so nobody may name it.
    error ConsortiumAccountNotBound(address account);

    /// @notice Propose adding a member. The caller's approval is counted.
    /// @param memberId New member id (e.g. "SG").
    /// @param name Administration name.
    /// @param admin Admin account of the new member.
    /// @return proposalId Id of the new proposal.
    function proposeAddMember(bytes32 memberId, string calldata name, address admin)
        external
        returns (uint256 proposalId);

    /// @notice Propose removing a member.
    /// @param memberId Member to remove.
    /// @return proposalId Id of the new proposal.
    function proposeRemoveMember(bytes32 memberId) external returns (uint256 proposalId);

    /// @notice Propose a new approval threshold.
    /// @param threshold New number of approvals needed.
    /// @return proposalId Id of the new proposal.
    function proposeThreshold(uint256 threshold) external returns (uint256 proposalId);

    /// @notice Propose replacing a member's admin account.
    /// @param memberId Member whose admin changes.
    /// @param newAdmin The new admin account.
    /// @return proposalId Id of the new proposal.
    function proposeRotateAdmin(bytes32 memberId, address newAdmin)
        external
        returns (uint256 proposalId);

    /// @notice Approve a proposal as the caller's member; executes it at the threshold.
    /// @param proposalId Proposal to approve.
    function approve(uint256 proposalId) external;

    /// @notice Accredit an account for a role in the caller's jurisdiction, and set the name
    /// the account is shown by (always together with the caller's member, which vouches for it).
    /// @param account Account to accredit.
    /// @param role ISSUER_ROLE, ORACLE_ROLE, AUDITOR_ROLE, CUSTOMS_ROLE or TRADE_ROLE.
    /// @param scope Certificate type (keccak256 of its name) for issuers, zero otherwise.
    /// @param name Display name of the account, 1 to MAX_NAME_BYTES bytes of UTF-8.
    function accredit(address account, bytes32 role, bytes32 scope, string calldata name) external;

    /// @notice Change the display name of an account accredited by the caller's member.
    /// @param account Account bound to the caller's member (see accreditingMember).
    /// @param name New display name, 1 to MAX_NAME_BYTES bytes of UTF-8.
    function renameAccount(address account, string calldata name) external;

    /// @notice Withdraw an accreditation the caller's member granted.
    /// @param account Accredited account.
    /// @param role Role granted.
    /// @param scope Scope granted.
    function withdraw(address account, bytes32 role, bytes32 scope) external;

    /// @notice Ids of the active members.
    function memberIds() external view returns (bytes32[] memory);

    /// @notice A member record (active or former).
    /// @param memberId Member id.
    function member(bytes32 memberId) external view returns (Member memory);

    /// @notice The member whose admin is `account`, or zero.
    /// @param account Account to look up.
    function memberOf(address account) external view returns (bytes32);

    /// @notice Whether `account` is the admin of an active member.
    /// @param account Account to check.
    function isMemberAdmin(address account) external view returns (bool);

    /// @notice Whether `memberId` is an active member.
    /// @param memberId Member id.
    function isMember(bytes32 memberId) external view returns (bool);

    /// @notice Approvals needed to execute a proposal.
    function threshold() external view returns (uint256);

    /// @notice Number of active members.
    function memberCount() external view returns (uint256);

    /// @notice Number of proposals ever created.
    function proposalCount() external view returns (uint256);

    /// @notice A proposal.
    /// @param proposalId Proposal id.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice Whether a member approved a proposal.
    /// @param proposalId Proposal id.
    /// @param memberId Member id.
    function hasApproved(uint256 proposalId, bytes32 memberId) external view returns (bool);

    /// @notice An accreditation record (current, withdrawn or void). It stands when `since != 0`
    /// and `until == 0`; it still stands after its member left, until the member is added
    /// again (so that a departed member's issuers can still revoke what they issued), and is
    /// then void, with `until` the end of the term in which it was granted.
    /// @param account Account.
    /// @param role Role.
    /// @param scope Scope.
    function accreditation(address account, bytes32 role, bytes32 scope)
        external
        view
        returns (Accreditation memory);

    /// @notice Whether the account holds the accreditation now, its member is active and the
    /// accreditation was granted in the member's current term.
    /// @param account Account.
    /// @param role Role.
    /// @param scope Scope.
    function isAccredited(address account, bytes32 role, bytes32 scope) external view returns (bool);

    /// @notice Whether the account held the accreditation at time `at`: granted by then, not yet
    /// withdrawn, and within the membership term of its member in which it was granted. Earlier
    /// periods of an accreditation granted again (after withdrawal or in a later term) count.
    /// @param account Account.
    /// @param role Role.
    /// @param scope Scope.
    /// @param at Unix time.
    function wasAccredited(address account, bytes32 role, bytes32 scope, uint64 at)
        external
        view
        returns (bool);

    /// @notice The member in whose jurisdiction the account is accredited, or zero. The account
    /// stays bound to that member until the member withdraws every accreditation it granted to
    /// it, also while the member is away and after it is added again (its grants of the earlier
    /// term are void but not withdrawn): no other member may accredit it meanwhile, since the
    /// member that left may still hold the key, and a new grant by another member would move to
    /// that member the batches and changes the account signed. Once added again, the member
    /// accredits the account anew, or accredits and withdraws to release it.
    /// @param account Account.
    function accreditingMember(address account) external view returns (bytes32);

    /// @notice The display name of `account` as set by the member it is bound to, and that
    /// member; both empty while no member accredits it. A name set by one member is never
    /// answered once the account is bound to another.
    /// @param account Account.
    function accountName(address account)
        external
        view
        returns (bytes32 memberId, string memory name);

    // ---------------------------------------------------------------- registries

    /// @notice Propose that each `registries[i]` become the active version of `kinds[i]`: a
    /// deployment not listed yet is listed with the next version number; one listed before
    /// (a rollback) becomes active again. Each must be a contract that names this consortium
    /// and its kind. The founding vote lists the first deployment of every kind.
    function proposeListRegistries(bytes32[] calldata kinds, address[] calldata registries)
        external
        returns (uint256 proposalId);

    /// @notice What a ListRegistries proposal would activate.
    function proposedListings(uint256 proposalId)
        external
        view
        returns (bytes32[] memory kinds, address[] memory registries);

    /// @notice Every kind listed so far, in the order first listed.
    function registryKinds() external view returns (bytes32[] memory);

    /// @notice The deployments of `kind` in listing order: version i+1 at index i.
    function registryVersions(bytes32 kind) external view returns (address[] memory);

    /// @notice The active deployment of `kind` (the one taking new issuance), or zero.
    function activeRegistry(bytes32 kind) external view returns (address);

    /// @notice The listing of `registry`; kind zero when the consortium does not list it.
    function registryListing(address registry) external view returns (RegistryListing memory);

    /// @notice Whether `registry` is listed and takes new issuance now.
    function isActiveRegistry(address registry) external view returns (bool);

    /// @notice Whether `registry` was listed and active at time `at`.
    function wasActiveRegistry(address registry, uint64 at) external view returns (bool);
}

/// @notice A deployment the consortium can list: it names its consortium and its kind.
interface IListedRegistry {
    function consortium() external view returns (IConsortium);

    function registryKind() external pure returns (bytes32);
}
