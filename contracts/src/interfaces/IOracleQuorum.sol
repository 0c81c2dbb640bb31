// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IOracleQuorum
/// @notice A member's record changes signed by a quorum of that member's oracles.
/// @dev How a submission is checked (the contract that inherits OracleQuorum defines the typed
/// struct; it always carries `bytes32 member`, `uint256 nonce` and `uint64 deadline`):
/// 1. `block.timestamp <= deadline`, else OracleQuorumExpired.
/// 2. `nonce` not used before by `member` in this contract, else OracleQuorumNonceUsed. Nonces
///    are a used-nonce set per member, not a counter: any uint256 the signing oracles agree on
///    (recommended: `uint256(keccak256(idempotency key of the batch))`), so several oracle
///    processes can sign the same message independently, in any order.
/// 3. Between `quorum(member)` and MAX_SIGNATURES signatures (65 bytes `r || s || v`, v 27/28,
///    low s), each recovering, over the EIP-712 digest of this contract's domain and the chain
///    id, to a distinct account accredited as ORACLE_ROLE (scope zero) by `member` now.
///    A signature made for another chain or another contract recovers to some unrelated
///    address and so fails with OracleQuorumNotOracle.
/// Then the nonce is marked used and OracleNonceUsed is emitted. Anyone may submit.
interface IOracleQuorum {
    /// @notice A member changed the number of its oracles that must sign a submission.
    event OracleQuorumChanged(bytes32 indexed member, uint256 oldQuorum, uint256 newQuorum);
    /// @notice A quorum-signed submission of `member` was accepted and its nonce consumed.
    /// @param digest The EIP-712 digest the oracles signed.
    event OracleNonceUsed(
        bytes32 indexed member, uint256 indexed nonce, bytes32 digest, address indexed submitter
    );

    /// @notice The caller is not the admin account of an active member.
    error OracleQuorumNotMemberAdmin(address caller);
    /// @notice The quorum must be between 1 and `max`.
    error OracleQuorumInvalidQuorum(uint256 quorum, uint256 max);
    /// @notice The submission's deadline has passed.
    error OracleQuorumExpired(uint64 deadline, uint64 timestamp);
    /// @notice The member already used this nonce.
    error OracleQuorumNonceUsed(bytes32 member, uint256 nonce);
    /// @notice Fewer signatures than the member's quorum.
    error OracleQuorumTooFewSignatures(uint256 count, uint256 quorum);
    /// @notice More signatures than MAX_SIGNATURES.
    error OracleQuorumTooManySignatures(uint256 count, uint256 max);
    /// @notice Signature number `index` is malformed (length, high s, bad v).
    error OracleQuorumInvalidSignature(uint256 index);
    /// @notice The signer is not an accredited oracle (also: signed for another chain/contract).
    error OracleQuorumNotOracle(address signer, bytes32 member);
    /// @notice The signer is an oracle accredited by another member.
    error OracleQuorumOracleOfOtherMember(address signer, bytes32 signerMember, bytes32 member);
    /// @notice The same oracle signed twice.
    error OracleQuorumDuplicateSigner(address signer);

    /// @notice Set how many of the caller's member's oracles must sign a submission.
    /// @param quorum Between 1 and MAX_SIGNATURES.
    function setOracleQuorum(uint256 quorum) external;

    /// @notice Signatures needed for `member`: the quorum the member set on this deployment,
    /// else the one it set on the newest other listed version of the same kind (an upgrade
    /// keeps it), else 1.
    /// @param member Member id.
    function oracleQuorum(bytes32 member) external view returns (uint256);

    /// @notice The quorum `member` set on this deployment itself (0: never set here), which
    /// the other versions of the kind read.
    /// @param member Member id.
    function oracleQuorumSetHere(bytes32 member) external view returns (uint256);

    /// @notice Whether `member` already used `nonce` in this contract.
    /// @param member Member id.
    /// @param nonce Nonce.
    function isOracleNonceUsed(bytes32 member, uint256 nonce) external view returns (bool);

    /// @notice The EIP-712 domain separator of this contract on this chain.
    function domainSeparator() external view returns (bytes32);
}
