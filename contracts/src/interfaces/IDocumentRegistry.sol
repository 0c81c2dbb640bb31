// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IDocumentRegistry
/// @notice The on-chain side of the off-chain document store. Accredited parties register the
/// X25519 public key that senders encrypt document keys to (rotatable: each registration is a
/// new version); parties anchor the content identifier of an encrypted document, once; and
/// publish, per document, the content identifier of the envelope that carries the wrapped
/// document keys (a party's later envelope replaces only its own earlier one).
/// @dev A party registers under one accreditation: a role and scope it holds (role zero: the
/// member's admin account). Every read and write re-checks that accreditation, so a withdrawn
/// party's key is no longer handed out and it can no longer anchor or publish.
///
/// Across versions (upgrades by vote; every version the consortium lists for the kind
/// "DocumentRegistry"): a document is anchored once over all versions, and its envelopes are
/// published on the version that anchored it. A party's key in force is its latest
/// registration over all versions: the one with the greatest key version (a registration
/// numbers itself after the key in force, so numbers never go backwards for an account), even
/// when revoked since. A party that registered on an older version keeps its key after an
/// upgrade, and revokes it on the version that holds it. `anchorOf`, `envelopeOf` and
/// `encryptionKeyHere` answer for this version alone (what the versions read of each other);
/// `encryptionKeyOf` and `encryptionKeyInForce` answer for all.
interface IDocumentRegistry {
    /// @notice A party's registered encryption key.
    struct EncryptionKey {
        bytes32 publicKey;
        uint32 version;
        uint64 registeredAt;
        bytes32 role;
        bytes32 scope;
        bytes32 memberId;
    }

    /// @notice Who anchored a document, for which member, and when.
    struct Anchor {
        address anchoredBy;
        bytes32 memberId;
        uint64 anchoredAt;
    }

    /// @notice A party registered (or rotated to) an encryption key.
    event EncryptionKeyRegistered(
        address indexed account,
        bytes32 indexed memberId,
        uint32 version,
        bytes32 publicKey,
        bytes32 role,
        bytes32 scope
    );
    /// @notice A party withdrew its encryption key.
    event EncryptionKeyRevoked(address indexed account, uint32 version);
    /// @notice A document's content identifier digest was anchored.
    event DocumentAnchored(
        bytes32 indexed digest, address indexed anchoredBy, bytes32 indexed memberId
    );
    /// @notice A party published the envelope it keeps for a document.
    event EnvelopePublished(bytes32 indexed digest, address indexed publisher, bytes envelopeCid);

    /// @notice The caller does not hold the accreditation it names (or no longer does).
    error DocumentRegistryNotAccredited(address account, bytes32 role, bytes32 scope);
    /// @notice The public key is zero.
    error DocumentRegistryZeroKey();
    /// @notice The account has no standing encryption key.
    error DocumentRegistryNoKey(address account);
    /// @notice The digest is zero.
    error DocumentRegistryZeroDigest();
    /// @notice The document is anchored already.
    error DocumentRegistryAlreadyAnchored(bytes32 digest, address anchoredBy);
    /// @notice The document is not anchored.
    error DocumentRegistryNotAnchored(bytes32 digest);
    /// @notice The envelope CID is empty or longer than the limit.
    error DocumentRegistryInvalidCid(uint256 length, uint256 maxLength);
    /// @notice The document is anchored on `registry`, another version of this registry: it is
    /// not anchored twice, and its envelopes are published there.
    error DocumentRegistryAnchoredOnOtherVersion(bytes32 digest, address registry);
    /// @notice The account's key in force is held by `registry`, another version of this
    /// registry: revoke it there.
    error DocumentRegistryKeyOnOtherVersion(address account, address registry);

    /// @notice Register the caller's X25519 public key under an accreditation it holds; a
    /// second call rotates to a new version (numbered after the key in force on any version).
    /// New issuance: only on the active version.
    /// @param publicKey X25519 public key (32 bytes).
    /// @param role Role of the accreditation (zero: the caller is a member's admin).
    /// @param scope Scope of the accreditation (certificate type for issuers, else zero).
    function registerEncryptionKey(bytes32 publicKey, bytes32 role, bytes32 scope) external;

    /// @notice Withdraw the caller's encryption key: senders can no longer encrypt to it. On the
    /// version that holds the key in force (DocumentRegistryKeyOnOtherVersion elsewhere).
    function revokeEncryptionKey() external;

    /// @notice Anchor a document (the sha2-256 digest of its CIDv1) as the caller, once over
    /// every version. New issuance: only on the active version.
    /// @param digest The digest.
    function anchor(bytes32 digest) external;

    /// @notice Publish the envelope the caller keeps for an anchored document, on the version
    /// that anchored it (DocumentRegistryAnchoredOnOtherVersion elsewhere).
    /// @param digest The document's digest.
    /// @param envelopeCid The envelope's binary CIDv1.
    function publishEnvelope(bytes32 digest, bytes calldata envelopeCid) external;

    /// @notice The standing encryption key of a party, over every version (its key in force);
    /// reverts when it has none or its accreditation no longer stands.
    /// @param account The party.
    function encryptionKeyOf(address account) external view returns (EncryptionKey memory);

    /// @notice The account's key in force over every version, as stored (public key zero:
    /// revoked), with no accreditation check, and the version that holds it (zero address and
    /// an empty record when it never registered): where to revoke it, and what a new
    /// registration numbers itself after.
    /// @param account The party.
    function encryptionKeyInForce(address account)
        external
        view
        returns (address registry, EncryptionKey memory key);

    /// @notice The key record `account` registered on this version alone, as stored (version
    /// zero: never registered here; public key zero: revoked), with no accreditation check.
    /// @param account The party.
    function encryptionKeyHere(address account) external view returns (EncryptionKey memory);

    /// @notice The anchor of a document on this version alone (all zero when not anchored
    /// here; another version may hold it).
    /// @param digest The digest.
    function anchorOf(bytes32 digest) external view returns (Anchor memory);

    /// @notice The envelope a party published for a document on this version alone (empty
    /// when none; envelopes are on the version that anchored the document).
    /// @param digest The document's digest.
    /// @param publisher The party.
    function envelopeOf(bytes32 digest, address publisher) external view returns (bytes memory);
}
