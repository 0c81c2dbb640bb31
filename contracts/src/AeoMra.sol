// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAeoRegistry} from "./interfaces/IAeoRegistry.sol";

/// @title AeoMra
/// @notice The mutual recognition arrangements half of AeoRegistry: proposals, acceptance,
/// suspension and termination between two members, with an append-only history per pair
/// (uncapped; read at a time by binary search).
/// @dev A pair is stored once, under (lower id, higher id); masks are kept as "tiers recognised
/// by the lower id" and "by the higher id" and turned into the caller's perspective on read.
abstract contract AeoMra is IAeoRegistry {
    /// @notice Highest tier number; tier masks use bits 1..MAX_TIER.
    uint8 public constant MAX_TIER = 15;
    /// @notice Most entries one `certificationHistory` / `mraHistory` page returns.
    uint256 public constant MAX_HISTORY_PAGE = 100;
    /// @notice Most MRA partners per member.
    uint256 public constant MAX_MRA_PARTNERS = 128;

    /// @dev Bits 1..MAX_TIER set (tier 0 does not exist): 2^(MAX_TIER + 1) - 2.
    uint16 internal constant _TIER_BITS = uint16(2 ** (uint256(MAX_TIER) + 1) - 2);

    struct MraEntry {
        MraStatus status;
        uint64 at;
        uint16 lowTiers;
        uint16 highTiers;
    }

    struct MraRecord {
        MraEntry[] history;
        bytes32 suspendedBy;
    }

    mapping(bytes32 pair => MraRecord) private _mras;
    mapping(bytes32 pair => MraProposal) private _proposals;
    mapping(bytes32 member => bytes32[]) private _partners;
    mapping(bytes32 member => mapping(bytes32 partner => bool)) private _isPartner;

    /// @inheritdoc IAeoRegistry
    function proposeMra(
        bytes32 partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    ) external {
        _requireActiveRegistry();
        bytes32 member = _actingMember();
        if (partner == member || !_isActiveMember(partner)) {
            revert AeoRegistryInvalidPartner(partner);
        }
        uint16 all = tiersRecognisedByProposer | tiersRecognisedByPartner;
        if (all == 0 || all & ~_TIER_BITS != 0) {
            revert AeoRegistryInvalidTierMask(tiersRecognisedByProposer, tiersRecognisedByPartner);
        }
        _addPartner(member, partner);
        _addPartner(partner, member);
        _proposals[_pair(member, partner)] = MraProposal({
            proposer: member,
            partner: partner,
            tiersRecognisedByProposer: tiersRecognisedByProposer,
            tiersRecognisedByPartner: tiersRecognisedByPartner,
            effectiveFrom: effectiveFrom,
            proposedAt: uint64(block.timestamp)
        });
        emit MraProposed(
            member, partner, tiersRecognisedByProposer, tiersRecognisedByPartner, effectiveFrom
        );
    }

    /// @inheritdoc IAeoRegistry
    function cancelMraProposal(bytes32 partner) external {
        bytes32 member = _actingMember();
        bytes32 pair = _pair(member, partner);
        if (_proposals[pair].proposedAt == 0) revert AeoRegistryNoMraProposal(member, partner);
        delete _proposals[pair];
        emit MraProposalCancelled(member, partner);
    }

    /// @inheritdoc IAeoRegistry
    function acceptMra(
        bytes32 partner,
        uint16 tiersRecognisedByProposer,
        uint16 tiersRecognisedByPartner,
        uint64 effectiveFrom
    ) external {
        _requireActiveRegistry();
        bytes32 member = _actingMember();
        bytes32 pair = _pair(member, partner);
        MraProposal memory p = _proposals[pair];
        if (p.proposedAt == 0) revert AeoRegistryNoMraProposal(member, partner);
        if (p.proposer == member) revert AeoRegistryOwnMraProposal(member, partner);
        if (
            p.tiersRecognisedByProposer != tiersRecognisedByProposer
                || p.tiersRecognisedByPartner != tiersRecognisedByPartner
                || p.effectiveFrom != effectiveFrom
        ) {
            revert AeoRegistryMraTermsChanged(
                member,
                partner,
                p.tiersRecognisedByProposer,
                p.tiersRecognisedByPartner,
                p.effectiveFrom
            );
        }
        if (!_isActiveMember(partner)) revert AeoRegistryInvalidPartner(partner);
        MraRecord storage rec = _mras[pair];
        (MraEntry memory last, uint64 floor) = _acceptedAfter(member, partner, rec);
        if (last.status == MraStatus.Suspended) {
            revert AeoRegistryInvalidMraTransition(member, partner, last.status);
        }
        uint64 at = _later(p.effectiveFrom, floor);
        // The proposer's mask is what the proposer recognises, i.e. `partner` here.
        (uint16 low, uint16 high) = uint256(partner) < uint256(member)
            ? (p.tiersRecognisedByProposer, p.tiersRecognisedByPartner)
            : (p.tiersRecognisedByPartner, p.tiersRecognisedByProposer);
        rec.history.push(MraEntry(MraStatus.InForce, at, low, high));
        rec.suspendedBy = bytes32(0);
        delete _proposals[pair];
        emit MraAccepted(member, partner, at);
    }

    /// @inheritdoc IAeoRegistry
    function suspendMra(bytes32 partner) external {
        bytes32 member = _actingMember();
        MraRecord storage rec = _mras[_pair(member, partner)];
        MraEntry memory last = _lastMra(rec);
        _requireHeldHere(member, partner, rec.history.length, last.at);
        if (last.status != MraStatus.InForce) {
            revert AeoRegistryInvalidMraTransition(member, partner, last.status);
        }
        uint64 at = _later(0, last.at);
        rec.history.push(MraEntry(MraStatus.Suspended, at, last.lowTiers, last.highTiers));
        rec.suspendedBy = member;
        emit MraSuspended(member, partner, at);
    }

    /// @inheritdoc IAeoRegistry
    function resumeMra(bytes32 partner) external {
        bytes32 member = _actingMember();
        MraRecord storage rec = _mras[_pair(member, partner)];
        MraEntry memory last = _lastMra(rec);
        _requireHeldHere(member, partner, rec.history.length, last.at);
        if (last.status != MraStatus.Suspended) {
            revert AeoRegistryInvalidMraTransition(member, partner, last.status);
        }
        if (rec.suspendedBy != member) {
            revert AeoRegistryNotMraSuspender(member, partner, rec.suspendedBy);
        }
        uint64 at = _later(0, last.at);
        rec.history.push(MraEntry(MraStatus.InForce, at, last.lowTiers, last.highTiers));
        rec.suspendedBy = bytes32(0);
        emit MraResumed(member, partner, at);
    }

    /// @inheritdoc IAeoRegistry
    function terminateMra(bytes32 partner) external {
        bytes32 member = _actingMember();
        MraRecord storage rec = _mras[_pair(member, partner)];
        MraEntry memory last = _lastMra(rec);
        _requireHeldHere(member, partner, rec.history.length, last.at);
        if (last.status != MraStatus.InForce && last.status != MraStatus.Suspended) {
            revert AeoRegistryInvalidMraTransition(member, partner, last.status);
        }
        uint64 at = _later(0, last.at);
        rec.history.push(MraEntry(MraStatus.Terminated, at, last.lowTiers, last.highTiers));
        rec.suspendedBy = bytes32(0);
        emit MraTerminated(member, partner, at);
    }

    /// @inheritdoc IAeoRegistry
    function mra(bytes32 member, bytes32 partner) external view returns (Mra memory) {
        MraRecord storage rec = _mras[_pair(member, partner)];
        return Mra({
            state: _view(_lastMra(rec), member, partner),
            suspendedBy: rec.suspendedBy,
            changes: rec.history.length
        });
    }

    /// @inheritdoc IAeoRegistry
    function mraAt(bytes32 member, bytes32 partner, uint64 at)
        external
        view
        returns (MraState memory)
    {
        return _view(_mraAt(member, partner, _now(at)), member, partner);
    }

    /// @inheritdoc IAeoRegistry
    function mraHistory(bytes32 member, bytes32 partner, uint256 offset, uint256 limit)
        external
        view
        returns (MraState[] memory states)
    {
        MraEntry[] storage history = _mras[_pair(member, partner)].history;
        (uint256 start, uint256 end) = _page(history.length, offset, limit);
        states = new MraState[](end - start);
        for (uint256 i = start; i < end; ++i) {
            states[i - start] = _view(history[i], member, partner);
        }
    }

    /// @inheritdoc IAeoRegistry
    function mraHistoryLength(bytes32 member, bytes32 partner) external view returns (uint256) {
        return _mras[_pair(member, partner)].history.length;
    }

    /// @inheritdoc IAeoRegistry
    function mraProposal(bytes32 member, bytes32 partner)
        external
        view
        returns (MraProposal memory)
    {
        return _proposals[_pair(member, partner)];
    }

    /// @inheritdoc IAeoRegistry
    function mraPartners(bytes32 member) external view returns (bytes32[] memory) {
        return _partners[member];
    }

    /// @dev Why `recognising` would not recognise a tier-`tier` AEO of `certifying` at `at`
    /// under their MRA, or Recognized.
    function _mraReason(bytes32 certifying, bytes32 recognising, uint8 tier, uint64 at)
        internal
        view
        returns (Reason)
    {
        // seen from the recognising member: memberTiers are the tiers it recognises
        MraState memory e = _view(_mraAt(recognising, certifying, at), recognising, certifying);
        (MraState memory o, address holder, bool listedLater) =
            _latestMraElsewhere(recognising, certifying, at);
        if (holder != address(0) && (e.status == MraStatus.None || _after(o.at, e.at, listedLater)))
        {
            e = o;
        }
        if (e.status == MraStatus.None) return Reason.NoMra;
        if (e.status != MraStatus.InForce) return Reason.MraNotInForce;
        if (e.memberTiers & (uint16(1) << tier) == 0) return Reason.TierNotInScope;
        return Reason.Recognized;
    }

    /// @dev Of the other listed versions' states of the pair's MRA at `at`, seen from `member`,
    /// the latest (of equal times, the later listed version's), the version that holds it
    /// (zero: none has any) and whether it is listed after this deployment. At
    /// type(uint64).max: the latest change.
    function _latestMraElsewhere(bytes32 member, bytes32 partner, uint64 at)
        private
        view
        returns (MraState memory latest, address holder, bool listedLater)
    {
        address[] memory others = _otherVersions();
        bool passed = false;
        for (uint256 i = 0; i < others.length; ++i) {
            if (others[i] == address(0)) {
                passed = true; // this deployment's place
                continue;
            }
            MraState memory s = IAeoRegistry(others[i]).mraAt(member, partner, at);
            if (s.status != MraStatus.None && (holder == address(0) || s.at >= latest.at)) {
                latest = s;
                holder = others[i];
                listedLater = passed;
            }
        }
    }

    /// @dev The MRA's latest change on any listed version, and the earliest time an acceptance
    /// here may take effect: not before that change (histories never interleave, so the latest
    /// change is on exactly one version), strictly after it when it is on a version listed
    /// after this one (of equal times, the later listed version's is the later).
    function _acceptedAfter(bytes32 member, bytes32 partner, MraRecord storage rec)
        private
        view
        returns (MraEntry memory last, uint64 floor)
    {
        last = _lastMra(rec);
        (MraState memory elsewhere, address holder, bool listedLater) =
            _latestMraElsewhere(member, partner, type(uint64).max);
        if (
            holder != address(0)
                && (rec.history.length == 0 || _after(elsewhere.at, last.at, listedLater))
        ) {
            last = _entry(elsewhere, member, partner);
            return (last, listedLater ? last.at + 1 : last.at);
        }
        floor = last.at;
    }

    /// @dev Suspension, resumption and termination change the MRA where its latest change is.
    function _requireHeldHere(bytes32 member, bytes32 partner, uint256 changes, uint64 lastAt)
        private
        view
    {
        (MraState memory elsewhere, address holder, bool listedLater) =
            _latestMraElsewhere(member, partner, type(uint64).max);
        if (holder != address(0) && (changes == 0 || _after(elsewhere.at, lastAt, listedLater))) {
            revert AeoRegistryMraHeldOnOtherVersion(member, partner, holder);
        }
    }

    /// @dev The stored form of `s`, an MRA state seen from `member`.
    function _entry(MraState memory s, bytes32 member, bytes32 partner)
        private
        pure
        returns (MraEntry memory)
    {
        (uint16 low, uint16 high) = uint256(member) < uint256(partner)
            ? (s.memberTiers, s.partnerTiers)
            : (s.partnerTiers, s.memberTiers);
        return MraEntry(s.status, s.at, low, high);
    }

    /// @dev The member that accredited the caller CUSTOMS_ROLE; reverts for any other caller
    /// (member admin accounts included).
    function _actingMember() internal view virtual returns (bytes32);

    /// @dev Whether `member` is an active consortium member.
    function _isActiveMember(bytes32 member) internal view virtual returns (bool);

    /// @dev Reverts unless the consortium lists this deployment as its kind's active version.
    function _requireActiveRegistry() internal view virtual;

    /// @dev The other deployments of this kind the consortium lists.
    function _otherVersions() internal view virtual returns (address[] memory);

    /// @dev The bounds [start, end) of the page of `limit` entries from `offset` of a history of
    /// `length` entries.
    function _page(uint256 length, uint256 offset, uint256 limit)
        internal
        pure
        returns (uint256 start, uint256 end)
    {
        if (limit > MAX_HISTORY_PAGE) revert AeoRegistryPageTooLarge(limit, MAX_HISTORY_PAGE);
        start = offset < length ? offset : length;
        end = length - start < limit ? length : start + limit;
    }

    /// @dev Whether a change at `other` on another version comes after one at `own` here: later,
    /// or at the same time on a version listed after this one.
    function _after(uint64 other, uint64 own, bool listedLater) internal pure returns (bool) {
        return other > own || (other == own && listedLater);
    }

    /// @dev `at`, or the block time when `at` is zero.
    function _now(uint64 at) internal view returns (uint64) {
        return at == 0 ? uint64(block.timestamp) : at;
    }

    /// @dev The latest of `at` (zero: now), the block time and `floor`.
    function _later(uint64 at, uint64 floor) private view returns (uint64 t) {
        t = at > block.timestamp ? at : uint64(block.timestamp);
        if (floor > t) t = floor;
    }

    /// @dev The last entry with `at` <= `at` (entries are in non-decreasing `at` order, so of
    /// equal times the last one wins), or an empty entry: the latest entry first, then a binary
    /// search of the others.
    function _mraAt(bytes32 member, bytes32 partner, uint64 at)
        private
        view
        returns (MraEntry memory e)
    {
        MraEntry[] storage history = _mras[_pair(member, partner)].history;
        uint256 n = history.length;
        if (n == 0) return e;
        if (history[n - 1].at <= at) return history[n - 1];
        uint256 low = 0;
        uint256 high = n - 1;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (history[mid].at > at) high = mid;
            else low = mid + 1;
        }
        if (low != 0) e = history[low - 1];
    }

    function _addPartner(bytes32 member, bytes32 partner) private {
        if (_isPartner[member][partner]) return;
        if (_partners[member].length >= MAX_MRA_PARTNERS) {
            revert AeoRegistryTooManyPartners(member, MAX_MRA_PARTNERS);
        }
        _isPartner[member][partner] = true;
        _partners[member].push(partner);
    }

    function _lastMra(MraRecord storage rec) private view returns (MraEntry memory e) {
        uint256 n = rec.history.length;
        if (n != 0) e = rec.history[n - 1];
    }

    function _view(MraEntry memory e, bytes32 member, bytes32 partner)
        private
        pure
        returns (MraState memory)
    {
        (uint16 mine, uint16 theirs) = uint256(member) < uint256(partner)
            ? (e.lowTiers, e.highTiers)
            : (e.highTiers, e.lowTiers);
        return MraState(e.status, e.at, mine, theirs);
    }

    function _pair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return uint256(a) < uint256(b)
            ? keccak256(abi.encodePacked(a, b))
            : keccak256(abi.encodePacked(b, a));
    }
}
