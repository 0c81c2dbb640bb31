// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {IDocumentRegistry} from "./interfaces/IDocumentRegistry.sol";

/// @title DocumentRegistry
/// @notice Encryption keys of accredited parties, document anchors and envelope pointers for
/// the off-chain document store (see IDocumentRegistry).
contract DocumentRegistry is IDocumentRegistry {
    /// @notice Longest envelope CID, in bytes.
    uint256 public constant MAX_CID_LENGTH = 128;

    IConsortium private immutable _consortium;
    mapping(address account => EncryptionKey) private _keys;
    mapping(bytes32 digest => Anchor) private _anchors;
    mapping(bytes32 digest => mapping(address publisher => bytes)) private _envelopes;

    /// @param consortium_ The consortium whose accreditations make a party.
    constructor(IConsortium consortium_) {
        _consortium = consortium_;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() external pure returns (bytes32) {
        return "DocumentRegistry";
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

    /// @inheritdoc IDocumentRegistry
    function registerEncryptionKey(bytes32 publicKey, bytes32 role, bytes32 scope) external {
        _requireActiveRegistry();
        if (publicKey == bytes32(0)) revert DocumentRegistryZeroKey();
        bytes32 memberId = _memberOf(msg.sender, role, scope);
        // numbered after the key in force, wherever it is: a version never goes backwards
        (, EncryptionKey memory inForce) = _keyInForce(msg.sender);
        uint32 version = inForce.version + 1;
        _keys[msg.sender] = EncryptionKey({
            publicKey: publicKey,
            version: version,
            registeredAt: uint64(block.timestamp),
            role: role,
            scope: scope,
            memberId: memberId
        });
        emit EncryptionKeyRegistered(msg.sender, memberId, version, publicKey, role, scope);
    }

    /// @inheritdoc IDocumentRegistry
    function revokeEncryptionKey() external {
        (address holder,) = _keyInForce(msg.sender);
        if (holder != address(this) && holder != address(0)) {
            revert DocumentRegistryKeyOnOtherVersion(msg.sender, holder);
        }
        EncryptionKey storage key = _keys[msg.sender];
        if (key.publicKey == bytes32(0)) revert DocumentRegistryNoKey(msg.sender);
        key.publicKey = bytes32(0);
        emit EncryptionKeyRevoked(msg.sender, key.version);
    }

    /// @inheritdoc IDocumentRegistry
    function anchor(bytes32 digest) external {
        _requireActiveRegistry();
        if (digest == bytes32(0)) revert DocumentRegistryZeroDigest();
        EncryptionKey memory party = _standingParty(msg.sender);
        Anchor storage existing = _anchors[digest];
        if (existing.anchoredBy != address(0)) {
            revert DocumentRegistryAlreadyAnchored(digest, existing.anchoredBy);
        }
        address elsewhere = _anchoredElsewhere(digest);
        if (elsewhere != address(0)) {
            revert DocumentRegistryAnchoredOnOtherVersion(digest, elsewhere);
        }
        _anchors[digest] = Anchor({
            anchoredBy: msg.sender, memberId: party.memberId, anchoredAt: uint64(block.timestamp)
        });
        emit DocumentAnchored(digest, msg.sender, party.memberId);
    }

    /// @inheritdoc IDocumentRegistry
    function publishEnvelope(bytes32 digest, bytes calldata envelopeCid) external {
        _standingParty(msg.sender);
        if (_anchors[digest].anchoredBy == address(0)) {
            address elsewhere = _anchoredElsewhere(digest);
            if (elsewhere != address(0)) {
                revert DocumentRegistryAnchoredOnOtherVersion(digest, elsewhere);
            }
            revert DocumentRegistryNotAnchored(digest);
        }
        if (envelopeCid.length == 0 || envelopeCid.length > MAX_CID_LENGTH) {
            revert DocumentRegistryInvalidCid(envelopeCid.length, MAX_CID_LENGTH);
        }
        _envelopes[digest][msg.sender] = envelopeCid;
        emit EnvelopePublished(digest, msg.sender, envelopeCid);
    }

    /// @inheritdoc IDocumentRegistry
    function encryptionKeyOf(address account) external view returns (EncryptionKey memory) {
        return _standingParty(account);
    }

    /// @inheritdoc IDocumentRegistry
    function encryptionKeyInForce(address account)
        external
        view
        returns (address registry, EncryptionKey memory key)
    {
        return _keyInForce(account);
    }

    /// @inheritdoc IDocumentRegistry
    function encryptionKeyHere(address account) external view returns (EncryptionKey memory) {
        return _keys[account];
    }

    /// @inheritdoc IDocumentRegistry
    function anchorOf(bytes32 digest) external view returns (Anchor memory) {
        return _anchors[digest];
    }

    /// @inheritdoc IDocumentRegistry
    function envelopeOf(bytes32 digest, address publisher) external view returns (bytes memory) {
        return _envelopes[digest][publisher];
    }

    /// @dev The account's key in force, if it has a key and the accreditation it registered
    /// under still stands.
    function _standingParty(address account) private view returns (EncryptionKey memory key) {
        (, key) = _keyInForce(account);
        if (key.publicKey == bytes32(0)) revert DocumentRegistryNoKey(account);
        _memberOf(account, key.role, key.scope);
    }

    // ---------------------------------------------------------------- across versions
    // A consortium lists several versions of this registry over the years (upgrades by vote).
    // Each version reads the others through `anchorOf` and `encryptionKeyHere`, which answer
    // for their own version alone.

    /// @dev Every listed version of this registry's kind (this one included, when listed).
    function _versions() private view returns (address[] memory) {
        return _consortium.registryVersions("DocumentRegistry");
    }

    /// @dev The account's latest registration over this version and every listed one, and the
    /// version that holds it (zero address and an empty record when it never registered): the
    /// greatest key version wins, as each registration is numbered after the key in force.
    /// A revoked key stays in force (public key zero): revoking is not undone by an older key.
    function _keyInForce(address account)
        private
        view
        returns (address holder, EncryptionKey memory key)
    {
        key = _keys[account];
        if (key.version != 0) holder = address(this);
        address[] memory versions = _versions();
        for (uint256 i = 0; i < versions.length; ++i) {
            if (versions[i] == address(this)) continue;
            EncryptionKey memory other = IDocumentRegistry(versions[i]).encryptionKeyHere(account);
            if (other.version > key.version) (holder, key) = (versions[i], other);
        }
    }

    /// @dev The other listed version that anchored `digest`, or zero.
    function _anchoredElsewhere(bytes32 digest) private view returns (address) {
        address[] memory versions = _versions();
        for (uint256 i = 0; i < versions.length; ++i) {
            if (
                versions[i] != address(this)
                    && IDocumentRegistry(versions[i]).anchorOf(digest).anchoredBy != address(0)
            ) return versions[i];
        }
        return address(0);
    }

    /// @dev The member under which `account` holds (role, scope) now; role zero is a member's
    /// admin account (of an active member).
    function _memberOf(address account, bytes32 role, bytes32 scope)
        private
        view
        returns (bytes32 memberId)
    {
        if (role == bytes32(0)) {
            memberId = _consortium.memberOf(account); // zero unless the member is active
            if (scope == bytes32(0) && memberId != bytes32(0)) return memberId;
        } else if (_consortium.isAccredited(account, role, scope)) {
            return _consortium.accreditingMember(account);
        }
        revert DocumentRegistryNotAccredited(account, role, scope);
    }
}
