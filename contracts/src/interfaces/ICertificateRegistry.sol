// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortium} from "./IConsortium.sol";

/// @title ICertificateRegistry
/// @notice E-certificates (certificates of origin, phytosanitary certificates ...) issued in
/// batches: an issuer accredited by a consortium member for a certificate type anchors one
/// Merkle root per batch. A batch is identified by (root, certType); a certificate by
/// (root, certType, leaf). Leaves follow OpenZeppelin StandardMerkleTree conventions:
/// `leaf = keccak256(bytes.concat(keccak256(abi.encode(documentHash, quantity, numberHash,
/// importingMember))))`, pairs hashed sorted. `numberHash` is keccak256 of the certificate
/// number's UTF-8 bytes (computed off chain); `importingMember` is the id of the member whose
/// administration may record the certificate's use (left-aligned bytes32, e.g. "SG").
/// `quantity` is the total a certificate allows to be drawn by utilization, in thousandths of
/// its unit; 0 means no quantity limit but exactly one declaration may use it.
/// Utilization is counted per certificate number, not per leaf: every leaf of the same issuing
/// member, type and number (in one batch or several, e.g. a re-issue) draws from one total kept
/// under `numberKey = keccak256(abi.encode(issuerMemberId, certType, numberHash))`, where
/// `issuerMemberId` is the member that accredited the batch's issuer. A leaf may draw what its
/// own quantity leaves of that shared total.
/// Revoke, suspend and reinstate take the leaf without a proof: only the issuing member's side
/// (its issuers of the type, its admin, its CUSTOMS_ROLE keys) may call them, and a leaf that
/// is not in the batch affects nothing real. Supersede, by the member's issuers only, proves the
/// successor's leaf.
/// Utilization takes the proof, since it is recorded by another administration.
interface ICertificateRegistry {
    /// @notice Lifecycle status of one certificate. Valid is the default of every leaf.
    enum Status {
        Valid,
        Suspended,
        Revoked,
        Superseded
    }

    /// @notice An issued batch. `expiresAt` is zero when the batch does not expire.
    struct Batch {
        address issuer;
        uint64 issuedAt;
        uint64 expiresAt;
    }

    /// @notice One certificate to look up in `certificateStates`. `numberHash` (keccak256 of
    /// the certificate number) selects the drawn total reported as `CertificateView.utilized`:
    /// the registry cannot tell a leaf's number from the leaf, so the caller names it.
    struct CertificateRef {
        bytes32 root;
        bytes32 certType;
        bytes32 leaf;
        bytes32 numberHash;
    }

    /// @notice Everything verification needs about one certificate, in one call.
    /// @dev `issued` false means the (root, certType) batch was never issued; the other batch
    /// fields are then zero. `issuerMemberId` is the member that accredited the issuer for the
    /// type. `expired` is evaluated at the block of the call. `utilized` is the total drawn
    /// under the certificate's number key, numberKey(root, certType, numberHash) for the
    /// `numberHash` the caller passed: shared by every leaf with that number, so it may exceed
    /// this leaf's quantity when another leaf of the number allows more (for quantity-0
    /// certificates: nonzero once used); zero when the batch was never issued. It is reported
    /// here, rather than by a separate by-number view, so that `certificateStates` stays one
    /// batched call. Successor fields are set only for Superseded certificates.
    struct CertificateView {
        bool issued;
        address issuer;
        bytes32 issuerMemberId;
        uint64 issuedAt;
        uint64 expiresAt;
        bool expired;
        bool issuerAccreditedAtIssue;
        bool issuerAccreditedNow;
        Status status;
        uint16 reason;
        uint64 changedAt;
        uint256 utilized;
        bytes32 successorRoot;
        bytes32 successorLeaf;
    }

    /// @notice A batch was issued.
    /// @param root Merkle root of the batch.
    /// @param certType Certificate type (keccak256 of the type slug).
    /// @param issuer Accredited issuer that anchored the root.
    /// @param memberId Member that accredited the issuer.
    /// @param count Number of certificates in the batch.
    /// @param expiresAt Expiry of every certificate in the batch, 0 for none.
    event CertificatesIssued(
        bytes32 indexed root,
        bytes32 indexed certType,
        address indexed issuer,
        bytes32 memberId,
        uint32 count,
        uint64 expiresAt
    );

