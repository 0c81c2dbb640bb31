// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IStatisticsRegistry
/// @notice Commitments to monthly trade statistics tables, for mirror comparisons between
/// members: each member's statistics oracle commits, per flow (export or import), partner
/// member and month, the Merkle root of its table's rows. The rows themselves stay off chain
/// and are shared with the partner through the document store.
/// @dev Conventions:
/// - A table is keyed by (member, flow, partner, period). `member` is the committing oracle's
///   accrediting member, never a parameter: an oracle commits for its own member only.
/// - `period` is the month as the number YYYYMM (202610 for October 2026), from MIN_PERIOD
///   (197001) on, month 1..12, and not after the month of the block time (UTC). The current
///   month is accepted (preliminary figures, revised later).
/// - `root` is the Merkle root of the table's rows (computed off chain; the leaf format is the
///   library's, see docs/formats.md); `rows` the number of rows; `cidDigest` the 32-byte
///   sha2-256 digest inside the CIDv1 of the shared rows file, or zero when not shared.
///   The registry stores them and checks none of them beyond: root and rows not zero.
/// - Revisions: every commit appends a revision, numbered from 1, with its block time and
///   committer; earlier revisions are kept. A commit identical to the latest revision (same
///   root, rows and cidDigest) is refused, so a resent transaction adds nothing. History is
///   read in pages of at most MAX_HISTORY_PAGE revisions.
/// - Across versions (upgrades by vote; every version the consortium lists for the kind
///   "StatisticsRegistry"): a table's revisions are one history over all versions. A commit
///   is numbered after the revisions of every listed version (their count plus one; that is
///   the number `commit` returns and StatisticsCommitted carries), and the unchanged check
///   compares with the table's latest revision over all versions (the greatest committedAt;
///   the later-listed version on a tie). `revisionCount`, `latest`, `revision` and `revisions`
///   answer for this version alone, numbered within it (what the versions read of each
///   other); a reader merges the versions' revisions by committedAt for the one history.
/// - Who: an account accredited ORACLE_ROLE (keccak256("ORACLE_ROLE"), scope zero) by an
///   active member, in that member's current term. A member's admin account (its governance
///   key) is refused even if it also holds that accreditation. The partner must be another
///   active member.
interface IStatisticsRegistry {
    /// @notice Direction of the trade a table reports, seen from the reporting member.
    enum Flow {
        Export,
        Import
    }

    /// @notice One committed revision of a table.
    /// @param root Merkle root of the table's rows.
    /// @param cidDigest sha2-256 digest of the shared rows file's CID, or zero.
    /// @param committer The oracle that committed it.
    /// @param committedAt Block time of the commit.
    /// @param rows Number of rows.
    struct Revision {
        bytes32 root;
        bytes32 cidDigest;
        address committer;
        uint64 committedAt;
        uint32 rows;
    }

    /// @notice `member`'s oracle committed revision `revision` of its `flow` table with
    /// `partner` for `period`.
    /// @param member The reporting member.
    /// @param partner The partner member.
    /// @param period The month, YYYYMM.
    /// @param flow Export or Import.
    /// @param revision The revision's number, from 1, over every version.
    /// @param root Merkle root of the rows.
    /// @param rows Number of rows.
    /// @param cidDigest sha2-256 digest of the shared rows file's CID, or zero.
    /// @param committer The oracle that committed it.
    event StatisticsCommitted(
        bytes32 indexed member,
        bytes32 indexed partner,
        uint32 indexed period,
        Flow flow,
        uint256 revision,
        bytes32 root,
        uint32 rows,
        bytes32 cidDigest,
        address committer
    );

