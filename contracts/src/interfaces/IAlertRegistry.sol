// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IAlertRegistry
/// @notice Joint risk alerts between members: a member's customs publishes an alert with its
/// scope (HS codes or chapters, origin and destination members, an operator, ports of loading
/// and discharge), a severity and the interval in which it is in force; the partners' risk
/// engines read it. The reason's details are a document shared through the document store with
/// the members the publisher chooses; only its content identifier is on chain.
/// @dev Conventions:
/// - Who: an account accredited CUSTOMS_ROLE (keccak256("CUSTOMS_ROLE"), scope zero) by an
///   active member, in that member's current term. A member's admin account (its governance
///   key) is refused even if it also holds that accreditation. The alert belongs to the
///   accrediting member; only that member's customs keys extend or withdraw it.
/// - Scope: an empty list means any. `hs` holds HS prefixes of 2, 4 or 6 ASCII digits,
///   left-aligned in bytes6 ("0306" is 0x303330360000); `origins` and `destinations` active
///   member ids; `operator` the operator's pseudonymous id as the AEO registry keys it (zero:
///   any); ports are UN/LOCODEs, five characters: a country's two letters A-Z, then three of
///   A-Z and 2-9. Each list holds at most MAX_SCOPE_ENTRIES entries, without repeats.
/// - Time: `since < until`, `until` after the block time, and at most MAX_HORIZON after it
///   (at publication and at each extension). An alert is in force at time t when it was
///   published by t, t >= since, t < the `until` set last at or before t, and it was not
///   withdrawn at or before t. Extending sets a later `until` (history kept, so a decision
///   taken before an extension reads the same afterwards); an alert that has ended or was
///   withdrawn is not extended. Withdrawing is once, and counts from its block time.
/// - Ids: numbered from 1 over every version the consortium lists for the kind
///   "AlertRegistry" (a publication takes the sum of every listed version's `alertCount`, plus
///   one). An alert stays on the version that published it: it is extended and withdrawn
///   there, also after an upgrade (changes to what a version holds go on); new alerts only on
///   the active version. `alertCount`, `alertIds` and `alert` answer for this version alone.
interface IAlertRegistry {
    /// @notice How strongly partners should weigh an alert.
    enum Severity {
        Low,
        Medium,
        High
    }

    /// @notice What an alert concerns; an empty list (zero operator) means any.
    struct Scope {
        bytes6[] hs;
        bytes32[] origins;
        bytes32[] destinations;
        bytes32 operator;
        bytes5[] portsOfLoading;
        bytes5[] portsOfDischarge;
    }

    /// @notice A later `until` set at block time `at`.
    struct Extension {
        uint64 at;
        uint64 until;
    }

    /// @notice One alert as stored. `publishedUntil` is the end set at publication; each
    /// extension sets a later one from its block time; `withdrawnAt` is zero while not
    /// withdrawn; `reasonCid` the binary CIDv1 of the reason document in the document store,
    /// empty when none.
    struct Alert {
        uint256 id;
        bytes32 member;
        address publisher;
        Severity severity;
        uint64 since;
        uint64 publishedUntil;
        uint64 publishedAt;
        uint64 withdrawnAt;
        bytes reasonCid;
        Scope scope;
        Extension[] extensions;
    }

    /// @notice `member`'s customs key `publisher` published alert `alertId`.
    event AlertPublished(
        uint256 indexed alertId,
        bytes32 indexed member,
        address indexed publisher,
        Severity severity,
        uint64 since,
        uint64 until,
        bytes32 operator,
        bytes reasonCid,
        Scope alertScope
    );
    /// @notice Alert `alertId` of `member` is in force until `until` (later than before).
    event AlertExtended(
        uint256 indexed alertId, bytes32 indexed member, address indexed by, uint64 until
    );
    /// @notice Alert `alertId` of `member` was withdrawn (from this block's time on).
    event AlertWithdrawn(uint256 indexed alertId, bytes32 indexed member, address indexed by);

