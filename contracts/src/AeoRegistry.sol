// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IAeoRegistry} from "./interfaces/IAeoRegistry.sol";
import {OracleQuorum} from "./OracleQuorum.sol";
import {AeoMra} from "./AeoMra.sol";
import {Roles} from "./Roles.sol";

/// @title AeoRegistry
/// @notice AEO certifications per member (changed by the member's customs keys, accounts it
/// accredited CUSTOMS_ROLE, or by a quorum of its oracles), MRAs between members (consented to
/// by customs keys), and the recognition view that combines them.
/// @dev A certification costs three storage slots: its history array length, one packed
/// history entry per change and the evidence hash. History is uncapped; reads at a time are a
/// binary search over it.
contract AeoRegistry is OracleQuorum, AeoMra {
    /// @notice Most changes per `applyChanges` / `submitChanges` call.
    uint256 public constant MAX_BATCH = 100;

    /// @notice EIP-712 type hash of AeoChange.
    bytes32 public constant AEO_CHANGE_TYPEHASH = keccak256(
        "AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)"
    );
    /// @notice EIP-712 type hash of AeoChangeBatch, the message oracles sign.
    bytes32 public constant AEO_CHANGE_BATCH_TYPEHASH = keccak256(
        "AeoChangeBatch(bytes32 member,AeoChange[] changes,uint256 nonce,uint64 deadline)AeoChange(uint8 kind,bytes32 operator,uint8 tier,uint64 validFrom,uint64 validUntil,bytes32 evidenceHash,uint16 reason,uint64 effectiveAt)"
    );

    struct CertRecord {
        CertificationState[] history;
        bytes32 evidenceHash;
    }

    mapping(bytes32 member => mapping(bytes32 operator => CertRecord)) private _certs;

    /// @param consortium_ The consortium whose members certify and whose oracles sign.
    constructor(IConsortium consortium_) OracleQuorum(consortium_, "sanzhi AeoRegistry", "1") {}

    // ---------------------------------------------------------------- certifications

    /// @inheritdoc IAeoRegistry
    function certify(
        bytes32 operator,
        uint8 tier,
        uint64 validFrom,
        uint64 validUntil,
        bytes32 evidenceHash,
        uint64 effectiveAt
    ) external {
        _apply(
            _actingMember(),
            _otherVersions(),
            AeoChange(
                ChangeKind.Certify,
                operator,
                tier,
                validFrom,
                validUntil,
                evidenceHash,
                0,
                effectiveAt
            )
        );
    }

    /// @inheritdoc IAeoRegistry
    function suspend(bytes32 operator, uint16 reason, uint64 effectiveAt) external {
        _apply(
            _actingMember(),
            _otherVersions(),
            _statusChange(ChangeKind.Suspend, operator, reason, effectiveAt)
        );
    }

    /// @inheritdoc IAeoRegistry
    function reinstate(bytes32 operator, uint16 reason, uint64 effectiveAt) external {
        _apply(
            _actingMember(),
            _otherVersions(),
            _statusChange(ChangeKind.Reinstate, operator, reason, effectiveAt)
        );
    }

    /// @inheritdoc IAeoRegistry
    function revoke(bytes32 operator, uint16 reason, uint64 effectiveAt) external {
        _apply(
            _actingMember(),
            _otherVersions(),
            _statusChange(ChangeKind.Revoke, operator, reason, effectiveAt)
        );
    }

    /// @inheritdoc IAeoRegistry
    function applyChanges(AeoChange[] calldata changes) external {
        bytes32 member = _actingMember();
        _checkBatchSize(changes.length);
        address[] memory others = _otherVersions();
        for (uint256 i = 0; i < changes.length; ++i) {
            _apply(member, others, changes[i]);
        }
    }

    /// @inheritdoc IAeoRegistry
    function submitChanges(
        bytes32 member,
        AeoChange[] calldata changes,
        uint256 nonce,
        uint64 deadline,
        bytes[] calldata signatures
    ) external {
        _checkBatchSize(changes.length);
        _checkOracleQuorum(
            member, _batchHash(member, changes, nonce, deadline), nonce, deadline, signatures
        );
        address[] memory others = _otherVersions();
        for (uint256 i = 0; i < changes.length; ++i) {
            _apply(member, others, changes[i]);
        }
    }

    /// @inheritdoc IAeoRegistry
    function changesDigest(
        bytes32 member,
        AeoChange[] calldata changes,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return _oracleDigest(_batchHash(member, changes, nonce, deadline));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAeoRegistry
    function isRecognized(
        bytes32 operator,
        bytes32 certifyingMember,
        bytes32 recognisingMember,
        uint64 at
    ) external view returns (bool) {
        return _reason(operator, certifyingMember, recognisingMember, _now(at)) == Reason.Recognized;
    }

    /// @inheritdoc IAeoRegistry
    function recognition(
        bytes32 operator,
        bytes32 certifyingMember,
        bytes32 recognisingMember,
        uint64 at
    ) external view returns (bool recognized, Reason reason) {
        reason = _reason(operator, certifyingMember, recognisingMember, _now(at));
        recognized = reason == Reason.Recognized;
    }

    /// @inheritdoc IAeoRegistry
    function certification(bytes32 operator, bytes32 certifyingMember)
        external
        view
        returns (Certification memory c)
    {
        CertRecord storage rec = _certs[certifyingMember][operator];
        c.changes = rec.history.length;
        if (c.changes != 0) c.state = rec.history[c.changes - 1];
        c.evidenceHash = rec.evidenceHash;
    }

    /// @inheritdoc IAeoRegistry
    function certificationAt(bytes32 operator, bytes32 certifyingMember, uint64 at)
        external
        view
        returns (CertificationState memory)
    {
        return _stateAt(_certs[certifyingMember][operator].history, _now(at));
    }

    /// @inheritdoc IAeoRegistry
    function certificationHistory(
        bytes32 operator,
        bytes32 certifyingMember,
        uint256 offset,
        uint256 limit
    ) external view returns (CertificationState[] memory states) {
        CertificationState[] storage history = _certs[certifyingMember][operator].history;
        (uint256 start, uint256 end) = _page(history.length, offset, limit);
        states = new CertificationState[](end - start);
        for (uint256 i = start; i < end; ++i) {
            states[i - start] = history[i];
        }
    }

    /// @inheritdoc IAeoRegistry
    function certificationHistoryLength(bytes32 operator, bytes32 certifyingMember)
        external
        view
        returns (uint256)
    {
        return _certs[certifyingMember][operator].history.length;
    }

    // ---------------------------------------------------------------- internals

    /// @dev A change follows the certification's latest change on any listed version. On the
    /// version that holds that change, as before; elsewhere only a certification (new issuance,
    /// on the active version), not before it, so that the versions' histories never interleave
    /// and the latest change is always on exactly one version. Of changes at the same time on
    /// two versions the one listed later is the later change: a certification on a version
    /// listed before the holder (after a rollback) must be strictly later.
    function _apply(bytes32 member, address[] memory others, AeoChange memory c) private {
        if (c.operator == bytes32(0)) revert AeoRegistryInvalidOperator(c.operator);
        CertRecord storage rec = _certs[member][c.operator];
        (CertificationState memory next, bool strictly) = _previous(member, others, c, rec);
        Status status = next.status;
        _checkTransition(member, c.operator, status, c.kind);
        uint64 at = _now(c.effectiveAt);
        if (at < next.effectiveAt || (strictly && at == next.effectiveAt)) {
            revert AeoRegistryEffectiveTimeTooEarly(member, c.operator, at, next.effectiveAt);
        }
        next.kind = c.kind;
        next.effectiveAt = at;
        if (c.kind == ChangeKind.Certify) {
            _requireActiveRegistry();
            if (c.tier == 0 || c.tier > MAX_TIER) revert AeoRegistryInvalidTier(c.tier, MAX_TIER);
            uint64 validFrom = c.validFrom == 0 ? at : c.validFrom;
            if (c.validUntil != 0 && c.validUntil <= validFrom) {
                revert AeoRegistryInvalidValidity(validFrom, c.validUntil);
            }
            if (status != Status.Suspended) {
                next.status = Status.Active;
                next.reason = 0;
            }
            next.tier = c.tier;
            next.validFrom = validFrom;
            next.validUntil = c.validUntil;
            rec.history.push(next);
            if (rec.evidenceHash != c.evidenceHash) rec.evidenceHash = c.evidenceHash;
            emit OperatorCertified(
                member, c.operator, c.tier, validFrom, c.validUntil, c.evidenceHash, at
            );
            return;
        }
        next.reason = c.reason;
        if (c.kind == ChangeKind.Suspend) {
            next.status = Status.Suspended;
            rec.history.push(next);
            emit OperatorSuspended(member, c.operator, c.reason, at);
        } else if (c.kind == ChangeKind.Reinstate) {
            next.status = Status.Active;
            rec.history.push(next);
            emit OperatorReinstated(member, c.operator, c.reason, at);
        } else {
            next.status = Status.Revoked;
            rec.history.push(next);
            emit OperatorRevoked(member, c.operator, c.reason, at);
        }
    }

    /// @dev The certification's latest change on any listed version, and whether a change here
    /// must be strictly after it (it is on a version listed after this one). A change other
    /// than a certification is refused unless this deployment holds the latest change.
    function _previous(
        bytes32 member,
        address[] memory others,
        AeoChange memory c,
        CertRecord storage rec
    ) private view returns (CertificationState memory last, bool strictly) {
        uint256 n = rec.history.length;
        if (n != 0) last = rec.history[n - 1];
        (CertificationState memory elsewhere, address holder, bool listedLater) =
            _latestElsewhere(others, c.operator, member, type(uint64).max);
        if (holder == address(0)) return (last, false);
        if (n != 0 && !_after(elsewhere.effectiveAt, last.effectiveAt, listedLater)) {
            return (last, false);
        }
        if (c.kind != ChangeKind.Certify) {
            revert AeoRegistryHeldOnOtherVersion(member, c.operator, holder);
        }
        return (elsewhere, listedLater);
    }

    function _checkTransition(bytes32 member, bytes32 operator, Status status, ChangeKind kind)
        private
        pure
    {
        bool ok;
        if (kind == ChangeKind.Certify) ok = true;
        else if (kind == ChangeKind.Suspend) ok = status == Status.Active;
        else if (kind == ChangeKind.Reinstate) ok = status == Status.Suspended;
        else ok = status == Status.Active || status == Status.Suspended;
        if (!ok) revert AeoRegistryInvalidTransition(member, operator, status, kind);
    }

    /// @dev Of the other listed versions' states of a certification at `at`, the latest (of
    /// equal times, the later listed version's), the version that holds it (zero: none has
    /// any) and whether it is listed after this deployment. At type(uint64).max: the latest
    /// change.
    function _latestElsewhere(address[] memory others, bytes32 operator, bytes32 member, uint64 at)
        private
        view
        returns (CertificationState memory latest, address holder, bool listedLater)
    {
        bool passed = false;
        for (uint256 i = 0; i < others.length; ++i) {
            if (others[i] == address(0)) {
                passed = true; // this deployment's place
                continue;
            }
            CertificationState memory s =
                IAeoRegistry(others[i]).certificationAt(operator, member, at);
            if (
                s.status != Status.None
                    && (holder == address(0) || s.effectiveAt >= latest.effectiveAt)
            ) {
                latest = s;
                holder = others[i];
                listedLater = passed;
            }
        }
    }

    /// @dev The certification in effect at `at` across the listed versions: the latest
    /// effective of each version's state at `at` (histories never interleave).
    function _stateAcross(bytes32 operator, bytes32 certifying, uint64 at)
        private
        view
        returns (CertificationState memory s)
    {
        s = _stateAt(_certs[certifying][operator].history, at);
        (CertificationState memory o, address holder, bool listedLater) =
            _latestElsewhere(_otherVersions(), operator, certifying, at);
        if (
            holder != address(0)
                && (s.status == Status.None || _after(o.effectiveAt, s.effectiveAt, listedLater))
        ) s = o;
    }

    function _reason(bytes32 operator, bytes32 certifying, bytes32 recognising, uint64 at)
        private
        view
        returns (Reason)
    {
        CertificationState memory s = _stateAcross(operator, certifying, at);
        if (s.status == Status.None) return Reason.NotCertified;
        if (s.status == Status.Revoked) return Reason.Revoked;
        if (s.status == Status.Suspended) return Reason.Suspended;
        if (at < s.validFrom) return Reason.NotYetValid;
        if (s.validUntil != 0 && at >= s.validUntil) return Reason.Expired;
        if (certifying == recognising) return Reason.Recognized;
        return _mraReason(certifying, recognising, s.tier, at);
    }

    /// @dev The last state with `effectiveAt` <= `at` (history is in non-decreasing
    /// `effectiveAt` order, so of equal times the last one wins), or an empty state: the latest
    /// entry first, then a binary search of the others.
    function _stateAt(CertificationState[] storage history, uint64 at)
        private
        view
        returns (CertificationState memory s)
    {
        uint256 n = history.length;
        if (n == 0) return s;
        if (history[n - 1].effectiveAt <= at) return history[n - 1];
        uint256 low = 0;
        uint256 high = n - 1;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (history[mid].effectiveAt > at) high = mid;
            else low = mid + 1;
        }
        if (low != 0) s = history[low - 1];
    }

    function _batchHash(
        bytes32 member,
        AeoChange[] calldata changes,
        uint256 nonce,
        uint64 deadline
    ) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](changes.length);
        for (uint256 i = 0; i < changes.length; ++i) {
            hashes[i] = keccak256(abi.encode(AEO_CHANGE_TYPEHASH, changes[i]));
        }
        return keccak256(
            abi.encode(
                AEO_CHANGE_BATCH_TYPEHASH,
                member,
                keccak256(abi.encodePacked(hashes)),
                nonce,
                deadline
            )
        );
    }

    function _checkBatchSize(uint256 size) private pure {
        if (size == 0 || size > MAX_BATCH) revert AeoRegistryInvalidBatchSize(size, MAX_BATCH);
    }

    function _statusChange(ChangeKind kind, bytes32 operator, uint16 reason, uint64 effectiveAt)
        private
        pure
        returns (AeoChange memory)
    {
        return AeoChange(kind, operator, 0, 0, 0, bytes32(0), reason, effectiveAt);
    }

    function _actingMember() internal view override returns (bytes32 member) {
        bytes32 governed = _consortium.memberOf(msg.sender);
        if (governed != bytes32(0)) revert AeoRegistryAdminNotCustoms(msg.sender, governed);
        if (!_consortium.isAccredited(msg.sender, Roles.CUSTOMS, bytes32(0))) {
            revert AeoRegistryNotCustoms(msg.sender);
        }
        member = _consortium.accreditingMember(msg.sender);
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() public pure override returns (bytes32) {
        return "AeoRegistry";
    }

    function _requireActiveRegistry() internal view override(OracleQuorum, AeoMra) {
        OracleQuorum._requireActiveRegistry();
    }

    function _otherVersions()
        internal
        view
        override(OracleQuorum, AeoMra)
        returns (address[] memory)
    {
        return OracleQuorum._otherVersions();
    }

    function _isActiveMember(bytes32 member) internal view override returns (bool) {
        return _consortium.isMember(member);
    }
}