    /// @notice The batch issued in the same transaction (its CertificatesIssued event just
    /// before) is destined to `destination`: the importing member whose customs alone may use
    /// its certificates. Indexed, so that a member can follow what is destined to it.
    /// @param root Merkle root of the batch.
    /// @param certType Certificate type.
    /// @param destination Importing member every leaf of the batch commits to.
    /// @param memberId Member that accredited the issuer.
    event CertificatesDestined(
        bytes32 indexed root,
        bytes32 indexed certType,
        bytes32 indexed destination,
        bytes32 memberId
    );

    /// @notice The issuing side put a certificate into the document store for the batch's
    /// destination, as the document `document` (its content identifier, e.g. a CIDv1 in
    /// binary), encrypted for that member's customs. Indexed by destination, so that the
    /// importing administration finds what reached it. Only an event: a delivery changes no
    /// state, and a certificate may be delivered again (e.g. to a customs key added later).
    /// @param root Batch root.
    /// @param leaf Certificate leaf.
    /// @param destination The batch's destination member.
    /// @param certType Certificate type.
    /// @param document Content identifier of the stored (encrypted) certificate.
    event CertificateDelivered(
        bytes32 indexed root,
        bytes32 indexed leaf,
        bytes32 indexed destination,
        bytes32 certType,
        bytes document
    );

    /// @notice A certificate was revoked.
    /// @param root Batch root.
    /// @param leaf Certificate leaf.
    /// @param issuer Account that revoked it: an issuer of the issuing member, or its admin or
    /// one of its customs keys.
    /// @param certType Certificate type.
    /// @param reason Reason code.
    event CertificateRevoked(
        bytes32 indexed root,
        bytes32 indexed leaf,
        address indexed issuer,
        bytes32 certType,
        uint16 reason
    );

    /// @notice A certificate was suspended.
    /// @param root Batch root.
    /// @param leaf Certificate leaf.
    /// @param issuer Account that suspended it (as for CertificateRevoked).
    /// @param certType Certificate type.
    /// @param reason Reason code.
    event CertificateSuspended(
        bytes32 indexed root,
        bytes32 indexed leaf,
        address indexed issuer,
        bytes32 certType,
        uint16 reason
    );

    /// @notice A suspended certificate was reinstated.
    /// @param root Batch root.
    /// @param leaf Certificate leaf.
    /// @param issuer Account that reinstated it (as for CertificateRevoked).
    /// @param certType Certificate type.
    event CertificateReinstated(
        bytes32 indexed root, bytes32 indexed leaf, address indexed issuer, bytes32 certType
    );

    /// @notice A certificate was superseded by another one of the same type and member.
    /// @param root Batch root of the old certificate.
    /// @param leaf Leaf of the old certificate.
    /// @param issuer Issuer that superseded it.
    /// @param certType Certificate type.
    /// @param newRoot Batch root of the successor.
    /// @param newLeaf Leaf of the successor.
    event CertificateSuperseded(
        bytes32 indexed root,
        bytes32 indexed leaf,
        address indexed issuer,
        bytes32 certType,
        bytes32 newRoot,
        bytes32 newLeaf
    );

    /// @notice The importing customs administration recorded a declaration that used a
    /// certificate.
    /// @param root Batch root.
    /// @param leaf Certificate leaf.
    /// @param declarationRef Reference of the declaration (e.g. hashed declaration number).
    /// @param certType Certificate type.
    /// @param memberId Importing member, whose customs key recorded it.
    /// @param numberKey Key of the certificate number the amount was drawn from.
    /// @param amount Quantity drawn (thousandths of the certificate's unit).
    /// @param remaining What this leaf's quantity leaves of the number's total after this use
    /// (0 for quantity-0 certificates).
    event CertificateUtilized(
        bytes32 indexed root,
        bytes32 indexed leaf,
        bytes32 indexed declarationRef,
        bytes32 certType,
        bytes32 memberId,
        bytes32 numberKey,
        uint256 amount,
        uint256 remaining
    );

