// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IOracleQuorum} from "./IOracleQuorum.sol";

/// @title IAeoRegistry
/// @notice Authorized Economic Operator certifications per member, and mutual recognition
/// arrangements (MRAs) between members.
/// @dev Conventions:
/// - Operators are opaque bytes32 ids (a hash of the national AEO number with the member id,
///   computed off chain); a certification is keyed by (certifying member, operator).
/// - Tiers are 1..MAX_TIER (15); tier sets are uint16 masks with bit `1 << tier` (bit 0 unused).
/// - Times are unix seconds (uint64). `effectiveAt`/`at` of 0 mean the current block time.
/// - A validity window covers `validFrom <= t < validUntil`; `validUntil` 0 means no expiry;
///   `validFrom` 0 means the change's effective time.
/// - History is append-only and ordered by effective time; a change's effective time may not
///   be before the previous change's. Of several changes at the same time the last one wins.
///   History has no cap (a revocation, suspension or termination is never refused for its
///   length): point-in-time reads are a binary search, O(log n) storage reads, and a read at
///   or after the latest change one read; full histories are read in pages of at most
///   MAX_HISTORY_PAGE entries.
/// - Operational keys: certifications (certify, suspend, reinstate, revoke, applyChanges) and MRA
///   consent (proposeMra, cancelMraProposal, acceptMra, suspendMra, resumeMra, terminateMra)
///   are sent by an account accredited CUSTOMS_ROLE (keccak256("CUSTOMS_ROLE"), scope zero) by
///   an active member, which is the acting member. A member's admin account (its governance
///   key) is refused even if it also holds that accreditation (AeoRegistryAdminNotCustoms).
///   The oracle path (submitChanges) and setOracleQuorum (member admin) are unchanged.
/// - `certify` makes a None or Revoked certification Active and leaves a Suspended one
///   Suspended (a tier or validity change does not lift a suspension; `reinstate` does).
///   `suspend` needs Active; `reinstate` needs Suspended; `revoke` needs Active or Suspended.
/// - Oracle path, EIP-712 domain `{name: "sanzhi AeoRegistry", version: "1", chainId,
///   verifyingContract}`, primary type AeoChangeBatch, type string (exactly):
///   `AeoChangeBatch(bytes32 member,AeoChange[] changes,uint256 nonce,uint64 deadline)`
///   `AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,`
///   `bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)`
///   (the two concatenated without separator; `kind` is the ChangeKind number). Fields a
///   kind does not use (tier, validity and evidence for suspend/reinstate/revoke; reason for
///   certify) are ignored but still signed.
/// - Versions: the consortium lists the deployments of this kind (an upgrade by vote adds
///   one). Certifications, proposals and acceptances are new issuance: only the active version
///   takes them. Every other change goes to the version that holds the record's latest change
///   (AeoRegistryHeldOnOtherVersion / AeoRegistryMraHeldOnOtherVersion elsewhere), and a
///   record's first change on another version is not before its latest change (strictly after
///   it on a version listed before the holder: of changes at the same time, the later listed
///   version's is the later), so histories never interleave. `isRecognized` and `recognition` answer across
///   every listed version; `certification*`, `mra*` and `mraPartners` answer for this
///   deployment alone (a reader merges them: the latest change wins).
interface IAeoRegistry is IOracleQuorum {
    /// @notice Status of a certification.
    enum Status {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice What a change does to a certification.
    enum ChangeKind {
        Certify,
        Suspend,
        Reinstate,
        Revoke
    }

    /// @notice State of an MRA between two members.
    enum MraStatus {
        None,
        InForce,
        Suspended,
        Terminated
    }