    /// @notice The caller is not accredited ORACLE_ROLE by an active member.
    error StatisticsRegistryNotOracle(address caller);
    /// @notice The caller is the admin account (governance key) of `member`.
    error StatisticsRegistryAdminNotOracle(address caller, bytes32 member);
    /// @notice A member cannot report trade with itself.
    error StatisticsRegistryOwnPartner(bytes32 member);
    /// @notice The partner is not an active member.
    error StatisticsRegistryUnknownPartner(bytes32 partner);
    /// @notice The period is not a month YYYYMM from MIN_PERIOD on with month 1..12.
    error StatisticsRegistryInvalidPeriod(uint32 period);
    /// @notice The period is after `current`, the month of the block time.
    error StatisticsRegistryFuturePeriod(uint32 period, uint256 current);
    /// @notice The root is zero.
    error StatisticsRegistryZeroRoot();
    /// @notice A table has at least one row.
    error StatisticsRegistryZeroRows();
    /// @notice The commit repeats the latest revision `revision` (same root, rows and cidDigest;
    /// latest and numbered over every version).
    error StatisticsRegistryUnchanged(
        bytes32 member, Flow flow, bytes32 partner, uint32 period, uint256 revision
    );
    /// @notice The table has no revision `revision` (numbers start at 1; 0 when nothing is committed).
    error StatisticsRegistryNoRevision(
        bytes32 member, Flow flow, bytes32 partner, uint32 period, uint256 revision
    );
    /// @notice A history page may hold at most `max` revisions.
    error StatisticsRegistryPageTooLarge(uint256 limit, uint256 max);

    /// @notice Commit a revision of the caller's member's `flow` table with `partner` for
    /// `period` (see the conventions).
    /// @param flow Export or Import.
    /// @param partner The partner member's id (e.g. bytes32("SG")).
    /// @param period The month, YYYYMM.
    /// @param root Merkle root of the rows; not zero.
    /// @param rows Number of rows; not zero.
    /// @param cidDigest sha2-256 digest of the shared rows file's CID, or zero when not shared.
    /// @return revision The new revision's number, from 1, over every version.
    function commit(
        Flow flow,
        bytes32 partner,
        uint32 period,
        bytes32 root,
        uint32 rows,
        bytes32 cidDigest
    ) external returns (uint256 revision);

    /// @notice Number of revisions of a table on this version alone (0: nothing committed here).
    /// @param member The reporting member.
    /// @param flow Export or Import.
    /// @param partner The partner member.
    /// @param period The month, YYYYMM.
    function revisionCount(bytes32 member, Flow flow, bytes32 partner, uint32 period)
        external
        view
        returns (uint256);

    /// @notice The latest revision of a table on this version alone and its number within this
    /// version; reverts with StatisticsRegistryNoRevision (revision 0) when nothing is
    /// committed here.
    /// @param member The reporting member.
    /// @param flow Export or Import.
    /// @param partner The partner member.
    /// @param period The month, YYYYMM.
    function latest(bytes32 member, Flow flow, bytes32 partner, uint32 period)
        external
        view
        returns (uint256 number, Revision memory record);

    /// @notice Revision `number` (from 1, within this version alone) of a table.
    /// @param member The reporting member.
    /// @param flow Export or Import.
    /// @param partner The partner member.
    /// @param period The month, YYYYMM.
    /// @param number The revision's number, 1..revisionCount.
    function revision(bytes32 member, Flow flow, bytes32 partner, uint32 period, uint256 number)
        external
        view
        returns (Revision memory);

    /// @notice Up to `limit` (at most MAX_HISTORY_PAGE) revisions of this version alone from
    /// index `offset`: element i is this version's revision `offset + i + 1`. An offset past
    /// the end gives an empty page.
    /// @param member The reporting member.
    /// @param flow Export or Import.
    /// @param partner The partner member.
    /// @param period The month, YYYYMM.
    /// @param offset Index of the first revision (its number minus one).
    /// @param limit Most revisions returned.
    function revisions(
        bytes32 member,
        Flow flow,
        bytes32 partner,
        uint32 period,
        uint256 offset,
        uint256 limit
    ) external view returns (Revision[] memory);

    /// @notice The month (YYYYMM, UTC) of a unix time: what `commit` compares periods with.
    /// @param timestamp Unix seconds.
    function periodOf(uint64 timestamp) external pure returns (uint256);
}
