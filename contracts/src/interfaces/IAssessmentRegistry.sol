// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IAssessmentRegistry
/// @notice Members' smart-readiness self-assessments: each member's admin commits, per
/// submission, the framework version it answered, the Merkle root of its answers and the
/// digest of the answers file it shared with every member through the document store.
/// @dev Conventions:
/// - A submission is the caller's own: the member is the one whose admin account (governance
///   key) sends it, never a parameter, so an admin of one member cannot submit for another.
/// - `frameworkVersion` is the framework's version text left-aligned in 32 bytes ("2026.1");
///   `answersRoot` the Merkle root of the answers (leaf format in docs/assessment.md);
///   `answersDigest` the 32-byte sha2-256 digest inside the CIDv1 of the shared answers file
///   (as the DocumentRegistry names documents); `indicators` how many indicators were answered.
///   None of them may be zero; the registry checks nothing else about them.
/// - History: every submission is appended with its block time and submitter, numbered from 1
///   per member; nothing is overwritten. A submission identical to the member's latest (same
///   version, root and digest) is refused, so a resent transaction adds nothing. History is read
///   in pages of at most MAX_HISTORY_PAGE submissions.
/// - Across versions (upgrades by vote; every version the consortium lists for the kind
///   "AssessmentRegistry"): the views answer for this version alone; a reader merges the listed
///   versions' submissions by submittedAt for one history. New submissions go to the active
///   version only.
interface IAssessmentRegistry {
    /// @notice One submitted self-assessment.
    /// @param frameworkVersion The framework version answered ("2026.1" as bytes32).
    /// @param answersRoot Merkle root of the answers.
    /// @param answersDigest sha2-256 digest of the shared answers file's CIDv1.
    /// @param submitter The member's admin account that submitted it.
    /// @param submittedAt Block time of the submission.
    /// @param indicators Number of indicators answered.
    struct Submission {
        bytes32 frameworkVersion;
        bytes32 answersRoot;
        bytes32 answersDigest;
        address submitter;
        uint64 submittedAt;
        uint16 indicators;
    }

    /// @notice `member` submitted its self-assessment number `number` (within this version).
    event AssessmentSubmitted(
        bytes32 indexed member,
        uint256 number,
        bytes32 frameworkVersion,
        bytes32 answersRoot,
        bytes32 answersDigest,
        uint16 indicators,
        address submitter
    );

    /// @notice The caller is not the admin account of an active member.
    error AssessmentRegistryNotMemberAdmin(address caller);
    /// @notice The framework version is zero.
    error AssessmentRegistryZeroVersion();
    /// @notice The answers root is zero.
    error AssessmentRegistryZeroRoot();
    /// @notice The answers digest is zero.
    error AssessmentRegistryZeroDigest();
    /// @notice The number of indicators is not 1..max.
    error AssessmentRegistryInvalidIndicatorCount(uint256 indicators, uint256 max);
    /// @notice The submission repeats the member's latest submission `number`.
    error AssessmentRegistryUnchanged(bytes32 member, uint256 number);
    /// @notice The member has no submission `number` (numbers start at 1).
    error AssessmentRegistryNoSubmission(bytes32 member, uint256 number);
    /// @notice A history page may hold at most `max` submissions.
    error AssessmentRegistryPageTooLarge(uint256 limit, uint256 max);

    /// @notice Submit the caller's member's self-assessment (see the conventions).
    /// @param frameworkVersion The framework version answered; not zero.
    /// @param answersRoot Merkle root of the answers; not zero.
    /// @param answersDigest sha2-256 digest of the shared answers file's CIDv1; not zero.
    /// @param indicators Number of indicators answered, 1..MAX_INDICATORS.
    /// @return number The submission's number for the member on this version, from 1.
    function submit(
        bytes32 frameworkVersion,
        bytes32 answersRoot,
        bytes32 answersDigest,
        uint16 indicators
    ) external returns (uint256 number);

    /// @notice How many submissions `member` has on this version.
    /// @param member The member's id (e.g. bytes32("CN")).
    function submissionCount(bytes32 member) external view returns (uint256);

    /// @notice The member's latest submission on this version and its number; reverts with
    /// AssessmentRegistryNoSubmission (number 0) when it has none.
    /// @param member The member's id.
    function latest(bytes32 member) external view returns (uint256 number, Submission memory record);

    /// @notice The member's submission `number` (from 1) on this version.
    /// @param member The member's id.
    /// @param number The submission's number, 1..submissionCount.
    function submission(bytes32 member, uint256 number) external view returns (Submission memory);

    /// @notice Up to `limit` (at most MAX_HISTORY_PAGE) of the member's submissions on this
    /// version from index `offset` (its number minus one); past the end: an empty page.
    /// @param member The member's id.
    /// @param offset Index of the first submission.
    /// @param limit Most submissions returned.
    function submissions(bytes32 member, uint256 offset, uint256 limit)
        external
        view
        returns (Submission[] memory);
}
