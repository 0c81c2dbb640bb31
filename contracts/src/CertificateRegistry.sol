// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ICertificateRegistry} from "./interfaces/ICertificateRegistry.sol";
import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {Roles} from "./Roles.sol";

/// @title CertificateRegistry
/// @notice Batches of e-certificates anchored as Merkle roots by accredited issuers, with a
/// per-certificate lifecycle (revoke, suspend, reinstate, supersede) and utilization recorded
/// by the importing customs administration, per certificate number.
/// @dev Gas shapes the storage: a batch is one slot (issuer, issuedAt, expiresAt; its count and
/// the issuer's member are only emitted), a certificate's state is one slot (status, reason,
/// changedAt), so issuing a root and revoking one certificate each write a single new slot. A
/// certificate number's slot holds its drawn total and a tag of its first declaration, so the
/// first utilization of a number writes a single new slot too; a later declaration on the same
/// number updates that slot and writes one of its own. Timestamps are stored in 48 bits. A
/// batch's destination member fills a slot of its own (a member id takes the whole word),
/// appended after the others so that the layout of earlier versions stays a prefix. A batch
/// destined to a country outside the consortium keeps its two-letter code there with the
/// word's lowest bit set (OUTSIDE), which no member id has: utilization and deliveries read
/// that slot already, so refusing them costs no further read.
contract CertificateRegistry is ICertificateRegistry {
    /// @inheritdoc ICertificateRegistry
    uint256 public constant MAX_BATCH = 65_536;
    /// @inheritdoc ICertificateRegistry
    uint256 public constant MAX_QUERIES = 256;
    /// @inheritdoc ICertificateRegistry
    uint256 public constant MAX_DOCUMENT_BYTES = 64;
    /// @dev Marks a stored destination outside the consortium (see the contract's notes).
    bytes32 private constant OUTSIDE = bytes32(uint256(1));

    struct BatchRecord {
        address issuer;
        uint48 issuedAt;
        uint48 expiresAt;
    }

    struct CertificateRecord {
        Status status;
        uint16 reason;
        uint48 changedAt;
    }

    struct Successor {
        bytes32 root;
        bytes32 leaf;
    }

    IConsortium private immutable _consortium;

    // Keyed by _batchId(root, certType) and _certificateId(root, certType, leaf): one hash of
    // the packed parts instead of one per nesting level.
    mapping(bytes32 batchId => BatchRecord) private _batches;
    mapping(bytes32 certificateId => CertificateRecord) private _certificates;
    mapping(bytes32 certificateId => Successor) private _successors;
    /// @dev Per certificate number, keyed by _numberKey(member, certType, number), one slot:
    /// the drawn total (low 128 bits) and the tag of the first declaration that drew from it
    /// (high 128 bits, see _declarationTag). Most numbers are drawn by one declaration, whose
    /// use then writes a single new slot.
    mapping(bytes32 numberKey => uint256) private _numbers;
    /// @dev Declarations after the first that drew from a number, keyed by
    /// _declarationId(numberKey, declarationRef).
    mapping(bytes32 declarationId => bool) private _declarations;
    /// @dev The destination member of each batch, keyed by _batchId(root, certType).
    mapping(bytes32 batchId => bytes32) private _destinations;

    /// @param consortium_ The consortium whose accreditations this registry trusts.
    constructor(IConsortium consortium_) {
        if (address(consortium_) == address(0)) {
            revert CertificateRegistryInvalidConsortium(address(consortium_));
        }
        _consortium = consortium_;
    }

    // ---------------------------------------------------------------- issuing side

    /// @inheritdoc ICertificateRegistry
    function issue(
        bytes32 root,
        bytes32 certType,
        bytes32 destination,
        uint32 count,
        uint64 expiresAt
    ) external {
        if (root == bytes32(0)) revert CertificateRegistryInvalidRoot(root);
        if (count == 0 || count > MAX_BATCH) {
            revert CertificateRegistryInvalidCount(count, MAX_BATCH);
        }
        if (expiresAt != 0 && (expiresAt <= block.timestamp || expiresAt > type(uint48).max)) {
            revert CertificateRegistryInvalidExpiry(expiresAt);
        }
        _requireActiveRegistry();
        bytes32 memberId = _issuerMember(msg.sender, certType);
        bool outside = _checkDestination(destination, memberId);
        bytes32 batchId = _batchId(root, certType);
        if (_batches[batchId].issuer != address(0)) {
            revert CertificateRegistryAlreadyIssued(root, certType);
        }
        _refuseRootOfOtherVersions(root, certType);
        // block.timestamp and expiresAt (checked above) fit 48 bits until the year 8,900,000
        // forge-lint: disable-next-line(unsafe-typecast)
        _batches[batchId] = BatchRecord(msg.sender, uint48(block.timestamp), uint48(expiresAt));
        _destinations[batchId] = outside ? destination | OUTSIDE : destination;
        emit CertificatesIssued(root, certType, msg.sender, memberId, count, expiresAt);
        emit CertificatesDestined(root, certType, destination, memberId);
    }

    /// @inheritdoc ICertificateRegistry
    function revoke(bytes32 root, bytes32 certType, bytes32 leaf, uint16 reason) external {
        if (reason == 0) revert CertificateRegistryInvalidReason(reason);
        _authorize(root, certType, true, true);
        bytes32 id = _certificateId(root, certType, leaf);
        Status status = _certificates[id].status;
        if (status != Status.Valid && status != Status.Suspended) {
            revert CertificateRegistryInvalidStatus(root, leaf, status);
        }
        _setStatus(id, Status.Revoked, reason);
        emit CertificateRevoked(root, leaf, msg.sender, certType, reason);
    }

    /// @inheritdoc ICertificateRegistry
    function suspend(bytes32 root, bytes32 certType, bytes32 leaf, uint16 reason) external {
        if (reason == 0) revert CertificateRegistryInvalidReason(reason);
        _authorize(root, certType, false, true);
        bytes32 id = _certificateId(root, certType, leaf);
        Status status = _certificates[id].status;
        if (status != Status.Valid) revert CertificateRegistryInvalidStatus(root, leaf, status);
        _setStatus(id, Status.Suspended, reason);
        emit CertificateSuspended(root, leaf, msg.sender, certType, reason);
    }

    /// @inheritdoc ICertificateRegistry
    function reinstate(bytes32 root, bytes32 certType, bytes32 leaf) external {
        _authorize(root, certType, false, true);
        bytes32 id = _certificateId(root, certType, leaf);
        Status status = _certificates[id].status;
        if (status != Status.Suspended) {
            revert CertificateRegistryInvalidStatus(root, leaf, status);
        }
        _setStatus(id, Status.Valid, 0);
        emit CertificateReinstated(root, leaf, msg.sender, certType);
    }

    /// @inheritdoc ICertificateRegistry
    function supersede(
        bytes32 root,
        bytes32 certType,
        bytes32 leaf,
        bytes32 newRoot,
        bytes32 newLeaf,
        bytes32[] calldata newProof
    ) external {
        if (root == newRoot && leaf == newLeaf) {
            revert CertificateRegistrySelfSupersede(root, leaf);
        }
        address holder =
            _checkSuccessorBatch(_authorize(root, certType, false, false), certType, newRoot);
        if (!MerkleProof.verifyCalldata(newProof, newRoot, newLeaf)) {
            revert CertificateRegistryInvalidProof(newRoot, newLeaf);
        }
        // the successor may be on another version of the registry (a replacement issued after an
        // upgrade): its status is that version's
        Status successorStatus = holder == address(this)
            ? _certificates[_certificateId(newRoot, certType, newLeaf)].status
            : ICertificateRegistry(holder)
            .certificateState(newRoot, certType, newLeaf, bytes32(0))
            .status;
        if (successorStatus != Status.Valid) {
            revert CertificateRegistryInvalidStatus(newRoot, newLeaf, successorStatus);
        }
        bytes32 id = _certificateId(root, certType, leaf);
        Status status = _certificates[id].status;
        if (status != Status.Valid && status != Status.Suspended) {
            revert CertificateRegistryInvalidStatus(root, leaf, status);
        }
        _setStatus(id, Status.Superseded, 0);
        _successors[id] = Successor(newRoot, newLeaf);
        emit CertificateSuperseded(root, leaf, msg.sender, certType, newRoot, newLeaf);
    }

    /// @inheritdoc ICertificateRegistry
    function recordDeliveries(
        bytes32 root,
        bytes32 certType,
        bytes32[] calldata leaves,
        bytes[] calldata documents
    ) external {
        if (leaves.length == 0 || leaves.length > MAX_QUERIES) {
            revert CertificateRegistryTooManyQueries(leaves.length, MAX_QUERIES);
        }
        if (documents.length != leaves.length) {
            revert CertificateRegistryLengthMismatch(leaves.length, documents.length);
        }
        _authorize(root, certType, false, true);
        bytes32 destination_ = _destinations[_batchId(root, certType)];
        if (destination_ == bytes32(0)) revert CertificateRegistryInvalidDestination(destination_);
        if (destination_ & OUTSIDE != 0) {
            revert CertificateRegistryDestinedOutside(root, certType, destination_ ^ OUTSIDE);
        }
        for (uint256 i = 0; i < leaves.length; ++i) {
            bytes calldata document = documents[i];
            if (document.length == 0 || document.length > MAX_DOCUMENT_BYTES) {
                revert CertificateRegistryInvalidDocument(document);
            }
            emit CertificateDelivered(root, leaves[i], destination_, certType, document);
        }
    }

    // ---------------------------------------------------------------- customs side

    /// @inheritdoc ICertificateRegistry
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
    ) external returns (uint256 remaining) {
        _checkImportingCustoms(importingMember);
        if (amount == 0) revert CertificateRegistryInvalidAmount(amount);
        if (declarationRef == bytes32(0)) {
            revert CertificateRegistryInvalidDeclaration(declarationRef);
        }
        bytes32 leaf;
        bytes32 key;
        {
            // Scoped: the stack holds nine arguments already.
            address issuer = _usableBatchIssuer(root, certType, importingMember);
            leaf = _provenLeaf(root, documentHash, quantity, numberHash, importingMember, proof);
            key = _validNumberKey(root, certType, leaf, issuer, numberHash);
        }
        remaining = _draw(root, leaf, key, quantity, declarationRef, amount);
        emit CertificateUtilized(
            root, leaf, declarationRef, certType, importingMember, key, amount, remaining
        );
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICertificateRegistry
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() external pure returns (bytes32) {
        return "CertificateRegistry";
    }

    /// @dev New issuance only while the consortium lists this deployment as its kind's active
    /// version: an unlisted copy is inert even for accredited keys.
    function _requireActiveRegistry() internal view {
        if (!_consortium.isActiveRegistry(address(this))) revert RegistryNotActive(address(this));
    }

    /// @inheritdoc ICertificateRegistry
    function batch(bytes32 root, bytes32 certType) external view returns (Batch memory) {
        BatchRecord memory b = _batches[_batchId(root, certType)];
        return Batch(b.issuer, b.issuedAt, b.expiresAt);
    }

    /// @inheritdoc ICertificateRegistry
    function batchDestination(bytes32 root, bytes32 certType) external view returns (bytes32) {
        bytes32 destination_ = _destinations[_batchId(root, certType)];
        return destination_ & OUTSIDE != 0 ? destination_ ^ OUTSIDE : destination_;
    }

    /// @inheritdoc ICertificateRegistry
    function destinedOutside(bytes32 root, bytes32 certType) external view returns (bool) {
        return _destinations[_batchId(root, certType)] & OUTSIDE != 0;
    }

    /// @inheritdoc ICertificateRegistry
    function certificateState(bytes32 root, bytes32 certType, bytes32 leaf, bytes32 numberHash)
        external
        view
        returns (CertificateView memory v)
    {
        _fillBatch(v, root, certType);
        _fillCertificate(v, root, certType, leaf, numberHash, _versions());
    }

    /// @inheritdoc ICertificateRegistry
    function certificateStates(CertificateRef[] calldata refs)
        external
        view
        returns (CertificateView[] memory views)
    {
        if (refs.length > MAX_QUERIES) {
            revert CertificateRegistryTooManyQueries(refs.length, MAX_QUERIES);
        }
        views = new CertificateView[](refs.length);
        // the registry's versions, asked once for the whole query (draws count over all of them)
        address[] memory versions = _versions();
        for (uint256 i = 0; i < refs.length; ++i) {
            CertificateRef calldata r = refs[i];
            CertificateView memory v = views[i];
            // Certificates of one batch usually come together: ask the consortium once.
            if (i > 0 && r.root == refs[i - 1].root && r.certType == refs[i - 1].certType) {
                _copyBatch(v, views[i - 1]);
            } else {
                _fillBatch(v, r.root, r.certType);
            }
            _fillCertificate(v, r.root, r.certType, r.leaf, r.numberHash, versions);
        }
    }

    /// @inheritdoc ICertificateRegistry
    function numberKey(bytes32 root, bytes32 certType, bytes32 numberHash)
        external
        view
        returns (bytes32)
    {
        address issuer = _batches[_batchId(root, certType)].issuer;
        if (issuer == address(0)) revert CertificateRegistryNotIssued(root, certType);
        return _numberKey(_memberOfIssuer(issuer, certType), certType, numberHash);
    }

    /// @inheritdoc ICertificateRegistry
    function utilized(bytes32 numberKey_) external view returns (uint256) {
        return uint128(_numbers[numberKey_]);
    }

    /// @inheritdoc ICertificateRegistry
    function declarationRecorded(bytes32 numberKey_, bytes32 declarationRef)
        external
        view
        returns (bool)
    {
        return _numbers[numberKey_] >> 128 == _declarationTag(declarationRef)
            || _declarations[_declarationId(numberKey_, declarationRef)];
    }

    /// @inheritdoc ICertificateRegistry
    function leafHash(
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember
    ) external pure returns (bytes32) {
        return _leafHash(documentHash, quantity, numberHash, importingMember);
    }

    /// @inheritdoc ICertificateRegistry
    function verifyProof(bytes32 root, bytes32 leaf, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The member that accredited `account` as issuer for `certType`, if that holds now.
    function _issuerMember(address account, bytes32 certType) private view returns (bytes32) {
        (bytes32 memberId, bool standing) = _accreditation(account, certType);
        if (!standing || !_isMember(memberId)) {
            revert CertificateRegistryNotIssuer(account, certType);
        }
        return memberId;
    }

    /// @dev The member that accredited (or last accredited) `issuer` for `certType`.
    function _memberOfIssuer(address issuer, bytes32 certType) private view returns (bytes32) {
        (bytes32 memberId,) = _accreditation(issuer, certType);
        return memberId;
    }

    /// @dev consortium.accreditation(account, ISSUER_ROLE, certType): its member, and whether
    /// it stands (granted and not withdrawn; the member may have left).
    function _accreditation(address account, bytes32 certType)
        private
        view
        returns (bytes32 memberId, bool standing)
    {
        IConsortium.Accreditation memory a =
            _consortium.accreditation(account, Roles.ISSUER, certType);
        (memberId, standing) = (a.memberId, _stands(a));
    }

    /// @dev consortium.isMember(memberId).
    function _isMember(bytes32 memberId) private view returns (bool) {
        return _consortium.isMember(memberId);
    }

    /// @dev An accreditation stands when it was granted and not withdrawn.
    function _stands(IConsortium.Accreditation memory a) private pure returns (bool) {
        return a.since != 0 && a.until == 0;
    }

    /// @dev The caller may change certificates of batch (root, certType): it is the batch issuer
    /// or another issuer accredited for the type by the member that accredited the batch's
    /// issuer, or (when `administration`) that member's admin or one of its CUSTOMS_ROLE keys,
    /// whether or not the batch issuer is still accredited. Returns that member, or zero when
    /// the caller is the batch issuer itself (saving a consortium call).
    /// For revocation an issuer's or customs key's accreditation must still stand but its member
    /// need not be active any more: revoking only ever removes trust, and a member that left
    /// must still be able to withdraw what it issued. Every other change needs an active
    /// member (and a member's admin key counts only while the member is active).
    function _authorize(bytes32 root, bytes32 certType, bool revoking, bool administration)
        private
        view
        returns (bytes32 memberId)
    {
        address issuer = _batches[_batchId(root, certType)].issuer;
        if (issuer == address(0)) revert CertificateRegistryNotIssued(root, certType);
        bytes32 callerMember = bytes32(0);
        if (issuer == msg.sender && !revoking) {
            if (_consortium.isAccredited(msg.sender, Roles.ISSUER, certType)) return bytes32(0);
        } else {
            (bytes32 issuerMember, bool standing) = _accreditation(msg.sender, certType);
            if (standing && (revoking || _isMember(issuerMember))) {
                if (issuer == msg.sender) return bytes32(0);
                callerMember = issuerMember;
            }
        }
        // Not an issuer of the type (any more): the issuing member's administration?
        if (callerMember == bytes32(0) && administration) {
            callerMember = _administrationMember(revoking);
        }
        if (callerMember == bytes32(0)) revert CertificateRegistryNotIssuer(msg.sender, certType);
        memberId = _memberOfIssuer(issuer, certType);
        if (callerMember != memberId) {
            revert CertificateRegistryNotBatchIssuer(msg.sender, root, certType);
        }
    }

    /// @dev The member whose administration the caller is: its admin (of an active member), or
    /// an account it accredited CUSTOMS_ROLE (standing; the member active unless `revoking`).
    /// Zero for anyone else.
    function _administrationMember(bool revoking) private view returns (bytes32 memberId) {
        memberId = _consortium.memberOf(msg.sender);
        if (memberId != bytes32(0)) return memberId;
        bool standing;
        (memberId, standing) = _customsAccreditation();
        if (!standing || (!revoking && !_consortium.isMember(memberId))) return bytes32(0);
    }

    /// @dev Batch (newRoot, certType) was issued, here or on another listed version of the
    /// registry (returned: the one that holds it), by the member of the caller, who may change
    /// certificates of that member (`memberId` from _authorize, zero for the batch issuer).
    function _checkSuccessorBatch(bytes32 memberId, bytes32 certType, bytes32 newRoot)
        private
        view
        returns (address holder)
    {
        holder = address(this);
        address successorIssuer = _batches[_batchId(newRoot, certType)].issuer;
        if (successorIssuer == address(0)) {
            address[] memory versions = _versions();
            for (uint256 i = 0; i < versions.length && successorIssuer == address(0); ++i) {
                if (versions[i] == address(this)) continue;
                successorIssuer = ICertificateRegistry(versions[i]).batch(newRoot, certType).issuer;
                holder = versions[i];
            }
        }
        if (successorIssuer == address(0)) revert CertificateRegistryNotIssued(newRoot, certType);
        if (successorIssuer == msg.sender) return holder;
        if (memberId == bytes32(0)) memberId = _memberOfIssuer(msg.sender, certType);
        if (_memberOfIssuer(successorIssuer, certType) != memberId) {
            revert CertificateRegistryNotBatchIssuer(msg.sender, newRoot, certType);
        }
    }

    /// @dev The issuer of batch (root, certType), which was issued, has not expired and is
    /// destined to `importingMember`.
    function _usableBatchIssuer(bytes32 root, bytes32 certType, bytes32 importingMember)
        private
        view
        returns (address issuer)
    {
        bytes32 batchId = _batchId(root, certType);
        BatchRecord storage b = _batches[batchId];
        uint48 expiresAt;
        (issuer, expiresAt) = (b.issuer, b.expiresAt);
        if (issuer == address(0)) revert CertificateRegistryNotIssued(root, certType);
        if (expiresAt != 0 && block.timestamp >= expiresAt) {
            revert CertificateRegistryExpired(root, certType, expiresAt);
        }
        // A leaf committing to another member than the batch's destination would let that
        // member's customs draw on a certificate not destined to it. Zero: not recorded.
        bytes32 destination_ = _destinations[batchId];
        if (destination_ & OUTSIDE != 0) {
            revert CertificateRegistryDestinedOutside(root, certType, destination_ ^ OUTSIDE);
        }
        if (destination_ != bytes32(0) && destination_ != importingMember) {
            revert CertificateRegistryNotDestination(root, certType, importingMember, destination_);
        }
    }

    /// @dev A batch is destined to an active member other than the issuing one, or to a
    /// country outside the consortium (then `outside`): two capital ASCII letters, the rest of
    /// the word zero. Whether the code is an assigned ISO 3166-1 country is the issuer's to
    /// check (the contract keeps no list that would need a vote to amend).
    function _checkDestination(bytes32 destination_, bytes32 issuerMember)
        private
        view
        returns (bool outside)
    {
        if (destination_ == issuerMember) {
            revert CertificateRegistryOwnDestination(destination_);
        }
        if (_isMember(destination_)) return false;
        bytes1 first = destination_[0];
        bytes1 second = destination_[1];
        if (
            first < "A" || first > "Z" || second < "A" || second > "Z"
                || uint256(destination_) << 16 != 0
        ) {
            revert CertificateRegistryInvalidDestination(destination_);
        }
        return true;
    }

    /// @dev The leaf of the certificate's fields, which `proof` places in `root`.
    function _provenLeaf(
        bytes32 root,
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember,
        bytes32[] calldata proof
    ) private pure returns (bytes32 leaf) {
        leaf = _leafHash(documentHash, quantity, numberHash, importingMember);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) {
            revert CertificateRegistryInvalidProof(root, leaf);
        }
    }

    /// @dev The number key of a Valid certificate of batch (root, certType) issued by `issuer`.
    function _validNumberKey(
        bytes32 root,
        bytes32 certType,
        bytes32 leaf,
        address issuer,
        bytes32 numberHash
    ) private view returns (bytes32) {
        Status status = _certificates[_certificateId(root, certType, leaf)].status;
        if (status != Status.Valid) revert CertificateRegistryInvalidStatus(root, leaf, status);
        return _numberKey(_memberOfIssuer(issuer, certType), certType, numberHash);
    }

    /// @dev The caller is accredited CUSTOMS_ROLE (scope 0) by `importingMember`, which is
    /// active: consortium.accreditation(msg.sender, CUSTOMS_ROLE, 0) and
    /// consortium.isMember(importingMember).
    function _checkImportingCustoms(bytes32 importingMember) private view {
        (bytes32 memberId, bool standing) = _customsAccreditation();
        if (
            !standing || memberId != importingMember || memberId == bytes32(0)
                || !_isMember(importingMember)
        ) {
            revert CertificateRegistryNotImportingCustoms(msg.sender, importingMember);
        }
    }

    /// @dev consortium.accreditation(msg.sender, CUSTOMS_ROLE, 0): the member that granted it
    /// (or last granted it), and whether it stands.
    function _customsAccreditation() private view returns (bytes32 memberId, bool standing) {
        IConsortium.Accreditation memory a =
            _consortium.accreditation(msg.sender, Roles.CUSTOMS, bytes32(0));
        (memberId, standing) = (a.memberId, _stands(a));
    }

    /// @dev Draw `amount` for declaration `declarationRef` from number `key`, within the leaf's
    /// `quantity`; returns what the quantity leaves of the number's total.
    function _draw(
        bytes32 root,
        bytes32 leaf,
        bytes32 key,
        uint256 quantity,
        bytes32 declarationRef,
        uint256 amount
    ) private returns (uint256 remaining) {
        uint256 record = _numbers[key];
        address[] memory versions = _versions();
        uint256 firstTag = _recordDeclaration(key, declarationRef, record >> 128, versions);
        // the drawn total is the low 128 bits of the record: truncating is the point
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 own = uint128(record);
        // what other versions of the registry recorded for the number counts against the quantity
        uint256 used = own + _drawnElsewhere(key, versions);
        uint256 total;
        if (quantity == 0) {
            if (used != 0) revert CertificateRegistryAlreadyUtilized(root, leaf);
            total = amount;
        } else {
            // Another leaf of the number may have allowed more than this one: nothing left.
            remaining = used < quantity ? quantity - used : 0;
            if (amount > remaining) {
                revert CertificateRegistryQuantityExceeded(root, leaf, amount, remaining);
            }
            remaining -= amount;
            total = own + amount;
        }
        // A cap far above any real quantity, so that totals never approach overflow.
        if (total > type(uint128).max) revert CertificateRegistryInvalidAmount(amount);
        _numbers[key] = (firstTag << 128) | total;
    }

    /// @dev Refuse a declaration that already drew from number `key`, else record it: as the
    /// number's first declaration when `firstTag` is zero (returns its tag, to be stored with
    /// the total), in _declarations otherwise (returns `firstTag` unchanged).
    function _recordDeclaration(
        bytes32 key,
        bytes32 declarationRef,
        uint256 firstTag,
        address[] memory versions
    ) private returns (uint256) {
        for (uint256 i = 0; i < versions.length; ++i) {
            if (
                versions[i] != address(this)
                    && ICertificateRegistry(versions[i]).declarationRecorded(key, declarationRef)
            ) {
                revert CertificateRegistryDeclarationRecorded(key, declarationRef);
            }
        }
        uint256 tag = _declarationTag(declarationRef);
        if (firstTag == 0) return tag;
        bytes32 declarationId = _declarationId(key, declarationRef);
        if (firstTag == tag || _declarations[declarationId]) {
            revert CertificateRegistryDeclarationRecorded(key, declarationRef);
        }
        _declarations[declarationId] = true;
        return firstTag;
    }

    // ---------------------------------------------------------------- across versions
    // A consortium lists several versions of this registry over the years (upgrades by vote).
    // A batch, a number's draws and its declarations are one fact across all of them: each
    // version reads the others through the views below, so no root is anchored twice and no
    // number is drawn beyond its quantity by spreading draws over versions. `utilized` and
    // `declarationRecorded` answer for this version alone (a version summing the others' own
    // answers must not count itself twice); `certificateState` answers for all.

    /// @dev Every listed version of this registry's kind (this one included, when listed).
    function _versions() private view returns (address[] memory) {
        return _consortium.registryVersions("CertificateRegistry");
    }

    /// @dev What the other versions recorded as drawn from number `key`.
    function _drawnElsewhere(bytes32 key, address[] memory versions)
        private
        view
        returns (uint256 drawn)
    {
        for (uint256 i = 0; i < versions.length; ++i) {
            if (versions[i] != address(this)) {
                drawn += ICertificateRegistry(versions[i]).utilized(key);
            }
        }
    }

    /// @dev A root anchored on another version of the registry gets no second life here.
    function _refuseRootOfOtherVersions(bytes32 root, bytes32 certType) private view {
        address[] memory versions = _versions();
        for (uint256 i = 0; i < versions.length; ++i) {
            if (
                versions[i] != address(this)
                    && ICertificateRegistry(versions[i]).batch(root, certType).issuer != address(0)
            ) revert CertificateRegistryIssuedOnOtherVersion(root, certType, versions[i]);
        }
    }

    /// @dev The certificate's new state, in its one slot.
    function _setStatus(bytes32 id, Status status, uint16 reason) private {
        // block.timestamp fits 48 bits until the year 8,900,000
        // forge-lint: disable-next-line(unsafe-typecast)
        _certificates[id] = CertificateRecord(status, reason, uint48(block.timestamp));
    }

    function _fillBatch(CertificateView memory v, bytes32 root, bytes32 certType) private view {
        BatchRecord memory b = _batches[_batchId(root, certType)];
        if (b.issuer == address(0)) return;
        v.issued = true;
        v.issuer = b.issuer;
        v.issuedAt = b.issuedAt;
        v.expiresAt = b.expiresAt;
        v.expired = b.expiresAt != 0 && block.timestamp >= b.expiresAt;
        v.issuerMemberId = _memberOfIssuer(b.issuer, certType);
        v.issuerAccreditedAtIssue =
            _consortium.wasAccredited(b.issuer, Roles.ISSUER, certType, b.issuedAt);
        v.issuerAccreditedNow = _consortium.isAccredited(b.issuer, Roles.ISSUER, certType);
    }

    function _copyBatch(CertificateView memory v, CertificateView memory from) private pure {
        v.issued = from.issued;
        v.issuer = from.issuer;
        v.issuedAt = from.issuedAt;
        v.expiresAt = from.expiresAt;
        v.expired = from.expired;
        v.issuerMemberId = from.issuerMemberId;
        v.issuerAccreditedAtIssue = from.issuerAccreditedAtIssue;
        v.issuerAccreditedNow = from.issuerAccreditedNow;
    }

    function _fillCertificate(
        CertificateView memory v,
        bytes32 root,
        bytes32 certType,
        bytes32 leaf,
        bytes32 numberHash,
        address[] memory versions
    ) private view {
        CertificateRecord memory c = _certificates[_certificateId(root, certType, leaf)];
        v.status = c.status;
        v.reason = c.reason;
        v.changedAt = c.changedAt;
        if (v.issued) {
            bytes32 key = _numberKey(v.issuerMemberId, certType, numberHash);
            v.utilized = uint128(_numbers[key]) + _drawnElsewhere(key, versions);
        }
        if (c.status == Status.Superseded) {
            Successor memory s = _successors[_certificateId(root, certType, leaf)];
            v.successorRoot = s.root;
            v.successorLeaf = s.leaf;
        }
    }

    function _batchId(bytes32 root, bytes32 certType) private pure returns (bytes32) {
        return keccak256(abi.encode(root, certType));
    }

    function _certificateId(bytes32 root, bytes32 certType, bytes32 leaf)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(root, certType, leaf));
    }

    function _numberKey(bytes32 memberId, bytes32 certType, bytes32 numberHash)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(memberId, certType, numberHash));
    }

    function _declarationId(bytes32 key, bytes32 declarationRef) private pure returns (bytes32) {
        return keccak256(abi.encode(key, declarationRef));
    }

    /// @dev A nonzero 128-bit tag of a declaration reference: the high half of its keccak256
    /// with the lowest bit set. Two references share a tag with probability 2**-127; such a
    /// pair would only refuse the second declaration on a number where the first drew (never
    /// let one draw twice), and only the importing member's own keys choose references.
    function _declarationTag(bytes32 declarationRef) private pure returns (uint256) {
        return (uint256(keccak256(abi.encode(declarationRef))) >> 128) | 1;
    }

    function _leafHash(
        bytes32 documentHash,
        uint256 quantity,
        bytes32 numberHash,
        bytes32 importingMember
    ) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(keccak256(abi.encode(documentHash, quantity, numberHash, importingMember)))
        );
    }
}