    /// @notice The consortium address is zero.
    error CertificateRegistryInvalidConsortium(address consortium);
    /// @notice The caller is not accredited (now) as issuer for the certificate type, nor (where
    /// allowed) a member's admin or customs key.
    error CertificateRegistryNotIssuer(address caller, bytes32 certType);
    /// @notice The caller is an issuer, admin or customs key of another member than the one
    /// that accredited the batch's issuer.
    error CertificateRegistryNotBatchIssuer(address caller, bytes32 root, bytes32 certType);
    /// @notice The caller is not accredited CUSTOMS_ROLE by `importingMember`, or that member is
    /// not active.
    error CertificateRegistryNotImportingCustoms(address caller, bytes32 importingMember);
    /// @notice The root is zero.
    error CertificateRegistryInvalidRoot(bytes32 root);
    /// @notice The batch count is zero or above `max`.
    error CertificateRegistryInvalidCount(uint256 count, uint256 max);
    /// @notice The expiry is not in the future (or does not fit 48 bits).
    error CertificateRegistryInvalidExpiry(uint64 expiresAt);
    /// @notice The batch (root, certType) was already issued.
    error CertificateRegistryAlreadyIssued(bytes32 root, bytes32 certType);
    /// @notice The root was anchored on `registry`, another version of this registry the
    /// consortium lists: a batch lives on one version only.
    error CertificateRegistryIssuedOnOtherVersion(bytes32 root, bytes32 certType, address registry);
    /// @notice The batch (root, certType) was never issued.
    error CertificateRegistryNotIssued(bytes32 root, bytes32 certType);
    /// @notice Reason code 0 is not a reason.
    error CertificateRegistryInvalidReason(uint16 reason);
    /// @notice The certificate's status does not allow this change or use.
    error CertificateRegistryInvalidStatus(bytes32 root, bytes32 leaf, Status status);
    /// @notice A certificate cannot supersede itself.
    error CertificateRegistrySelfSupersede(bytes32 root, bytes32 leaf);
    /// @notice The Merkle proof does not place the leaf in the root.
    error CertificateRegistryInvalidProof(bytes32 root, bytes32 leaf);
    /// @notice The batch expired at `expiresAt`.
    error CertificateRegistryExpired(bytes32 root, bytes32 certType, uint64 expiresAt);
    /// @notice The amount is zero, or too large to record.
    error CertificateRegistryInvalidAmount(uint256 amount);
    /// @notice The amount exceeds what the leaf's quantity leaves of its number's drawn total
    /// (`remaining` is 0 when that total already reached the quantity).
    error CertificateRegistryQuantityExceeded(
        bytes32 root, bytes32 leaf, uint256 amount, uint256 remaining
    );
    /// @notice A quantity-0 certificate's number was already used for a declaration.
    error CertificateRegistryAlreadyUtilized(bytes32 root, bytes32 leaf);
    /// @notice The declaration reference is zero.
    error CertificateRegistryInvalidDeclaration(bytes32 declarationRef);
    /// @notice This declaration already drew from this certificate number.
    error CertificateRegistryDeclarationRecorded(bytes32 numberKey, bytes32 declarationRef);
    /// @notice The destination is neither an active member of the consortium nor a country
    /// code (two capital ASCII letters, the rest of the word zero).
    error CertificateRegistryInvalidDestination(bytes32 destination);
    /// @notice The batch was issued to a country outside the consortium: no member's customs
    /// records its utilization (nor deliveries to it), even should that country join later.
    error CertificateRegistryDestinedOutside(bytes32 root, bytes32 certType, bytes32 destination);
    /// @notice The destination is the issuing member itself: a certificate goes to another
    /// member's customs.
    error CertificateRegistryOwnDestination(bytes32 destination);
    /// @notice The leaf commits to `importingMember` but the batch is destined to
    /// `destination`.
    error CertificateRegistryNotDestination(
        bytes32 root, bytes32 certType, bytes32 importingMember, bytes32 destination
    );
    /// @notice One document per leaf: the lists differ in length.
    error CertificateRegistryLengthMismatch(uint256 leaves, uint256 documents);
    /// @notice A delivered document's identifier is empty or longer than MAX_DOCUMENT_BYTES.
    error CertificateRegistryInvalidDocument(bytes document);
    /// @notice Too many certificates asked for in one call.
    error CertificateRegistryTooManyQueries(uint256 length, uint256 max);

