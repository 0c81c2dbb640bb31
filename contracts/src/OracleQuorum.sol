// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IConsortium, RegistryNotActive} from "./interfaces/IConsortium.sol";
import {IOracleQuorum} from "./interfaces/IOracleQuorum.sol";
import {Roles} from "./Roles.sol";

/// @title OracleQuorum
/// @notice Base for contracts whose member records may be changed by a quorum of that
/// member's accredited oracles signing EIP-712 typed data (see IOracleQuorum for the rules).
/// @dev The inheriting contract hashes its own typed struct (which must contain the member,
/// nonce and deadline) and calls `_checkOracleQuorum` before applying the change.
abstract contract OracleQuorum is EIP712, IOracleQuorum {
    /// @notice Most signatures one submission may carry, and so the highest quorum.
    uint256 public constant MAX_SIGNATURES = 16;

    IConsortium internal immutable _consortium;

    mapping(bytes32 member => uint256) private _quorums;
    mapping(bytes32 member => mapping(uint256 nonce => bool)) private _usedNonces;

    /// @param consortium_ The consortium whose members and accreditations count.
    /// @param name EIP-712 domain name.
    /// @param version EIP-712 domain version.
    constructor(IConsortium consortium_, string memory name, string memory version)
        EIP712(name, version)
    {
        _consortium = consortium_;
    }

    /// @inheritdoc IOracleQuorum
    function setOracleQuorum(uint256 quorum) external {
        if (!_consortium.isMemberAdmin(msg.sender)) revert OracleQuorumNotMemberAdmin(msg.sender);
        if (quorum == 0 || quorum > MAX_SIGNATURES) {
            revert OracleQuorumInvalidQuorum(quorum, MAX_SIGNATURES);
        }
        bytes32 member = _consortium.memberOf(msg.sender);
        uint256 old = _quorumOf(member);
        _quorums[member] = quorum;
        emit OracleQuorumChanged(member, old, quorum);
    }

    /// @notice The consortium this deployment belongs to (when it lists it).
    function consortium() external view returns (IConsortium) {
        return _consortium;
    }

    /// @notice What the consortium lists this deployment as.
    function registryKind() public pure virtual returns (bytes32);

    /// @dev New issuance only while the consortium lists this deployment as its kind's active
    /// version: an unlisted copy is inert even for accredited keys.
    function _requireActiveRegistry() internal view virtual {
        if (!_consortium.isActiveRegistry(address(this))) revert RegistryNotActive(address(this));
    }

    /// @inheritdoc IOracleQuorum
    function oracleQuorum(bytes32 member) external view returns (uint256) {
        return _quorumOf(member);
    }

    /// @inheritdoc IOracleQuorum
    function oracleQuorumSetHere(bytes32 member) external view returns (uint256) {
        return _quorums[member];
    }

    /// @dev The other deployments of this kind the consortium lists, oldest first (this one's
    /// place left zero: callers skip it).
    function _otherVersions() internal view virtual returns (address[] memory others) {
        others = _consortium.registryVersions(registryKind());
        for (uint256 i = 0; i < others.length; ++i) {
            if (others[i] == address(this)) others[i] = address(0);
        }
    }

    /// @inheritdoc IOracleQuorum
    function isOracleNonceUsed(bytes32 member, uint256 nonce) external view returns (bool) {
        return _usedNonces[member][nonce];
    }

    /// @inheritdoc IOracleQuorum
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Check deadline, nonce and signatures of a submission by `member`'s oracles over
    /// `structHash`, then consume the nonce.
    function _checkOracleQuorum(
        bytes32 member,
        bytes32 structHash,
        uint256 nonce,
        uint64 deadline,
        bytes[] calldata signatures
    ) internal {
        if (block.timestamp > deadline) {
            revert OracleQuorumExpired(deadline, uint64(block.timestamp));
        }
        if (_usedNonces[member][nonce]) revert OracleQuorumNonceUsed(member, nonce);
        uint256 count = signatures.length;
        if (count > MAX_SIGNATURES) revert OracleQuorumTooManySignatures(count, MAX_SIGNATURES);
        uint256 quorum = _quorumOf(member);
        if (count < quorum) revert OracleQuorumTooFewSignatures(count, quorum);

        bytes32 digest = _hashTypedDataV4(structHash);
        address[] memory signers = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            address signer = _recover(digest, signatures[i], i);
            for (uint256 j = 0; j < i; ++j) {
                if (signers[j] == signer) revert OracleQuorumDuplicateSigner(signer);
            }
            signers[i] = signer;
            _checkOracle(signer, member);
        }
        _usedNonces[member][nonce] = true;
        emit OracleNonceUsed(member, nonce, digest, msg.sender);
    }

    /// @dev The EIP-712 digest of `structHash` in this contract's domain.
    function _oracleDigest(bytes32 structHash) internal view returns (bytes32) {
        return _hashTypedDataV4(structHash);
    }

    function _recover(bytes32 digest, bytes calldata signature, uint256 index)
        private
        pure
        returns (address signer)
    {
        ECDSA.RecoverError err;
        (signer, err,) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError) revert OracleQuorumInvalidSignature(index);
    }

    function _checkOracle(address signer, bytes32 member) private view {
        if (!_consortium.isAccredited(signer, Roles.ORACLE, bytes32(0))) {
            revert OracleQuorumNotOracle(signer, member);
        }
        bytes32 signerMember = _consortium.accreditingMember(signer);
        if (signerMember != member) {
            revert OracleQuorumOracleOfOtherMember(signer, signerMember, member);
        }
    }

    /// @dev The quorum set here, else the one set on the newest other listed version that has
    /// one (a new version keeps the quorum a member chose before the upgrade), else 1.
    function _quorumOf(bytes32 member) private view returns (uint256) {
        uint256 quorum = _quorums[member];
        if (quorum != 0) return quorum;
        address[] memory others = _otherVersions();
        for (uint256 i = others.length; i > 0; --i) {
            if (others[i - 1] == address(0)) continue;
            quorum = IOracleQuorum(others[i - 1]).oracleQuorumSetHere(member);
            if (quorum != 0) return quorum;
        }
        return 1;
    }
}
