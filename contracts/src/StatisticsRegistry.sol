// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {IStatisticsRegistry} from "./interfaces/IStatisticsRegistry.sol";
import {Roles} from "./Roles.sol";

/// @title StatisticsRegistry
/// @notice Monthly trade statistics tables committed as Merkle roots by each member's oracles,
/// with every revision kept (see IStatisticsRegistry).
contract StatisticsRegistry is IStatisticsRegistry {
    /// @notice Most revisions per `revisions` page.
    uint256 public constant MAX_HISTORY_PAGE = 256;
    /// @notice The earliest period a table may have: January 1970.
    uint32 public constant MIN_PERIOD = 197_001;

    IConsortium private immutable _consortium;

    /// @dev keccak256(abi.encode(member, flow, partner, period)) => revisions, oldest first.
    mapping(bytes32 table => Revision[]) private _revisions;

    /// @param consortium_ The consortium whose members and oracle accreditations count.
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() external pure returns (bytes32) {
        return "StatisticsRegistry";
    }

    /// @notice The consortium this deployment belongs to (when it lists it).
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @dev New issuance only while the consortium lists this deployment as its kind's active
    /// version: an unlisted copy is inert even for accredited keys.
    function _requireActiveRegistry() internal view {
        if (!_consortium.isActiveRegistry(address(this))) revert RegistryNotActive(address(this));
    }

    /// @inheritdoc IStatisticsRegistry
    function commit(
        Flow flow,
        bytes32 partner,
        uint32 period,
        bytes32 root,
        uint32 rows,
        bytes32 cidDigest
    ) external returns (uint256 revision_) {
        _requireActiveRegistry();
        bytes32 member = _oracleMember();
        if (partner == member) revert StatisticsRegistryOwnPartner(member);
        if (!_consortium.isMember(partner)) revert StatisticsRegistryUnknownPartner(partner);
        _checkPeriod(period);
        if (root == bytes32(0)) revert StatisticsRegistryZeroRoot();
        if (rows == 0) revert StatisticsRegistryZeroRows();

        bytes32 table = _tableKey(member, flow, partner, period);
        (uint256 count, Revision memory last) =
            _historyAcrossVersions(table, member, flow, partner, period);
        if (count != 0 && last.root == root && last.rows == rows && last.cidDigest == cidDigest) {
            revert StatisticsRegistryUnchanged(member, flow, partner, period, count);
        }
        _revisions[table].push(Revision(root, cidDigest, msg.sender, uint64(block.timestamp), rows));
        revision_ = count + 1;
        emit StatisticsCommitted(
            member, partner, period, flow, revision_, root, rows, cidDigest, msg.sender
        );
    }

    /// @inheritdoc IStatisticsRegistry
    function revisionCount(bytes32 member, Flow flow, bytes32 partner, uint32 period)
        external
        view
        returns (uint256)
    {
        return _revisions[_tableKey(member, flow, partner, period)].length;
    }

    /// @inheritdoc IStatisticsRegistry
    function latest(bytes32 member, Flow flow, bytes32 partner, uint32 period)
        external
        view
        returns (uint256 number, Revision memory record)
    {
        Revision[] storage history = _revisions[_tableKey(member, flow, partner, period)];
        number = history.length;
        if (number == 0) revert StatisticsRegistryNoRevision(member, flow, partner, period, 0);
        record = history[number - 1];
    }

    /// @inheritdoc IStatisticsRegistry
    function revision(bytes32 member, Flow flow, bytes32 partner, uint32 period, uint256 number)
        external
        view
        returns (Revision memory)
    {
        Revision[] storage history = _revisions[_tableKey(member, flow, partner, period)];
        if (number == 0 || number > history.length) {
            revert StatisticsRegistryNoRevision(member, flow, partner, period, number);
        }
        return history[number - 1];
    }

    /// @inheritdoc IStatisticsRegistry
    function revisions(
        bytes32 member,
        Flow flow,
        bytes32 partner,
        uint32 period,
        uint256 offset,
        uint256 limit
    ) external view returns (Revision[] memory page) {
        if (limit > MAX_HISTORY_PAGE) {
            revert StatisticsRegistryPageTooLarge(limit, MAX_HISTORY_PAGE);
        }
        Revision[] storage history = _revisions[_tableKey(member, flow, partner, period)];
        uint256 length = history.length;
        uint256 start = offset < length ? offset : length;
        uint256 end = length - start < limit ? length : start + limit;
        page = new Revision[](end - start);
        for (uint256 i = start; i < end; ++i) {
            page[i - start] = history[i];
        }
    }

    /// @inheritdoc IStatisticsRegistry
    function periodOf(uint64 timestamp) external pure returns (uint256) {
        return _periodOf(timestamp);
    }

    // ---------------------------------------------------------------- across versions
    // A consortium lists several versions of this registry over the years (upgrades by vote).
    // A table's revisions are one history over all of them: each version reads the others'
    // own-only `revisionCount` and `revision`.

    /// @dev Every listed version of this registry's kind (this one included, when listed).
    function _versions() private view returns (address[] memory) {
        return _consortium.registryVersions("StatisticsRegistry");
    }

    /// @dev How many revisions the table has over this version and every listed one, and the
    /// latest of them (greatest committedAt; the later-listed version on a tie, this version
    /// first when unlisted). Zero and an empty record when nothing is committed.
    function _historyAcrossVersions(
        bytes32 table,
        bytes32 member,
        Flow flow,
        bytes32 partner,
        uint32 period
    ) private view returns (uint256 count, Revision memory last) {
        Revision[] storage own = _revisions[table];
        count = own.length;
        if (count != 0) last = own[count - 1];
        address[] memory versions = _versions();
        for (uint256 i = 0; i < versions.length; ++i) {
            Revision memory candidate;
            if (versions[i] == address(this)) {
                if (own.length == 0) continue;
                candidate = own[own.length - 1];
            } else {
                IStatisticsRegistry other = IStatisticsRegistry(versions[i]);
                uint256 n = other.revisionCount(member, flow, partner, period);
                if (n == 0) continue;
                count += n;
                candidate = other.revision(member, flow, partner, period, n);
            }
            if (candidate.committedAt >= last.committedAt) last = candidate;
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev The acting member of an ORACLE_ROLE key; never a member's admin.
    function _oracleMember() private view returns (bytes32 member) {
        bytes32 governed = _consortium.memberOf(msg.sender);
        if (governed != bytes32(0)) revert StatisticsRegistryAdminNotOracle(msg.sender, governed);
        if (!_consortium.isAccredited(msg.sender, Roles.ORACLE, bytes32(0))) {
            revert StatisticsRegistryNotOracle(msg.sender);
        }
        member = _consortium.accreditingMember(msg.sender);
    }

    function _checkPeriod(uint32 period) private view {
        uint32 month = period % 100;
        if (period < MIN_PERIOD || month == 0 || month > 12) {
            revert StatisticsRegistryInvalidPeriod(period);
        }
        uint256 current = _periodOf(uint64(block.timestamp));
        if (period > current) revert StatisticsRegistryFuturePeriod(period, current);
    }

    /// @dev YYYYMM of a unix time, UTC. Solidity and OpenZeppelin have no calendar; this is
    /// Howard Hinnant's civil_from_days (public domain), for days from 1970-01-01 on.
    function _periodOf(uint64 timestamp) private pure returns (uint256) {
        uint256 z = uint256(timestamp) / 86_400 + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097; // day of era, 0..146096
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1st
        uint256 mp = (5 * doy + 2) / 153; // month from March, 0..11
        uint256 month = mp < 10 ? mp + 3 : mp - 9;
        uint256 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year * 100 + month;
    }

    function _tableKey(bytes32 member, Flow flow, bytes32 partner, uint32 period)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(member, flow, partner, period));
    }
}