    /// @notice Anchor a batch of certificates as one Merkle root. The caller must be accredited
    /// as issuer for `certType` by an active member.
    /// @param root Merkle root of the batch (OpenZeppelin StandardMerkleTree conventions).
    /// @param certType Certificate type, keccak256 of its slug (e.g. "certificate-of-origin").
    /// @param destination The importing member every leaf of the batch commits to: an active
    /// member other than the issuer's (the registry cannot see the leaves; `utilize` refuses a
    /// leaf committing to another member).
    /// @param count Number of certificates in the batch, 1..MAX_BATCH.
    /// @param expiresAt Expiry (unix seconds) of the batch's certificates, 0 for none.
    function issue(
        bytes32 root,
        bytes32 certType,
        bytes32 destination,
        uint32 count,
        uint64 expiresAt
    ) external;

    /// @notice Revoke a Valid or Suspended certificate, for good. Caller: the issuing side of
    /// the batch, i.e. of the member that accredited the batch's issuer: an issuer accredited
    /// by it for the type (the batch issuer included), its admin account, or an account it
    /// accredited CUSTOMS_ROLE. The administration may act after the batch issuer's
    /// accreditation was withdrawn. Issuers and customs keys of a member that left may still
    /// revoke.
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param leaf Certificate leaf.
    /// @param reason Nonzero reason code (fraud=1, clerical-error=2, superseded=3, ...).
    function revoke(bytes32 root, bytes32 certType, bytes32 leaf, uint16 reason) external;

    /// @notice Suspend a Valid certificate. Caller as for `revoke`, the member being active.
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param leaf Certificate leaf.
    /// @param reason Nonzero reason code.
    function suspend(bytes32 root, bytes32 certType, bytes32 leaf, uint16 reason) external;

    /// @notice Make a Suspended certificate Valid again. Caller as for `suspend`.
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param leaf Certificate leaf.
    function reinstate(bytes32 root, bytes32 certType, bytes32 leaf) external;

    /// @notice Replace a Valid or Suspended certificate by a Valid one of the same type in a
    /// batch issued by the same member; `newProof` shows the successor is a real certificate
    /// of that batch. Caller: an issuer accredited for the type by the batch issuer's member
    /// (the member's administration may not supersede: it names no successor of its own).
    /// @param root Batch root of the old certificate.
    /// @param certType Certificate type of both.
    /// @param leaf Leaf of the old certificate.
    /// @param newRoot Batch root of the successor (must be issued, by the same member).
    /// @param newLeaf Leaf of the successor.
    /// @param newProof Merkle proof of `newLeaf` in `newRoot` (empty for a one-certificate
    /// batch, whose root is its leaf).
    function supersede(
        bytes32 root,
        bytes32 certType,
        bytes32 leaf,
        bytes32 newRoot,
        bytes32 newLeaf,
        bytes32[] calldata newProof
    ) external;

    /// @notice Record that certificates of a batch were put into the document store for the
    /// batch's destination (one CertificateDelivered per certificate). Caller as for `suspend`:
    /// the issuing member's issuers of the type, its admin or its customs keys, the member
    /// active. The batch must record a destination. Leaves are not proven (a leaf not in the
    /// batch names nothing real; the destination opens the document and verifies it).
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param leaves Certificate leaves, 1..MAX_QUERIES.
    /// @param documents The stored document of each leaf (content identifier, 1..MAX_DOCUMENT_BYTES
    /// bytes).
    function recordDeliveries(
        bytes32 root,
        bytes32 certType,
        bytes32[] calldata leaves,
        bytes[] calldata documents
    ) external;

    /// @notice Record that a declaration used a certificate, drawing `amount` from the total of
    /// its number. Caller: an account accredited CUSTOMS_ROLE (scope 0) by `importingMember`,
    /// an active member; the leaf commits to `importingMember`, so no other administration can
    /// record the use. The batch must be issued, not expired and destined to `importingMember`,
    /// the certificate Valid.
    /// A leaf may draw `quantity - utilized(numberKey)`; a quantity-0 leaf draws once per
    /// number. Each (numberKey, declarationRef) draws at most once.
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param documentHash Document hash of the certificate.
    /// @param quantity The certificate's total quantity (0: single use, no limit).
    /// @param numberHash keccak256 of the certificate number.
    /// @param importingMember Member whose administration records the use (the caller's).
    /// @param proof Merkle proof of leafHash(documentHash, quantity, numberHash,
    /// importingMember) in `root`.
    /// @param declarationRef Nonzero reference of the declaration (e.g. hashed declaration
    /// number); recorded, so that it draws once from a number.
    /// @param amount Quantity drawn, nonzero; at most what remains.
    /// @return remaining What the leaf's quantity leaves of the number's total after this use
    /// (0 for quantity-0 certificates).
    function utilize(
        bytes32 root,
        bytes32 certType,
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember,
        bytes32[] calldata proof,
        bytes32 declarationRef,
        uint256 amount
    ) external returns (uint256 remaining);