    /// @notice The caller is not accredited CUSTOMS_ROLE by an active member.
    error AlertRegistryNotCustoms(address caller);
    /// @notice The caller is the admin account (governance key) of `member`.
    error AlertRegistryAdminNotCustoms(address caller, bytes32 member);
    /// @notice Alert `alertId` belongs to `owner`; the caller acts for `member`.
    error AlertRegistryNotOwner(uint256 alertId, bytes32 owner, bytes32 member);
    /// @notice No alert `alertId` on this version.
    error AlertRegistryUnknownAlert(uint256 alertId);
    /// @notice A scope list holds more than `max` entries; `list` 0..4 is hs, origins,
    /// destinations, portsOfLoading, portsOfDischarge.
    error AlertRegistryTooManyEntries(uint8 list, uint256 length, uint256 max);
    /// @notice Not an HS prefix of 2, 4 or 6 digits, or named twice.
    error AlertRegistryInvalidHs(bytes6 hs);
    /// @notice Not an active member, or named twice in the same list.
    error AlertRegistryInvalidMember(bytes32 member);
    /// @notice Not a UN/LOCODE, or named twice in the same list.
    error AlertRegistryInvalidPort(bytes5 port);
    /// @notice The interval is not `since < until` with `until` after `now` and at most
    /// `maxUntil`.
    error AlertRegistryInvalidInterval(uint64 since, uint64 until, uint64 now, uint64 maxUntil);
    /// @notice An extension must set an `until` later than `current`.
    error AlertRegistryNotLater(uint256 alertId, uint64 until, uint64 current);
    /// @notice Alert `alertId` ended at `until`; it is not changed any more.
    error AlertRegistryEnded(uint256 alertId, uint64 until);
    /// @notice Alert `alertId` was withdrawn at `withdrawnAt`.
    error AlertRegistryAlreadyWithdrawn(uint256 alertId, uint64 withdrawnAt);
    /// @notice Alert `alertId` has MAX_EXTENSIONS extensions already.
    error AlertRegistryTooManyExtensions(uint256 alertId, uint256 max);
    /// @notice The reason's CID is longer than `max` bytes.
    error AlertRegistryInvalidCid(uint256 length, uint256 max);
    /// @notice A page of ids may hold at most `max`.
    error AlertRegistryPageTooLarge(uint256 limit, uint256 max);

    /// @notice Publish an alert as the caller's member (see the conventions).
    /// @param severity Low, Medium or High.
    /// @param scope What the alert concerns.
    /// @param since Unix time from which it is in force (it is never in force before its
    /// publication).
    /// @param until Unix time at which it ends.
    /// @param reasonCid Binary CIDv1 of the reason document (at most MAX_CID_LENGTH bytes), or
    /// empty.
    /// @return alertId The new alert's id, over every version.
    function publish(
        Severity severity,
        Scope calldata scope,
        uint64 since,
        uint64 until,
        bytes calldata reasonCid
    ) external returns (uint256 alertId);

    /// @notice Keep alert `alertId` in force until a later `until`.
    /// @param alertId The alert, on this version.
    /// @param until The new end, later than the current one and at most MAX_HORIZON from now.
    function extend(uint256 alertId, uint64 until) external;

    /// @notice Withdraw alert `alertId` from now on.
    /// @param alertId The alert, on this version.
    function withdraw(uint256 alertId) external;

    /// @notice Alert `alertId`, on this version alone (AlertRegistryUnknownAlert elsewhere).
    /// @param alertId The alert's id.
    function alert(uint256 alertId) external view returns (Alert memory);

    /// @notice Number of alerts published on this version alone.
    function alertCount() external view returns (uint256);

    /// @notice Up to `limit` (at most MAX_PAGE) ids of alerts published on this version, in
    /// publication order, from index `offset`; past the end an empty page.
    /// @param offset Index of the first id.
    /// @param limit Most ids returned.
    function alertIds(uint256 offset, uint256 limit) external view returns (uint256[] memory);

    /// @notice Whether alert `alertId` (on this version) is in force at unix time `at`.
    /// @param alertId The alert's id.
    /// @param at Unix time.
    function inForce(uint256 alertId, uint64 at) external view returns (bool);
}