    /// @notice Why an operator is or is not recognised at a time (first failing check, in this
    /// order). NoMra: no MRA between the two had been accepted and in effect by then;
    /// MraNotInForce: the MRA was suspended or terminated at that time. Answers about a past
    /// time never change once that time has passed, unless a member records a back-dated
    /// certification change (effectiveAt in the past).
    enum Reason {
        Recognized,
        NotCertified,
        Revoked,
        Suspended,
        NotYetValid,
        Expired,
        NoMra,
        MraNotInForce,
        TierNotInScope
    }

    /// @notice One change to a certification, as submitted and signed.
    struct AeoChange {
        ChangeKind kind;
        bytes32 operator;
        uint8 tier;
        uint64 validFrom;
        uint64 validUntil;
        bytes32 evidenceHash;
        uint16 reason;
        uint64 effectiveAt;
    }

    /// @notice A certification's state after one change (one entry of its history).
    struct CertificationState {
        ChangeKind kind;
        Status status;
        uint8 tier;
        uint16 reason;
        uint64 validFrom;
        uint64 validUntil;
        uint64 effectiveAt;
    }

    /// @notice A certification as last recorded (possibly effective in the future).
    struct Certification {
        CertificationState state;
        bytes32 evidenceHash;
        uint256 changes;
    }

    /// @notice An MRA state change, seen from (member, partner): `memberTiers` are the tiers of
    /// the partner's AEOs that `member` recognises, `partnerTiers` the reverse.
    struct MraState {
        MraStatus status;
        uint64 at;
        uint16 memberTiers;
        uint16 partnerTiers;
    }

    /// @notice An MRA between `member` and `partner` as last recorded (state.status None: never).
    struct Mra {
        MraState state;
        bytes32 suspendedBy;
        uint256 changes;
    }

    /// @notice A pending MRA proposal (`proposedAt` 0: none).
    struct MraProposal {
        bytes32 proposer;
        bytes32 partner;
        uint16 tiersRecognisedByProposer;
        uint16 tiersRecognisedByPartner;
        uint64 effectiveFrom;
        uint64 proposedAt;
    }

    /// @notice A member certified (or re-certified) an operator.
    event OperatorCertified(
        bytes32 indexed certifyingMember,
        bytes32 indexed operator,
        uint8 tier,
        uint64 validFrom,
        uint64 validUntil,
        bytes32 evidenceHash,
        uint64 effectiveAt
    );
    /// @notice A member suspended its certification of an operator.
    event OperatorSuspended(
        bytes32 indexed certifyingMember,
        bytes32 indexed operator,
        uint16 reason,
        uint64 effectiveAt
    );
    /// @notice A member reinstated a suspended certification.
    event OperatorReinstated(
        bytes32 indexed certifyingMember,
        bytes32 indexed operator,
        uint16 reason,
        uint64 effectiveAt
    );
    /// @notice A member revoked its certification of an operator.
    event OperatorRevoked(
        bytes32 indexed certifyingMember,
        bytes32 indexed operator,
        uint16 reason,
        uint64 effectiveAt
    );
    /// @notice A member proposed (or re-proposed) an MRA to a partner.
    event MraProposed(
        bytes32 indexed proposer,
        bytes32 indexed partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    );
    /// @notice A pending MRA proposal was withdrawn or rejected by `member`.
    event MraProposalCancelled(bytes32 indexed member, bytes32 indexed partner);
    /// @notice `member` accepted `partner`'s proposal; the MRA is in force from `effectiveAt`.
    event MraAccepted(bytes32 indexed member, bytes32 indexed partner, uint64 effectiveAt);
    /// @notice `member` suspended its MRA with `partner`.
    event MraSuspended(bytes32 indexed member, bytes32 indexed partner, uint64 effectiveAt);
    /// @notice `member` resumed its suspended MRA with `partner`.
    event MraResumed(bytes32 indexed member, bytes32 indexed partner, uint64 effectiveAt);
    /// @notice `member` terminated its MRA with `partner`.
    event MraTerminated(bytes32 indexed member, bytes32 indexed partner, uint64 effectiveAt);

