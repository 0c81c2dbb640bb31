// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {IAlertRegistry} from "./interfaces/IAlertRegistry.sol";
import {Roles} from "./Roles.sol";

/// @title AlertRegistry
/// @notice Joint risk alerts published by members' customs keys (see IAlertRegistry).
contract AlertRegistry is IAlertRegistry {
    /// @notice Most entries in each list of a scope.
    uint256 public constant MAX_SCOPE_ENTRIES = 32;
    /// @notice Longest time from now that an alert may be in force: 366 days.
    uint64 public constant MAX_HORIZON = 366 days;
    /// @notice Most extensions of one alert.
    uint256 public constant MAX_EXTENSIONS = 64;
    /// @notice Longest reason CID, in bytes.
    uint256 public constant MAX_CID_LENGTH = 64;
    /// @notice Most ids per `alertIds` page.
    uint256 public constant MAX_PAGE = 256;

    IConsortium private immutable _consortium;

    mapping(uint256 alertId => Alert) private _alerts;
    /// @dev Ids published on this version, in publication order.
    uint256[] private _ids;

    /// @param consortium_ The consortium whose members and customs accreditations count.
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() external pure returns (bytes32) {
        return "AlertRegistry";
    }

    /// @notice The consortium this deployment belongs to (when it lists it).
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @dev New alerts only while the consortium lists this deployment as its kind's active
    /// version: an unlisted copy is inert even for accredited keys.
    function _requireActiveRegistry() internal view {
        if (!_consortium.isActiveRegistry(address(this))) revert RegistryNotActive(address(this));
    }

    // ---------------------------------------------------------------- writes

    /// @inheritdoc IAlertRegistry
    function publish(
        Severity severity,
        Scope calldata scope,
        uint64 since,
        uint64 until,
        bytes calldata reasonCid
    ) external returns (uint256 alertId) {
        _requireActiveRegistry();
        bytes32 member = _customsMember();
        _checkScope(scope);
        _checkInterval(since, until);
        if (reasonCid.length > MAX_CID_LENGTH) {
            revert AlertRegistryInvalidCid(reasonCid.length, MAX_CID_LENGTH);
        }
        alertId = _nextId();
        Alert storage a = _alerts[alertId];
        a.id = alertId;
        a.member = member;
        a.publisher = msg.sender;
        a.severity = severity;
        a.since = since;
        a.publishedUntil = until;
        a.publishedAt = uint64(block.timestamp);
        a.reasonCid = reasonCid;
        a.scope.hs = scope.hs;
        a.scope.origins = scope.origins;
        a.scope.destinations = scope.destinations;
        a.scope.operator = scope.operator;
        a.scope.portsOfLoading = scope.portsOfLoading;
        a.scope.portsOfDischarge = scope.portsOfDischarge;
        _ids.push(alertId);
        _announce(alertId, scope);
    }

    /// @inheritdoc IAlertRegistry
    function extend(uint256 alertId, uint64 until) external {
        Alert storage a = _ownAlert(alertId);
        uint64 current = _currentUntil(a);
        if (until <= current) revert AlertRegistryNotLater(alertId, until, current);
        uint64 maxUntil = uint64(block.timestamp) + MAX_HORIZON;
        if (until > maxUntil) {
            revert AlertRegistryInvalidInterval(a.since, until, uint64(block.timestamp), maxUntil);
        }
        if (a.extensions.length >= MAX_EXTENSIONS) {
            revert AlertRegistryTooManyExtensions(alertId, MAX_EXTENSIONS);
        }
        a.extensions.push(Extension(uint64(block.timestamp), until));
        emit AlertExtended(alertId, a.member, msg.sender, until);
    }

    /// @inheritdoc IAlertRegistry
    function withdraw(uint256 alertId) external {
        Alert storage a = _ownAlert(alertId);
        a.withdrawnAt = uint64(block.timestamp);
        emit AlertWithdrawn(alertId, a.member, msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAlertRegistry
    function alert(uint256 alertId) external view returns (Alert memory) {
        return _stored(alertId);
    }

    /// @inheritdoc IAlertRegistry
    function alertCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @inheritdoc IAlertRegistry
    function alertIds(uint256 offset, uint256 limit) external view returns (uint256[] memory page) {
        if (limit > MAX_PAGE) revert AlertRegistryPageTooLarge(limit, MAX_PAGE);
        uint256 length = _ids.length;
        uint256 start = offset < length ? offset : length;
        uint256 end = length - start < limit ? length : start + limit;
        page = new uint256[](end - start);
        for (uint256 i = start; i < end; ++i) {
            page[i - start] = _ids[i];
        }
    }

    /// @inheritdoc IAlertRegistry
    function inForce(uint256 alertId, uint64 at) external view returns (bool) {
        Alert storage a = _stored(alertId);
        if (at < a.publishedAt || at < a.since) return false;
        if (a.withdrawnAt != 0 && at >= a.withdrawnAt) return false;
        uint64 until = a.publishedUntil;
        Extension[] storage extensions = a.extensions;
        for (uint256 i = 0; i < extensions.length && extensions[i].at <= at; ++i) {
            until = extensions[i].until;
        }
        return at < until;
    }

    // ---------------------------------------------------------------- internals

    /// @dev AlertPublished, from storage: with every argument a local, `publish` runs out of
    /// stack slots (via-IR is off for the other contracts' sake).
    function _announce(uint256 alertId, Scope calldata scope) private {
        Alert storage a = _alerts[alertId];
        emit AlertPublished(
            alertId,
            a.member,
            a.publisher,
            a.severity,
            a.since,
            a.publishedUntil,
            scope.operator,
            a.reasonCid,
            scope
        );
    }

    /// @dev The acting member of a CUSTOMS_ROLE key; never a member's admin.
    function _customsMember() private view returns (bytes32 member) {
        bytes32 governed = _consortium.memberOf(msg.sender);
        if (governed != bytes32(0)) revert AlertRegistryAdminNotCustoms(msg.sender, governed);
        if (!_consortium.isAccredited(msg.sender, Roles.CUSTOMS, bytes32(0))) {
            revert AlertRegistryNotCustoms(msg.sender);
        }
        member = _consortium.accreditingMember(msg.sender);
    }

    /// @dev Alert `alertId` on this version, the caller a customs key of its member, and the
    /// alert neither withdrawn nor ended.
    function _ownAlert(uint256 alertId) private view returns (Alert storage a) {
        a = _stored(alertId);
        bytes32 member = _customsMember();
        if (a.member != member) revert AlertRegistryNotOwner(alertId, a.member, member);
        if (a.withdrawnAt != 0) revert AlertRegistryAlreadyWithdrawn(alertId, a.withdrawnAt);
        uint64 current = _currentUntil(a);
        if (current <= block.timestamp) revert AlertRegistryEnded(alertId, current);
    }

    function _stored(uint256 alertId) private view returns (Alert storage a) {
        a = _alerts[alertId];
        if (a.id == 0) revert AlertRegistryUnknownAlert(alertId);
    }

    function _currentUntil(Alert storage a) private view returns (uint64) {
        uint256 n = a.extensions.length;
        return n == 0 ? a.publishedUntil : a.extensions[n - 1].until;
    }

    /// @dev One more than the alerts of every listed version (this one, when listed, counted
    /// from its own storage).
    function _nextId() private view returns (uint256 next) {
        next = _ids.length + 1;
        address[] memory versions = _consortium.registryVersions("AlertRegistry");
        for (uint256 i = 0; i < versions.length; ++i) {
            if (versions[i] != address(this)) next += IAlertRegistry(versions[i]).alertCount();
        }
    }

    function _checkInterval(uint64 since, uint64 until) private view {
        uint64 now_ = uint64(block.timestamp);
        uint64 maxUntil = now_ + MAX_HORIZON;
        if (since >= until || until <= now_ || until > maxUntil) {
            revert AlertRegistryInvalidInterval(since, until, now_, maxUntil);
        }
    }

    function _checkScope(Scope calldata scope) private view {
        _checkLength(0, scope.hs.length);
        _checkLength(1, scope.origins.length);
        _checkLength(2, scope.destinations.length);
        _checkLength(3, scope.portsOfLoading.length);
        _checkLength(4, scope.portsOfDischarge.length);
        for (uint256 i = 0; i < scope.hs.length; ++i) {
            bytes6 hs = scope.hs[i];
            if (!_isHsPrefix(hs)) revert AlertRegistryInvalidHs(hs);
            for (uint256 j = 0; j < i; ++j) {
                if (scope.hs[j] == hs) revert AlertRegistryInvalidHs(hs);
            }
        }
        _checkMembers(scope.origins);
        _checkMembers(scope.destinations);
        _checkPorts(scope.portsOfLoading);
        _checkPorts(scope.portsOfDischarge);
    }

    function _checkLength(uint8 list, uint256 length) private pure {
        if (length > MAX_SCOPE_ENTRIES) {
            revert AlertRegistryTooManyEntries(list, length, MAX_SCOPE_ENTRIES);
        }
    }

    function _checkMembers(bytes32[] calldata members) private view {
        for (uint256 i = 0; i < members.length; ++i) {
            bytes32 m = members[i];
            if (!_consortium.isMember(m)) revert AlertRegistryInvalidMember(m);
            for (uint256 j = 0; j < i; ++j) {
                if (members[j] == m) revert AlertRegistryInvalidMember(m);
            }
        }
    }

    function _checkPorts(bytes5[] calldata ports) private pure {
        for (uint256 i = 0; i < ports.length; ++i) {
            bytes5 port = ports[i];
            if (!_isLocode(port)) revert AlertRegistryInvalidPort(port);
            for (uint256 j = 0; j < i; ++j) {
                if (ports[j] == port) revert AlertRegistryInvalidPort(port);
            }
        }
    }

    /// @dev 2, 4 or 6 ASCII digits, left-aligned, the rest zero bytes.
    function _isHsPrefix(bytes6 hs) private pure returns (bool) {
        uint256 digits = 0;
        while (digits < 6 && hs[digits] >= "0" && hs[digits] <= "9") ++digits;
        if (digits == 0 || digits % 2 != 0) return false;
        for (uint256 i = digits; i < 6; ++i) {
            if (hs[i] != 0) return false;
        }
        return true;
    }

    /// @dev Two letters A-Z (the country), then three of A-Z and 2-9 (UN/LOCODE).
    function _isLocode(bytes5 port) private pure returns (bool) {
        for (uint256 i = 0; i < 5; ++i) {
            bytes1 c = port[i];
            bool letter = c >= "A" && c <= "Z";
            bool digit = i >= 2 && c >= "2" && c <= "9";
            if (!letter && !digit) return false;
        }
        return true;
    }
}