    /// @notice The consortium whose accreditations this registry trusts.
    function consortium() external view returns (IConsortium);

    /// @notice Largest `count` of one batch.
    function MAX_BATCH() external view returns (uint256);

    /// @notice Largest number of certificates in one `certificateStates` or `recordDeliveries`
    /// call.
    function MAX_QUERIES() external view returns (uint256);

    /// @notice Largest length of a delivered document's identifier.
    function MAX_DOCUMENT_BYTES() external view returns (uint256);

    /// @notice An issued batch; all zero when (root, certType) was never issued.
    /// @param root Batch root.
    /// @param certType Certificate type.
    function batch(bytes32 root, bytes32 certType) external view returns (Batch memory);

    /// @notice The member a batch is destined to; zero when (root, certType) was never issued
    /// on this version (a batch of an earlier version that recorded no destination: unknown).
    /// @param root Batch root.
    /// @param certType Certificate type.
    function batchDestination(bytes32 root, bytes32 certType) external view returns (bytes32);

    /// @notice Whether a batch was issued to a country outside the consortium (no member
    /// records its utilization); false for a batch never issued on this version.
    /// @param root Batch root.
    /// @param certType Certificate type.
    function destinedOutside(bytes32 root, bytes32 certType) external view returns (bool);

    /// @notice Issuance, issuer, expiry, status and utilization of one certificate.
    /// @param root Batch root.
    /// @param certType Certificate type.
    /// @param leaf Certificate leaf.
    /// @param numberHash keccak256 of the certificate's number; selects `utilized`.
    function certificateState(bytes32 root, bytes32 certType, bytes32 leaf, bytes32 numberHash)
        external
        view
        returns (CertificateView memory);

    /// @notice `certificateState` for up to MAX_QUERIES certificates at once.
    /// @param refs Certificates to look up.
    function certificateStates(CertificateRef[] calldata refs)
        external
        view
        returns (CertificateView[] memory);

    /// @notice The key under which the drawn total of a certificate number is kept.
    /// Reverts CertificateRegistryNotIssued when the batch was never issued.
    /// @param root Batch root (its issuer gives the issuing member).
    /// @param certType Certificate type.
    /// @param numberHash keccak256 of the certificate number.
    /// @return keccak256(abi.encode(issuerMemberId, certType, numberHash)).
    function numberKey(bytes32 root, bytes32 certType, bytes32 numberHash)
        external
        view
        returns (bytes32);

    /// @notice Total drawn from a certificate number (for quantity-0 certificates: nonzero
    /// once used).
    /// @param numberKey_ Key from `numberKey`.
    function utilized(bytes32 numberKey_) external view returns (uint256);

    /// @notice Whether a declaration drew from a certificate number (a further draw by it
    /// reverts CertificateRegistryDeclarationRecorded). The amount it drew is in its
    /// CertificateUtilized event.
    /// @param numberKey_ Key from `numberKey`.
    /// @param declarationRef Reference of the declaration.
    function declarationRecorded(bytes32 numberKey_, bytes32 declarationRef)
        external
        view
        returns (bool);

    /// @notice The Merkle leaf of a certificate.
    /// @param documentHash Document hash.
    /// @param quantity Total quantity (0: single use).
    /// @param numberHash keccak256 of the certificate number.
    /// @param importingMember Member whose administration records the certificate's use.
    /// @return keccak256(bytes.concat(keccak256(abi.encode(documentHash, quantity, numberHash,
    /// importingMember)))).
    function leafHash(
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember
    ) external pure returns (bytes32);

    /// @notice Whether `proof` places `leaf` in `root` (sorted-pair keccak, OpenZeppelin).
    /// @param root Merkle root.
    /// @param leaf Leaf hash.
    /// @param proof Sibling hashes from the leaf up.
    function verifyProof(bytes32 root, bytes32 leaf, bytes32[] calldata proof)
        external
        pure
        returns (bool);
}