    /// @notice The caller is not accredited CUSTOMS_ROLE (scope zero) by an active member.
    error AeoRegistryNotCustoms(address caller);
    /// @notice The caller is the admin (governance) account of `member`; operational
    /// transactions are sent by an account accredited CUSTOMS_ROLE.
    error AeoRegistryAdminNotCustoms(address caller, bytes32 member);
    /// @notice The operator id is zero.
    error AeoRegistryInvalidOperator(bytes32 operator);
    /// @notice The tier is not in 1..max.
    error AeoRegistryInvalidTier(uint8 tier, uint8 max);
    /// @notice `validUntil` is not after `validFrom`.
    error AeoRegistryInvalidValidity(uint64 validFrom, uint64 validUntil);
    /// @notice The change does not apply to a certification in this status.
    error AeoRegistryInvalidTransition(
        bytes32 certifyingMember, bytes32 operator, Status status, ChangeKind kind
    );
    /// @notice The effective time is before the certification's previous change.
    error AeoRegistryEffectiveTimeTooEarly(
        bytes32 certifyingMember, bytes32 operator, uint64 effectiveAt, uint64 previous
    );
    /// @notice A batch must hold 1..max changes.
    error AeoRegistryInvalidBatchSize(uint256 size, uint256 max);
    /// @notice The partner is the member itself or not an active member.
    error AeoRegistryInvalidPartner(bytes32 partner);
    /// @notice A tier mask uses bit 0 or bits above MAX_TIER, or both masks are empty.
    error AeoRegistryInvalidTierMask(
        uint16 tiersRecognisedByProposer, uint16 tiersRecognisedByPartner
    );
    /// @notice No MRA proposal is pending between the two members.
    error AeoRegistryNoMraProposal(bytes32 member, bytes32 partner);
    /// @notice A member cannot accept its own proposal.
    error AeoRegistryOwnMraProposal(bytes32 member, bytes32 partner);
    /// @notice The pending proposal's terms (given here) are not the ones the accepting member
    /// passed to acceptMra: the proposal was replaced since the member read it.
    error AeoRegistryMraTermsChanged(
        bytes32 member,
        bytes32 partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    );
    /// @notice The MRA action does not apply to an MRA in this status.
    error AeoRegistryInvalidMraTransition(bytes32 member, bytes32 partner, MraStatus status);
    /// @notice Only the member that suspended an MRA may resume it.
    error AeoRegistryNotMraSuspender(bytes32 member, bytes32 partner, bytes32 suspendedBy);
    /// @notice A history page may hold at most `max` entries.
    error AeoRegistryPageTooLarge(uint256 limit, uint256 max);
    /// @notice The member has MAX_MRA_PARTNERS partners already.
    error AeoRegistryTooManyPartners(bytes32 member, uint256 max);
    /// @notice The certification's latest change is on `registry`, another listed version:
    /// suspend, reinstate and revoke it there (only a certification goes to the active version).
    error AeoRegistryHeldOnOtherVersion(
        bytes32 certifyingMember, bytes32 operator, address registry
    );
    /// @notice The MRA's latest change is on `registry`, another listed version: suspend,
    /// resume and terminate it there (only acceptance goes to the active version).
    error AeoRegistryMraHeldOnOtherVersion(bytes32 member, bytes32 partner, address registry);

    // ------------------------------------------------------------ certifications (customs keys)

    /// @notice Certify an operator, or change its tier/validity/evidence, for the caller's member.
    /// Every function of this section is sent by a customs key (see Operational keys above).
    /// @param operator Operator id.
    /// @param tier 1..MAX_TIER.
    /// @param validFrom Start of validity (0: the effective time).
    /// @param validUntil End of validity, exclusive (0: no expiry).
    /// @param evidenceHash Hash of the certification evidence.
    /// @param effectiveAt When the change takes effect (0: now).
    function certify(
        bytes32 operator,
        uint8 tier,
        uint64 validFrom,
        uint64 validUntil,
        bytes32 evidenceHash,
        uint64 effectiveAt
    ) external;

