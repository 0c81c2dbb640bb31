// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Roles
/// @notice The consortium's role ids, declared once for every contract (ledger/ids.py holds the
/// same values for off-chain code; tests compare the two).
/// @dev OpenZeppelin AccessControl's `keccak256("X_ROLE")` convention, so that tools share them.
library Roles {
    /// @notice Certificate issuers, accredited per certificate type.
    bytes32 internal constant ISSUER = keccak256("ISSUER_ROLE");
    /// @notice Oracles signing customs decisions and statistics.
    bytes32 internal constant ORACLE = keccak256("ORACLE_ROLE");
    /// @notice Auditors.
    bytes32 internal constant AUDITOR = keccak256("AUDITOR_ROLE");
    /// @notice Operational keys of an administration: utilization, AEO changes, MRA consent.
    /// The member's admin key votes on governance and accredits; it does not operate.
    bytes32 internal constant CUSTOMS = keccak256("CUSTOMS_ROLE");
    /// @notice Accredited trade parties (declarants, carriers, exporters): evidence events.
    bytes32 internal constant TRADE = keccak256("TRADE_ROLE");
}