    /// @notice Suspend the caller's member's certification of an operator.
    /// @param operator Operator id.
    /// @param reason Reason code.
    /// @param effectiveAt When the change takes effect (0: now).
    function suspend(bytes32 operator, uint16 reason, uint64 effectiveAt) external;

    /// @notice Reinstate a suspended certification.
    /// @param operator Operator id.
    /// @param reason Reason code.
    /// @param effectiveAt When the change takes effect (0: now).
    function reinstate(bytes32 operator, uint16 reason, uint64 effectiveAt) external;

    /// @notice Revoke a certification.
    /// @param operator Operator id.
    /// @param reason Reason code.
    /// @param effectiveAt When the change takes effect (0: now).
    function revoke(bytes32 operator, uint16 reason, uint64 effectiveAt) external;

    /// @notice Apply 1..MAX_BATCH changes to the caller's member's certifications, in order.
    /// @param changes The changes.
    function applyChanges(AeoChange[] calldata changes) external;

    /// @notice Apply 1..MAX_BATCH changes to `member`'s certifications, signed by a quorum of
    /// its oracles (see IOracleQuorum and the type string above). Anyone may submit.
    /// @param member Member whose certifications change.
    /// @param changes The changes, applied in order; all or none.
    /// @param nonce Unused nonce of `member`.
    /// @param deadline Last block time at which the submission is accepted.
    /// @param signatures One 65-byte signature per oracle, any order.
    function submitChanges(
        bytes32 member,
        AeoChange[] calldata changes,
        uint256 nonce,
        uint64 deadline,
        bytes[] calldata signatures
    ) external;

    /// @notice The EIP-712 digest the oracles sign for `submitChanges`.
    /// @param member Member whose certifications change.
    /// @param changes The changes.
    /// @param nonce Nonce.
    /// @param deadline Deadline.
    function changesDigest(
        bytes32 member,
        AeoChange[] calldata changes,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32);

    // ------------------------------------------------------------ MRAs (customs keys)

    /// @notice Propose an MRA (or an amendment of one in force) to `partner`; replaces any
    /// pending proposal between the two.
    /// @param partner Partner member.
    /// @param tiersRecognisedByProposer Mask of the partner's tiers the caller recognises.
    /// @param tiersRecognisedByPartner Mask of the caller's tiers the partner recognises.
    /// @param effectiveFrom Earliest time it takes effect (0: on acceptance).
    function proposeMra(
        bytes32 partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    ) external;

    /// @notice Withdraw (proposer) or reject (partner) the pending proposal.
    /// @param partner The other member.
    function cancelMraProposal(bytes32 partner) external;

    /// @notice Accept `partner`'s pending proposal, whose terms must be exactly the ones given
    /// (as in MraProposed / mraProposal), else AeoRegistryMraTermsChanged; in force from
    /// max(effectiveFrom, now, previous change). Not while the MRA is suspended.
    /// @param partner The proposing member.
    /// @param tiersRecognisedByProposer The proposal's mask of the caller's member's tiers that
    /// `partner` recognises.
    /// @param tiersRecognisedByPartner The proposal's mask of `partner`'s tiers that the caller's
    /// member recognises.
    /// @param effectiveFrom The proposal's effectiveFrom (0: on acceptance).
    function acceptMra(
        bytes32 partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    ) external;

    /// @notice Suspend an MRA that is in force (or accepted for a future date).
    /// @param partner The other member.
    function suspendMra(bytes32 partner) external;

    /// @notice Resume an MRA the caller's member suspended.
    /// @param partner The other member.
    function resumeMra(bytes32 partner) external;

    /// @notice Terminate an MRA in force or suspended.
    /// @param partner The other member.
    function terminateMra(bytes32 partner) external;

    // ------------------------------------------------------------ views

    /// @notice Whether `recognisingMember` recognises `operator` as certified by
    /// `certifyingMember` at time `at` (0: now). Equal members: own certification.
    /// @param operator Operator id.
    /// @param certifyingMember Member that certified the operator.
    /// @param recognisingMember Member asking.
    /// @param at Unix time (0: now).
    function isRecognized(
        bytes32 operator,
        bytes32 certifyingMember,
        bytes32 recognisingMember,
        uint64 at
    ) external view returns (bool);

    /// @notice Like isRecognized, with the reason (Recognized when recognised).
    /// @param operator Operator id.
    /// @param certifyingMember Member that certified the operator.
    /// @param recognisingMember Member asking.
    /// @param at Unix time (0: now).
    function recognition(
        bytes32 operator,
        bytes32 certifyingMember,
        bytes32 recognisingMember,
        uint64 at
    ) external view returns (bool recognized, Reason reason);

    /// @notice The certification as last recorded (state.status None: never certified).
    /// @param operator Operator id.
    /// @param certifyingMember Certifying member.
    function certification(bytes32 operator, bytes32 certifyingMember)
        external
        view
        returns (Certification memory);

    /// @notice The certification state in effect at `at` (0: now); status None before any.
    /// @param operator Operator id.
    /// @param certifyingMember Certifying member.
    /// @param at Unix time (0: now).
    function certificationAt(bytes32 operator, bytes32 certifyingMember, uint64 at)
        external
        view
        returns (CertificationState memory);

    /// @notice Changes `offset` .. `offset + limit - 1` of a certification, oldest first
    /// (fewer at the end of the history; none when `offset` is at or past its length).
    /// @param operator Operator id.
    /// @param certifyingMember Certifying member.
    /// @param offset Index of the first change (0: the oldest).
    /// @param limit Most changes returned, at most MAX_HISTORY_PAGE.
    function certificationHistory(
        bytes32 operator,
        bytes32 certifyingMember,
        uint256 offset,
        uint256 limit
    ) external view returns (CertificationState[] memory);

    /// @notice Number of changes of a certification (the same as `certification().changes`).
    /// @param operator Operator id.
    /// @param certifyingMember Certifying member.
    function certificationHistoryLength(bytes32 operator, bytes32 certifyingMember)
        external
        view
        returns (uint256);

    /// @notice The MRA between two members as last recorded, seen from `member`.
    /// @param member One member.
    /// @param partner The other.
    function mra(bytes32 member, bytes32 partner) external view returns (Mra memory);

    /// @notice The MRA state in effect at `at` (0: now), seen from `member`.
    /// @param member One member.
    /// @param partner The other.
    /// @param at Unix time (0: now).
    function mraAt(bytes32 member, bytes32 partner, uint64 at)
        external
        view
        returns (MraState memory);

    /// @notice State changes `offset` .. `offset + limit - 1` of the MRA, oldest first, seen
    /// from `member` (fewer at the end of the history; none when `offset` is at or past its
    /// length).
    /// @param member One member.
    /// @param partner The other.
    /// @param offset Index of the first change (0: the oldest).
    /// @param limit Most changes returned, at most MAX_HISTORY_PAGE.
    function mraHistory(bytes32 member, bytes32 partner, uint256 offset, uint256 limit)
        external
        view
        returns (MraState[] memory);

    /// @notice Number of state changes of the MRA (the same as `mra().changes`).
    /// @param member One member.
    /// @param partner The other.
    function mraHistoryLength(bytes32 member, bytes32 partner) external view returns (uint256);

    /// @notice The pending proposal between two members, if any.
    /// @param member One member.
    /// @param partner The other.
    function mraProposal(bytes32 member, bytes32 partner) external view returns (MraProposal memory);

    /// @notice Members `member` ever proposed to or received a proposal from (at most
    /// MAX_MRA_PARTNERS).
    /// @param member Member id.
    function mraPartners(bytes32 member) external view returns (bytes32[] memory);
}
